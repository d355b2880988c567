"""The starter articles already loaded say what they are not for, and which helps reach care.

A frozen copy of the ``not_for`` and ``seek_care`` lines added to library/content, for
databases where the starter articles were loaded before those lines existed. Only
articles still carrying a starter slug are touched; staff edits to anything else stay.
"""

from django.db import migrations

SEEK_CARE = {"when-to-see-a-doctor": ["seek_care"]}

NOT_FOR = {
    "after-your-massage": ["defer", "acute_injury"],
    "common-questions": ["defer"],
    "how-massage-helps": ["defer"],
    "how-often-to-come": ["defer"],
    "massage-exercise-and-posture": [
        "defer",
        "acute_injury",
        "fracture_or_bone_injury",
        "recent_surgery",
        "severe_osteoporosis",
    ],
    "massage-techniques": ["defer"],
    "self-massage-at-home": [
        "anticoagulant_medication",
        "clotting_disorder",
        "dvt_history",
        "osteoporosis",
        "severe_osteoporosis",
        "long_term_steroids",
        "disc_herniation_nerve_compression",
        "pregnancy",
        "high_risk_pregnancy",
        "diabetes",
        "numbness_tingling",
        "radiating_leg_pain",
        "acute_injury",
        "recent_surgery",
        "fracture_or_bone_injury",
        "cancer",
    ],
    "stress-sleep-and-back-pain": ["defer"],
    "upper-back-neck-and-shoulder-pain": ["defer"],
    "your-first-visit": ["defer"],
}


def _apply(apps, relation, mapping, add):
    Article = apps.get_model("library", "Article")
    Tag = apps.get_model("library", "Tag")
    for article in Article.objects.filter(slug__in=mapping):
        names = mapping[article.slug]
        related = getattr(article, relation)
        if add:
            related.add(*[Tag.objects.get_or_create(name=name)[0] for name in names])
        else:
            related.remove(*Tag.objects.filter(name__in=names))


def forwards(apps, schema_editor):
    _apply(apps, "not_for", NOT_FOR, add=True)
    _apply(apps, "tags", SEEK_CARE, add=True)


def backwards(apps, schema_editor):
    _apply(apps, "not_for", NOT_FOR, add=False)
    _apply(apps, "tags", SEEK_CARE, add=False)


class Migration(migrations.Migration):
    dependencies = [("library", "0004_article_not_for")]

    operations = [migrations.RunPython(forwards, backwards)]
