from django.db import migrations

from clinic.roles import grant, model_permissions, revoke

# Visit notes are health data: therapists record them; nobody else gets them by role.
ROLE_PERMISSIONS = {
    "Therapist": model_permissions("bookings", ["appointment", "treatmentplan"], ["view", "change"])
    + ["bookings.add_treatmentplan"]
    + model_permissions("bookings", ["visit"], ["add", "change", "view"])
    + ["bookings.view_calendarfeed"],
    "Front desk": model_permissions("bookings", ["appointment"], ["add", "change", "view"])
    + ["bookings.view_treatmentplan"],
    "Clinic admin": model_permissions("bookings", ["appointment", "treatmentplan", "calendarfeed"]),
}


def forwards(apps, schema_editor):
    for role, permissions in ROLE_PERMISSIONS.items():
        grant(apps, role, permissions)


def backwards(apps, schema_editor):
    for role, permissions in ROLE_PERMISSIONS.items():
        revoke(apps, role, permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
        ("clinic", "0002_roles_and_techniques"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
