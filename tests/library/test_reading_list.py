"""reading_list(): the best-matching published articles for a client's tags."""

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.test import TestCase

from library.models import Article
from library.reading import reading_list as library_reading_list
from tests.library.factories import make_article

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def reading_list(tags, **options):
    """For a client with no health form yet: no flags and no outcome to leave anything out."""
    return library_reading_list(tags, flags=(), outcome="", **options)


@time_machine.travel(NOW, tick=False)
class ReadingListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.sciatica = make_article(
                "Sciatica and massage",
                tags=["radiating_leg_pain", "chronic", "trigger_point"],
                topic_slug="questions",
                reviewed=date(2026, 1, 5),
            )
            cls.chronic = make_article(
                "Living with chronic back pain",
                tags=["chronic", "deep_tissue"],
                topic_slug="types-of-back-pain",
                reviewed=date(2026, 2, 1),
            )
            cls.deep = make_article(
                "Deep tissue explained",
                tags=["deep_tissue", "chronic"],
                topic_slug="massage-techniques",
                reviewed=date(2026, 2, 1),
            )
            cls.aftercare = make_article(
                "After your massage", tags=["aftercare"], reviewed=date(2025, 12, 1)
            )
            cls.draft = make_article(
                "Draft on chronic pain",
                tags=["chronic", "deep_tissue", "radiating_leg_pain"],
                status=Article.Status.DRAFT,
            )
            cls.in_review = make_article(
                "Chronic pain in review",
                tags=["chronic"],
                status=Article.Status.IN_REVIEW,
            )
            cls.scheduled = make_article(
                "Chronic pain next week",
                tags=["chronic", "deep_tissue", "radiating_leg_pain"],
                publish_at=NOW + timedelta(days=7),
            )
            cls.untagged = make_article("About us", topic_slug="questions")

    def test_articles_with_more_matching_tags_come_first(self):
        tags = ["chronic", "radiating_leg_pain", "trigger_point"]
        self.assertEqual(reading_list(tags), [self.sciatica, self.deep, self.chronic])

    def test_equal_matches_go_most_recently_reviewed_first_then_by_title(self):
        # Both match two tags and were reviewed on the same day: title decides.
        self.assertEqual(reading_list(["chronic", "deep_tissue"])[:2], [self.deep, self.chronic])
        # One tag each: the most recently reviewed first.
        self.assertEqual(reading_list(["chronic"]), [self.deep, self.chronic, self.sciatica])

    def test_the_match_count_is_on_each_article(self):
        matches = {a.pk: a.matching_tags for a in reading_list(["chronic", "deep_tissue"])}
        self.assertEqual(matches, {self.deep.pk: 2, self.chronic.pk: 2, self.sciatica.pk: 1})

    def test_drafts_articles_in_review_and_scheduled_articles_are_left_out(self):
        found = reading_list(["chronic", "deep_tissue", "radiating_leg_pain"], limit=50)
        for hidden in (self.draft, self.in_review, self.scheduled):
            self.assertNotIn(hidden, found)

    def test_a_scheduled_article_joins_once_its_publish_date_comes(self):
        with time_machine.travel(NOW + timedelta(days=7), tick=False):
            self.assertEqual(reading_list(["radiating_leg_pain", "deep_tissue"])[0], self.scheduled)

    def test_articles_matching_no_tag_are_not_returned(self):
        self.assertEqual(reading_list(["aftercare"]), [self.aftercare])
        self.assertEqual(reading_list(["no_such_tag"]), [])
        self.assertNotIn(self.untagged, reading_list(["chronic", "aftercare"], limit=50))

    def test_limit_caps_the_list(self):
        self.assertEqual(reading_list(["chronic"], limit=2), [self.deep, self.chronic])
        self.assertEqual(reading_list(["chronic"], limit=0), [])

    def test_excluded_articles_are_left_out_given_as_articles_or_keys(self):
        self.assertEqual(
            reading_list(["chronic"], exclude=[self.deep]), [self.chronic, self.sciatica]
        )
        self.assertEqual(
            reading_list(["chronic"], exclude=[self.deep.pk, self.chronic.pk]), [self.sciatica]
        )

    def test_tags_are_matched_whatever_their_case_and_empty_tags_are_ignored(self):
        self.assertEqual(reading_list([" AfterCare ", "", None]), [self.aftercare])
        self.assertEqual(reading_list([]), [])
        self.assertEqual(reading_list(iter(["aftercare"])), [self.aftercare])

    def test_a_client_with_chronic_radiating_pain_after_intake_gets_the_fitting_reading(self):
        # What intake passes: condition codes + duration + suggested technique + outcome.
        tags = ["radiating_leg_pain", "numbness_tingling", "chronic", "trigger_point", "review"]
        self.assertEqual(reading_list(tags, limit=3), [self.sciatica, self.deep, self.chronic])

    def test_the_booking_confirmation_asks_for_aftercare(self):
        self.assertEqual(reading_list(["aftercare"], limit=1), [self.aftercare])

    def test_it_takes_one_query_however_many_articles_match(self):
        with self.assertNumQueries(1):
            articles = reading_list(["chronic", "deep_tissue", "radiating_leg_pain"], limit=10)
            [a.topic.name for a in articles]
        self.assertEqual(len(articles), 3)
