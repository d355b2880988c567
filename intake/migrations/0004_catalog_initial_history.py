from django.db import migrations
from django.utils import timezone

FIELDS = ("id", "code", "category", "question", "help_text", "client_reason", "guidance",
          "sources", "urgent", "order", "active")


def backfill(apps, schema_editor):
    """Give every seeded row a first history entry, so the admin shows "before" too."""
    Condition = apps.get_model("intake", "Condition")
    History = apps.get_model("intake", "HistoricalCondition")
    have = set(History.objects.values_list("id", flat=True))
    now = timezone.now()
    History.objects.bulk_create(
        History(
            **{name: getattr(row, name) for name in FIELDS},
            history_date=now,
            history_type="+",
            history_change_reason="Seed catalog",
        )
        for row in Condition.objects.exclude(id__in=have)
    )


def remove(apps, schema_editor):
    apps.get_model("intake", "HistoricalCondition").objects.filter(
        history_change_reason="Seed catalog"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_flag_order")]

    operations = [migrations.RunPython(backfill, remove)]
