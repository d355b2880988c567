"""The starter content covers what the clinical sources cover (issue 11, part 8)."""

import importlib
import re

from django.apps import apps as django_apps
from django.test import TestCase

from library.demo import CONTENT_DIR, parse_article, seed
from library.models import Article, Tag
from library.reading import reading_list

NEW_ARTICLES = {
    "spinal-osteoarthritis",
    "fibromyalgia",
    "myofascial-pain",
    "heat-or-ice",
    "choosing-a-qualified-therapist",
    "massage-with-other-treatments",
    "massage-and-your-medicines",
}
LINK = re.compile(r"\]\(/library/([a-z0-9-]+)/\)")


def load(slug):
    return parse_article((CONTENT_DIR / f"{slug}.md").read_text(encoding="utf-8"), source=slug)


class StarterFilesTests(TestCase):
    def test_each_new_article_has_tags_a_review_date_and_a_sources_note(self):
        for slug in sorted(NEW_ARTICLES):
            with self.subTest(slug=slug):
                meta, body = load(slug)
                self.assertTrue(meta["tags"])
                self.assertEqual(meta["reviewed"].isoformat(), "2026-12-02")
                self.assertIn("*Sources we drew on:", body)
                self.assertIn("Written in our own words", body)

    def test_every_library_link_in_the_starter_articles_leads_to_an_article(self):
        slugs = {path.stem for path in CONTENT_DIR.glob("*.md")}
        for path in sorted(CONTENT_DIR.glob("*.md")):
            with self.subTest(file=path.name):
                linked = set(LINK.findall(path.read_text(encoding="utf-8")))
                self.assertFalse(linked - slugs)

    def test_the_session_length_trial_is_named_as_a_neck_pain_trial(self):
        _, body = load("how-often-to-come")

        self.assertNotIn("Research on massage for back pain suggests shorter sessions", body)
        self.assertIn("One trial of massage for long-lasting **neck** pain", body)
        self.assertIn("does not prove the same for everyone", body)

    def test_the_aftercare_stretches_say_who_should_skip_them(self):
        meta, body = load("after-your-massage")

        self.assertIn("#### Who should skip these stretches", body)
        for code in (
            "fracture_or_bone_injury",
            "recent_surgery",
            "osteoporosis",
            "disc_herniation_nerve_compression",
        ):
            self.assertIn(code, meta["not_for"])

    def test_the_receipt_answer_describes_the_receipt_we_give(self):
        _, body = load("common-questions")

        self.assertIn("registration number", body)
        self.assertIn("It shows nothing about your health.", body)


class StarterReadingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()

    def read(self, tags, *, flags=(), outcome="review"):
        return [a.slug for a in reading_list(tags, flags=flags, outcome=outcome, limit=20)]

    def test_the_new_articles_are_published(self):
        for slug in sorted(NEW_ARTICLES):
            with self.subTest(slug=slug):
                self.assertIn(slug, self.read(load(slug)[0]["tags"]))

    def test_aftercare_with_stretches_is_not_offered_after_a_spinal_fracture(self):
        self.assertEqual(self.read(["aftercare"])[0], "after-your-massage")

        found = self.read(["aftercare"], flags=["severe_osteoporosis"])

        self.assertNotIn("after-your-massage", found)
        self.assertIn("heat-or-ice", found)

    def test_heat_and_ice_are_not_suggested_where_a_burn_could_go_unfelt(self):
        self.assertIn("heat-or-ice", self.read(["self_care"]))
        self.assertNotIn("heat-or-ice", self.read(["self_care"], flags=["numbness_tingling"]))

    def test_a_client_on_blood_thinners_reads_about_medicines(self):
        found = self.read(["anticoagulant_medication"], flags=["anticoagulant_medication"])

        self.assertIn("massage-and-your-medicines", found)


class LoadedStarterArticlesMigrationTests(TestCase):
    """Databases that loaded the starter articles earlier get the same fixes."""

    @classmethod
    def setUpTestData(cls):
        seed()

    def migration(self):
        return importlib.import_module("library.migrations.0006_starter_content_gaps")

    def test_old_passages_and_tags_are_brought_up_to_date_and_back(self):
        migration = self.migration()
        for slug, old, new in migration.PASSAGES:
            article = Article.objects.get(slug=slug)
            article.body = article.body.replace(new, old)
            article.save(update_fields=["body"])
        aftercare = Article.objects.get(slug="after-your-massage")
        aftercare.not_for.remove(*Tag.objects.filter(name="osteoporosis"))
        before = {a.slug: a.body for a in Article.objects.all()}
        self.assertNotIn("Who should skip", before["after-your-massage"])

        migration.forwards(django_apps, None)

        for slug, _old, new in migration.PASSAGES:
            with self.subTest(slug=slug):
                self.assertEqual(Article.objects.get(slug=slug).body.count(new), 1)
        self.assertIn("osteoporosis", aftercare.not_for.values_list("name", flat=True))
        self.assertEqual(
            Article.objects.get(slug="how-often-to-come").body,
            parse_article(
                (CONTENT_DIR / "how-often-to-come.md").read_text(encoding="utf-8"),
                source="x",
            )[1],
        )

        migration.forwards(django_apps, None)  # a second run changes nothing
        self.assertEqual(
            Article.objects.get(slug="after-your-massage").body.count("Who should skip"), 1
        )

        migration.backwards(django_apps, None)
        for slug, body in before.items():
            with self.subTest(back=slug):
                self.assertEqual(Article.objects.get(slug=slug).body, body)

    def test_a_passage_staff_have_edited_is_left_alone(self):
        migration = self.migration()
        article = Article.objects.get(slug="how-often-to-come")
        article.body = "Our own words about session length."
        article.save(update_fields=["body"])

        migration.forwards(django_apps, None)

        article.refresh_from_db()
        self.assertEqual(article.body, "Our own words about session length.")
