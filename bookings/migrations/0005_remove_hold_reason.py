from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bookings", "0004_hold_code_from_reason")]

    operations = [
        migrations.RemoveField(model_name="appointment", name="hold_reason"),
        migrations.RemoveField(model_name="historicalappointment", name="hold_reason"),
    ]
