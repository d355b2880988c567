from django.db import migrations, models

CHOICES = [
    ("checkin", "Waiting for the pre-visit check-in."),
    ("review", "Waiting for a therapist to look at an update before the visit."),
    ("call", "Waiting for a phone call with the clinic before the visit."),
    ("health_gate", "Waiting for a therapist: the health form does not allow this visit yet."),
    ("staff", "Held by the clinic."),
]


def _field():
    return models.CharField(
        blank=True,
        choices=CHOICES,
        help_text="Why the visit waits.",
        max_length=16,
        verbose_name="hold",
    )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_role_permissions")]

    operations = [
        migrations.AddField(model_name="appointment", name="hold_code", field=_field()),
        migrations.AddField(model_name="historicalappointment", name="hold_code", field=_field()),
    ]
