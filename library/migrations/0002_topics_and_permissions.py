from django.db import migrations

from clinic.roles import grant, model_permissions, revoke

TOPICS = [
    # slug, name, description
    (
        "types-of-back-pain",
        "Types of back pain",
        "New or long-lasting, lower or upper: what your kind of back pain tends to feel like "
        "and what often sets it off.",
    ),
    (
        "how-massage-helps",
        "How massage helps",
        "What massage does for tight muscles, blood flow, stress and the way you feel pain.",
    ),
    (
        "massage-techniques",
        "Massage techniques",
        "Swedish, deep tissue, trigger point and more: what each one is like and how to choose.",
    ),
    (
        "your-visits",
        "Your visits",
        "What happens at your first visit and how often to come back.",
    ),
    (
        "self-care-at-home",
        "Self-care at home",
        "Simple things you can do between sessions: self-massage, stretches and posture.",
    ),
    (
        "aftercare",
        "Aftercare",
        "Looking after yourself in the hours and days after a massage, and what soreness "
        "is normal.",
    ),
    (
        "when-to-avoid-massage",
        "When to avoid massage",
        "Times when massage should wait, needs your doctor's go-ahead, or when you should "
        "see a doctor instead.",
    ),
    (
        "questions",
        "Questions",
        "Short answers to the questions clients ask us most.",
    ),
]

PERMISSIONS = model_permissions("library", ["article", "topic", "tag"])


def forwards(apps, schema_editor):
    Topic = apps.get_model("library", "Topic")
    for position, (slug, name, description) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    grant(apps, "Clinic admin", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "Clinic admin", PERMISSIONS)
    Topic = apps.get_model("library", "Topic")
    Topic.objects.filter(slug__in=[slug for slug, _, _ in TOPICS], articles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("clinic", "0002_roles_and_techniques"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
