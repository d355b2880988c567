"""Holds are recognised by a stored code, not by their wording: copy each text to its code.

A text no code matches (typed in the admin) becomes a staff hold; going back writes each
code's words into the old text column.
"""

from django.db import migrations

TEXTS = {
    "Waiting for the pre-visit check-in.": "checkin",
    "Waiting for a therapist to look at an update before the visit.": "review",
    "Waiting for a phone call with the clinic before the visit.": "call",
}
WORDS = {
    "checkin": "Waiting for the pre-visit check-in.",
    "review": "Waiting for a therapist to look at an update before the visit.",
    "call": "Waiting for a phone call with the clinic before the visit.",
    "health_gate": "Waiting for a therapist: the health form does not allow this visit yet.",
    "staff": "Held by the clinic.",
}


def _has_old_column(model):
    # The test suite replays data migrations against today's models (conftest.py), which
    # no longer have the text column: nothing to copy then.
    return any(field.name == "hold_reason" for field in model._meta.get_fields())


def forwards(apps, schema_editor):
    for name in ("Appointment", "HistoricalAppointment"):
        model = apps.get_model("bookings", name)
        if not _has_old_column(model):
            continue
        for text, code in TEXTS.items():
            model.objects.filter(hold_reason=text).update(hold_code=code)
        model.objects.filter(hold_code="").exclude(hold_reason="").update(hold_code="staff")


def backwards(apps, schema_editor):
    for name in ("Appointment", "HistoricalAppointment"):
        model = apps.get_model("bookings", name)
        if not _has_old_column(model):
            continue
        for code, text in WORDS.items():
            model.objects.filter(hold_code=code).update(hold_reason=text)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0003_appointment_hold_code")]

    operations = [migrations.RunPython(forwards, backwards)]
