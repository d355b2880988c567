from dataclasses import asdict

from django.db import migrations

from clinic.roles import grant, revoke
from intake.catalog import SEED_CATALOG

# Therapists review flagged intakes. `intake.view_health_data` is deliberately given to no
# group: staff who need to read every client's health data get it one by one in the admin.
THERAPIST_PERMISSIONS = ["intake.review_intake"]
ADMIN_PERMISSIONS = [
    "intake.view_condition",
    "intake.change_condition",
    "intake.add_condition",
    "intake.view_healthdataaccess",
]

CATALOG_FIELDS = ("code", "category", "question", "help_text", "client_reason", "guidance",
                  "sources", "urgent", "order")


def seed(apps, schema_editor):
    Condition = apps.get_model("intake", "Condition")
    for entry in SEED_CATALOG:
        data = asdict(entry)
        Condition.objects.update_or_create(
            code=data["code"], defaults={k: data[k] for k in CATALOG_FIELDS if k != "code"}
        )
    grant(apps, "Therapist", THERAPIST_PERMISSIONS)
    grant(apps, "Clinic admin", ADMIN_PERMISSIONS)


def unseed(apps, schema_editor):
    revoke(apps, "Therapist", THERAPIST_PERMISSIONS)
    revoke(apps, "Clinic admin", ADMIN_PERMISSIONS)
    apps.get_model("intake", "Condition").objects.filter(
        code__in=[entry.code for entry in SEED_CATALOG]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("clinic", "0002_roles_and_techniques"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
