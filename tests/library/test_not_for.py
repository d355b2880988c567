"""Reading lists follow the health form: "not for" codes, refer and defer.

DESIGN.md, "Reading lists follow the outcome": refer shows only what helps the client
reach medical care; defer shows nothing that invites a booking; an article naming a
condition code it is not for is left out for clients with that flag.
"""

from datetime import UTC, datetime

import time_machine
from django.test import TestCase
from django.urls import reverse

from intake.catalog import SEED_CATEGORY_BY_CODE
from intake.screening import OUTCOMES
from library.demo import CONTENT_DIR, parse_article, seed
from library.models import Article, Tag
from library.reading import SEEK_CARE, reading_list
from tests.base import ClinicTestCase
from tests.library.factories import make_article

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def not_for(article, *names):
    article.not_for.set([Tag.objects.get_or_create(name=name)[0] for name in names])
    return article


@time_machine.travel(NOW, tick=False)
class NotForTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.deep = not_for(
                make_article("Deep tissue explained", tags=["chronic", "deep_tissue"]),
                "osteoporosis",
                "anticoagulant_medication",
                "defer",
            )
            cls.chronic = make_article("Living with chronic pain", tags=["chronic"])
            cls.ball = not_for(
                make_article("Tennis ball self-massage", tags=["chronic", "self_care"]),
                "osteoporosis",
            )
            cls.doctor = make_article(
                "When to see a doctor", tags=[SEEK_CARE, "refer", "saddle_numbness"]
            )
            cls.massage_for_refer = make_article(
                "How massage helps", tags=["refer", "chronic", "saddle_numbness"]
            )

    def read(self, tags, *, flags=(), outcome="review", limit=10):
        return reading_list(tags, flags=flags, outcome=outcome, limit=limit)

    def test_an_article_not_for_a_flag_is_left_out_for_a_client_with_that_flag(self):
        found = self.read(["deep_tissue", "self_care"], flags=["osteoporosis"])

        self.assertEqual(found, [])
        self.assertEqual(self.read(["deep_tissue", "self_care"]), [self.deep, self.ball])

    def test_one_matching_flag_among_many_is_enough_to_leave_it_out(self):
        found = self.read(["chronic"], flags=["rash", "anticoagulant_medication"])

        self.assertNotIn(self.deep, found)
        self.assertIn(self.ball, found)

    def test_a_client_without_those_flags_still_gets_it(self):
        found = self.read(["chronic", "deep_tissue"], flags=["rash"])

        self.assertEqual(found[0], self.deep)

    def test_flag_codes_are_compared_as_tags_are(self):
        self.assertNotIn(self.deep, self.read(["chronic"], flags=[" Osteoporosis "]))

    def test_a_deferred_client_gets_nothing_marked_not_for_defer(self):
        found = self.read(["chronic", "deep_tissue"], outcome="defer")

        self.assertNotIn(self.deep, found)
        self.assertIn(self.chronic, found)

    def test_a_red_flag_gets_only_what_helps_reach_medical_care(self):
        found = self.read(["refer", "saddle_numbness", "chronic"], outcome="refer")

        self.assertEqual(found, [self.doctor])

    def test_a_red_flag_gets_the_care_article_even_when_no_other_tag_matches(self):
        self.assertEqual(self.read(["chronic"], outcome="refer"), [self.doctor])

    def test_a_red_flag_gets_nothing_when_no_article_helps_reach_care(self):
        self.doctor.tags.remove(Tag.objects.get(name=SEEK_CARE))

        self.assertEqual(self.read(["refer", "saddle_numbness"], outcome="refer"), [])

    def test_a_care_article_can_still_be_not_for_a_flag(self):
        not_for(self.doctor, "pregnancy")

        self.assertEqual(self.read(["refer"], flags=["pregnancy"], outcome="refer"), [])

    def test_the_flags_and_the_outcome_must_be_passed(self):
        with self.assertRaises(TypeError):
            reading_list(["chronic"])  # type: ignore[call-arg]
        with self.assertRaises(TypeError):
            reading_list(["chronic"], flags="osteoporosis", outcome="")

    def test_no_health_form_leaves_nothing_out(self):
        found = reading_list(["chronic", "deep_tissue"], flags=(), outcome=None, limit=10)

        self.assertEqual(found[0], self.deep)

    def test_it_is_still_one_query_with_flags_and_a_red_flag(self):
        with self.assertNumQueries(1):
            articles = self.read(["chronic"], flags=["osteoporosis"], outcome="refer")
            [a.topic.name for a in articles]
        with self.assertNumQueries(1):
            articles = self.read(["chronic", "self_care"], flags=["osteoporosis", "rash"])
            [a.topic.name for a in articles]


class StarterArticlesNotForTests(TestCase):
    """The real starter articles, as seed_demo loads them."""

    @classmethod
    def setUpTestData(cls):
        seed()

    def read(self, tags, *, flags=(), outcome):
        return {a.slug for a in reading_list(tags, flags=flags, outcome=outcome, limit=50)}

    def test_the_front_matter_not_for_line_is_loaded(self):
        article = Article.objects.get(slug="self-massage-at-home")

        names = set(article.not_for.values_list("name", flat=True))
        self.assertTrue({"osteoporosis", "anticoagulant_medication", "pregnancy"} <= names)

    def test_a_refer_outcome_offers_no_massage_article(self):
        everything = [t.name for t in Tag.objects.all()]

        self.assertEqual(self.read(everything, outcome="refer"), {"when-to-see-a-doctor"})

    def test_a_defer_outcome_offers_nothing_that_invites_booking(self):
        everything = [t.name for t in Tag.objects.all()]

        found = self.read(everything, outcome="defer")

        for slug in ("how-massage-helps", "massage-techniques", "your-first-visit"):
            self.assertNotIn(slug, found)
        self.assertIn("when-massage-should-wait", found)

    def test_self_massage_with_a_ball_is_not_offered_on_blood_thinners(self):
        found = self.read(
            ["self_care", "chronic"], flags=["anticoagulant_medication"], outcome="review"
        )

        self.assertNotIn("self-massage-at-home", found)
        self.assertIn("massage-exercise-and-posture", found)

    def test_every_not_for_code_is_a_known_code_or_outcome(self):
        known = set(SEED_CATEGORY_BY_CODE) | set(OUTCOMES)
        for path in sorted(CONTENT_DIR.glob("*.md")):
            meta, _ = parse_article(path.read_text(encoding="utf-8"), source=path.name)
            with self.subTest(file=path.name):
                self.assertFalse(set(meta["not_for"]) - known)


class NotForAdminTests(ClinicTestCase):
    def test_a_clinic_admin_sees_the_not_for_field_with_its_help(self):
        article = make_article("Heat packs", tags=["chronic"])
        self.login(self.admin_user)

        response = self.client.get(reverse("admin:library_article_change", args=[article.pk]))

        self.assertContains(response, 'name="not_for"')
        self.assertContains(response, "must not be suggested for")
