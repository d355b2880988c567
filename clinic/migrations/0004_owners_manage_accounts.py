"""Owners (superusers) manage accounts; clinic admins run the clinic.

Clinic admins lose the right to add and change users (they could give themselves any
permission); they keep viewing users, to pick a therapist's account. Profiles already
linked to an account whose address matches count as confirmed: those people have been
logging in with that address.
"""

from django.db import migrations
from django.db.models import F

from clinic.roles import grant, revoke

TAKEN = ["clinic.add_user", "clinic.change_user", "clinic.delete_user"]


def forwards(apps, schema_editor):
    revoke(apps, "Clinic admin", TAKEN)
    ClientProfile = apps.get_model("clinic", "ClientProfile")
    for profile in ClientProfile.objects.filter(user__isnull=False).select_related("user"):
        if profile.email and profile.email.lower() == profile.user.email.lower():
            ClientProfile.objects.filter(pk=profile.pk).update(email_confirmed=F("email"))


def backwards(apps, schema_editor):
    grant(apps, "Clinic admin", ["clinic.add_user", "clinic.change_user"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_account_events_and_confirmed_email"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
