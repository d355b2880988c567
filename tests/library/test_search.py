"""Library search: ranked full text on PostgreSQL, plain matching elsewhere."""

import pytest
from django.urls import reverse

from library.models import Article
from tests.base import ClinicTestCase
from tests.library.factories import make_article

SEARCH = reverse("library:search")


class SearchTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.in_body = make_article(
            "Aardvark advice",
            summary="General tips.",
            body="Some people feel sciatica down one leg.",
            topic_slug="questions",
        )
        cls.in_summary = make_article(
            "Busy backs",
            summary="What sciatica is and how we help.",
            body="Plain words here.",
            topic_slug="questions",
        )
        cls.in_title = make_article(
            "Sciatica explained",
            summary="Leg pain from the back.",
            body="Plain words here.",
            topic_slug="types-of-back-pain",
        )
        cls.draft = make_article(
            "Sciatica draft", summary="Sciatica.", body="Sciatica.", status=Article.Status.DRAFT
        )
        cls.unrelated = make_article(
            "Foam rollers", body="Roll slowly.", topic_slug="self-care-at-home"
        )

    def search(self, q):
        return self.client.get(SEARCH, {"q": q})

    def test_a_search_finds_published_articles_in_title_summary_and_body(self):
        response = self.search("sciatica")
        self.assertEqual(
            set(response.context["results"]), {self.in_title, self.in_summary, self.in_body}
        )
        self.assertContains(response, "3 results for “sciatica”")
        self.assertContains(response, self.in_title.get_absolute_url())

    def test_a_title_match_ranks_above_a_summary_match_above_a_body_match(self):
        results = list(Article.objects.published().search("sciatica"))
        self.assertEqual(results, [self.in_title, self.in_summary, self.in_body])

    def test_drafts_are_never_found_even_by_staff(self):
        self.login(self.admin_user)
        response = self.search("draft")
        self.assertNotIn(self.draft, response.context["results"])
        self.assertNotContains(response, self.draft.get_absolute_url())

    def test_no_match_says_so_kindly(self):
        response = self.search("zebra")
        self.assertEqual(list(response.context["results"]), [])
        self.assertContains(response, "No results for “zebra”")

    def test_an_empty_query_shows_a_prompt_and_no_results(self):
        for params in ({}, {"q": ""}, {"q": "   "}):
            with self.subTest(params=params):
                response = self.client.get(SEARCH, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.context["results"]), [])
                self.assertContains(response, "Type a word or two")

    def test_a_query_that_is_too_long_gets_a_message_not_an_error(self):
        response = self.search("sciatica " * 20)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["results"]), [])
        self.assertContains(response, "Ensure this value has at most 100 characters")

    def test_punctuation_and_search_operators_do_not_break_the_search(self):
        for q in ['"sciatica', "sciatica -leg", "or", "%", "_", "&|!():*"]:
            with self.subTest(q=q):
                self.assertEqual(self.search(q).status_code, 200)

    def test_the_query_is_shown_escaped(self):
        response = self.search("<b>bold</b>")
        self.assertContains(response, "&lt;b&gt;bold&lt;/b&gt;")
        self.assertNotContains(response, "<b>bold</b>")

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(SEARCH, {"q": "x"}).status_code, 405)


@pytest.mark.postgres_only
class PostgresSearchTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.stretching = make_article(
            "Gentle stretches", summary="Stretching after massage.", body="Stretch slowly."
        )
        cls.heat = make_article("Heat packs", summary="Warmth for stiff muscles.", body="Use heat.")

    def test_words_match_their_other_forms(self):
        # English stemming: "stretched" finds "stretches" and "stretching".
        self.assertEqual(list(Article.objects.published().search("stretched")), [self.stretching])

    def test_web_search_syntax_excludes_words_with_a_minus(self):
        self.assertEqual(list(Article.objects.published().search("heat -stretch")), [self.heat])

    def test_results_carry_a_rank(self):
        (result,) = Article.objects.published().search("heat")
        self.assertGreater(result.rank, 0)


@pytest.mark.sqlite_only
class PlainSearchTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.both = make_article("Foam roller basics", body="Roll your upper back slowly.")
        cls.one = make_article("Using a foam block", body="Press gently.")

    def test_every_word_must_appear_somewhere(self):
        self.assertEqual(list(Article.objects.published().search("foam roll")), [self.both])

    def test_matching_ignores_letter_case(self):
        self.assertEqual(list(Article.objects.published().search("FOAM ROLLER")), [self.both])

    def test_part_of_a_word_matches(self):
        self.assertEqual(list(Article.objects.published().search("bloc")), [self.one])
