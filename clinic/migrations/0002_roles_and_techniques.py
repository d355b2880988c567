from django.db import migrations

from clinic.roles import grant, model_permissions

CLINIC_MODELS = [
    "location",
    "closure",
    "room",
    "technique",
    "service",
    "therapist",
    "workinghours",
    "timeoff",
    "clientprofile",
]

ROLE_PERMISSIONS = {
    "Client": [],
    "Therapist": ["clinic.view_clientprofile"]
    + model_permissions("clinic", ["service", "therapist", "location", "room"], ["view"]),
    "Front desk": model_permissions("clinic", ["clientprofile"], ["add", "change", "view"])
    + model_permissions(
        "clinic",
        ["service", "therapist", "location", "room", "workinghours", "timeoff", "closure"],
        ["view"],
    ),
    "Clinic admin": model_permissions("clinic", CLINIC_MODELS)
    + model_permissions("clinic", ["user"], ["add", "change", "view"])
    + ["auth.view_group"],
}

# The techniques the design's intake rule suggests and the clinic's services use.
TECHNIQUES = [
    ("swedish", "Swedish massage", "Long, flowing strokes with light to medium pressure."),
    ("deep_tissue", "Deep tissue massage", "Slow, firm pressure on deeper layers of muscle."),
    ("trigger_point", "Trigger point therapy", "Sustained pressure on tight, tender knots."),
    ("myofascial", "Myofascial release", "Gentle sustained stretch of the connective tissue."),
    ("sports", "Sports massage", "Work aimed at training, recovery and flexibility."),
    ("neuromuscular", "Neuromuscular therapy", "Targeted pressure on specific muscles."),
]


def create_roles(apps, schema_editor):
    for role, permissions in ROLE_PERMISSIONS.items():
        grant(apps, role, permissions)
    Technique = apps.get_model("clinic", "Technique")
    for code, name, description in TECHNIQUES:
        Technique.objects.get_or_create(code=code, defaults={"name": name, "description": description})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()
    apps.get_model("clinic", "Technique").objects.filter(
        code__in=[code for code, _, _ in TECHNIQUES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
