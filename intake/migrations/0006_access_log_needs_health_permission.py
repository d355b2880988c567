"""The access log is health data: only people with the health-data permission read it.

Copies who did each existing row (name, e-mail) from the user, and takes the log away
from the clinic admin group.
"""

from django.db import migrations

from clinic.roles import grant, revoke


def forwards(apps, schema_editor):
    revoke(apps, "Clinic admin", ["intake.view_healthdataaccess"])
    HealthDataAccess = apps.get_model("intake", "HealthDataAccess")
    for row in HealthDataAccess.objects.filter(user__isnull=False, user_email="").select_related(
        "user"
    ):
        name = f"{row.user.first_name} {row.user.last_name}".strip()
        HealthDataAccess.objects.filter(pk=row.pk).update(
            user_name=name[:200], user_email=row.user.email
        )


def backwards(apps, schema_editor):
    grant(apps, "Clinic admin", ["intake.view_healthdataaccess"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_access_log_who"),
        ("clinic", "0004_owners_manage_accounts"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
