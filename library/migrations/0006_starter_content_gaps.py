"""Already-loaded starter articles get issue 11's content fixes (part 8).

A frozen copy of what changed in library/content, for databases where the starter
articles were loaded before: the catalog codes each article is now tagged for (so every
active code has reading), who the aftercare stretches are not for, and three corrected
passages. Only articles still carrying a starter slug are touched, and a passage is
replaced only while it still reads exactly as loaded, so staff edits stay. The new
articles arrive the usual way (``seed_demo`` loads any starter slug not yet there).
"""

from django.db import migrations

TAGS = {
    "when-massage-should-wait": [
        "unhealed_wound",
        "rash",
        "skin_condition_in_area",
        "implant_or_port",
        "undiagnosed_lump",
        "long_term_steroids",
        "controlled_high_blood_pressure",
    ],
    "health-conditions-and-clearance": [
        "severe_osteoporosis",
        "cancer_history_new_back_pain",
        "unexplained_weight_loss",
        "other_serious_condition",
    ],
}

NOT_FOR = {
    "after-your-massage": [
        "fracture_or_bone_injury",
        "recent_surgery",
        "osteoporosis",
        "severe_osteoporosis",
        "disc_herniation_nerve_compression",
    ],
}

STRETCHES_END = '- **Shoulder rolls:** roll your shoulders up, back and down five times.'
STRETCHES_SKIP = '#### Who should skip these stretches\n\nKnee hugs, pelvic tilts and cat and cow all bend the lower back. Please leave them out, and ask your doctor, physiotherapist or therapist which movements suit you, if you:\n\n- have **osteoporosis** or low bone density, or have broken a bone in your spine\n- have a **broken bone that has not fully healed**\n- have had an **operation in the last six weeks**, or on your back, tummy or hip more recently than your surgeon has cleared you to bend and twist\n- hurt yourself in the **last three days**, such as a pulled muscle or a knock\n- have been told you have a **disc problem or a trapped nerve**, unless your physiotherapist has given you these exact stretches\n\nAdapt them if you:\n\n- are **pregnant**: after about 16 weeks, lying flat on your back for long can make you feel faint, so do pelvic tilts standing with your back against a wall, and skip the knee hugs. Cat and cow on hands and knees is usually comfortable\n- have **pain spreading into a leg**: stop any stretch that makes the leg pain, numbness or tingling worse, or that sends it further down the leg\n- have **knee or wrist pain**: skip cat and cow, or put a folded towel under your knees\n\nShoulder rolls are gentle enough for most people. If any stretch causes sharp pain, stop it.'

# (slug, passage as loaded, corrected passage)
PASSAGES = [
    (
        "how-often-to-come",
        'Some clinics offer 30-minute sessions. Research on massage for back pain suggests shorter sessions often do not give enough time to make a real difference. That is why we do not offer them as standard. Your therapist may suggest a different length if it suits you better.',
        'Some clinics offer 30-minute sessions. One trial of massage for long-lasting **neck** pain compared session lengths and found that people who had 60-minute sessions two or three times a week did better than those who had 30-minute sessions. That was one study, on neck pain rather than back pain, so it does not prove the same for everyone. It does fit what we see: an hour gives time to work properly without rushing. That is why our standard session is one hour. Your therapist may suggest a different length if it suits you better.',
    ),
    (
        "common-questions",
        'Yes. We can give you a receipt for each session, showing the date, the treatment and the amount paid. If your insurer needs extra details, let us know and we will do our best to help.',
        "Yes, for each session you attend. Once your therapist has recorded the visit, a receipt is ready on your appointment page under **My appointments**, where you can print it or save it as a PDF. It shows the clinic's name and address, the date, the treatment and how long it lasted, the price, your therapist's name and professional registration number, and a receipt number. It shows nothing about your health. If you do not use an online account, ask at the front desk and we will print one for you. If your insurer needs extra details, let us know and we will do our best to help.",
    ),
    (
        "after-your-massage",
        STRETCHES_END,
        STRETCHES_END + "\n\n" + STRETCHES_SKIP,
    ),
]


def _relate(apps, relation, mapping, add):
    Article = apps.get_model("library", "Article")
    Tag = apps.get_model("library", "Tag")
    for article in Article.objects.filter(slug__in=mapping):
        names = mapping[article.slug]
        related = getattr(article, relation)
        if add:
            related.add(*[Tag.objects.get_or_create(name=name)[0] for name in names])
        else:
            related.remove(*Tag.objects.filter(name__in=names))


def _rewrite(apps, forwards):
    Article = apps.get_model("library", "Article")
    for slug, old, new in PASSAGES:
        before, after = (old, new) if forwards else (new, old)
        for article in Article.objects.filter(slug=slug):
            if before in article.body and (forwards is False or new not in article.body):
                article.body = article.body.replace(before, after, 1)
                article.save(update_fields=["body"])


def forwards(apps, schema_editor):
    _relate(apps, "tags", TAGS, add=True)
    _relate(apps, "not_for", NOT_FOR, add=True)
    _rewrite(apps, forwards=True)


def backwards(apps, schema_editor):
    _rewrite(apps, forwards=False)
    _relate(apps, "not_for", NOT_FOR, add=False)
    _relate(apps, "tags", TAGS, add=False)


class Migration(migrations.Migration):
    dependencies = [("library", "0005_starter_articles_not_for")]

    operations = [migrations.RunPython(forwards, backwards)]
