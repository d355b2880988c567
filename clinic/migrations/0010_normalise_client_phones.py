"""Existing clients' phone numbers in E.164 where they parse as valid numbers in
``CLINIC_PHONE_REGION``; any other number is kept exactly as typed."""

from django.db import migrations

from clinic import phones


def normalise(apps, schema_editor):
    ClientProfile = apps.get_model("clinic", "ClientProfile")
    for pk, typed in ClientProfile.objects.exclude(phone="").values_list("pk", "phone"):
        text = str(typed)
        normal = phones.normalise(text)
        if normal != text:
            # update(): no history row and no save() side effects for a change of form.
            ClientProfile.objects.filter(pk=pk).update(phone=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0009_client_phone_e164"),
    ]

    # Reversing keeps the E.164 numbers: they are the same numbers, and valid as typed.
    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
