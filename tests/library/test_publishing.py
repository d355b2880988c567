"""The publishing workflow, scheduled publishing and the yearly review."""

from datetime import UTC, date, datetime

import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from clinic.dates import add_years
from library.models import Article
from tests.library.factories import make_article

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@time_machine.travel(NOON, tick=False)
class PublishingTests(TestCase):
    def test_a_new_article_is_a_draft_and_not_published(self):
        article = make_article("New", status=Article.Status.DRAFT)
        self.assertFalse(article.is_public())
        self.assertNotIn(article, Article.objects.published())

    def test_an_article_in_review_is_not_published(self):
        article = make_article("Checking", status=Article.Status.IN_REVIEW)
        self.assertNotIn(article, Article.objects.published())

    def test_publishing_a_draft_makes_it_public_from_now(self):
        article = make_article("Draft", status=Article.Status.DRAFT)
        article.publish()
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PUBLISHED)
        self.assertEqual(article.publish_at, NOON)
        self.assertIn(article, Article.objects.published())

    def test_publishing_keeps_a_publish_date_already_set(self):
        later = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
        article = make_article("Next week", status=Article.Status.DRAFT, publish_at=later)
        article.publish()
        article.refresh_from_db()
        self.assertEqual(article.publish_at, later)
        self.assertTrue(article.is_scheduled)

    def test_unpublishing_takes_the_article_back_to_draft(self):
        article = make_article("Live")
        article.unpublish()
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertNotIn(article, Article.objects.published())

    def test_a_published_article_with_a_null_publish_date_is_refused_by_the_database(self):
        make_article("Broken", status=Article.Status.DRAFT)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Article.objects.filter(slug="broken").update(status=Article.Status.PUBLISHED)

    def test_each_change_is_kept_in_the_history(self):
        article = make_article("Tracked", status=Article.Status.DRAFT)
        article.publish()
        article.unpublish()
        statuses = list(
            article.history.order_by("history_date", "history_id").values_list("status", flat=True)
        )
        self.assertEqual(statuses, ["draft", "published", "draft"])


class ScheduledPublishingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Scheduled", publish_at=datetime(2026, 3, 9, 9, 0, tzinfo=UTC))

    def test_a_scheduled_article_is_hidden_until_its_publish_date(self):
        with time_machine.travel(datetime(2026, 3, 9, 8, 59, 59, tzinfo=UTC), tick=False):
            self.assertNotIn(self.article, Article.objects.published())
            self.assertFalse(self.article.is_public())
            self.assertTrue(self.article.is_scheduled)

    def test_a_scheduled_article_appears_at_its_publish_date(self):
        with time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=UTC), tick=False):
            self.assertIn(self.article, Article.objects.published())
            self.assertTrue(self.article.is_public())
            self.assertFalse(self.article.is_scheduled)


class ReviewTests(TestCase):
    def test_a_review_is_due_a_year_on(self):
        self.assertEqual(add_years(date(2026, 3, 2), 1), date(2027, 3, 2))

    def test_a_review_on_29_february_is_due_on_28_february_next_year(self):
        # Chosen so the next review is never more than a year away.
        self.assertEqual(add_years(date(2028, 2, 29), 1), date(2029, 2, 28))

    def test_marking_reviewed_sets_today_and_a_year_on(self):
        article = make_article("Old", reviewed=date(2024, 5, 1))
        with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False):
            article.mark_reviewed()
        article.refresh_from_db()
        self.assertEqual(article.last_reviewed, date(2026, 3, 2))
        self.assertEqual(article.next_review_due, date(2027, 3, 2))

    def test_the_review_date_is_the_clinic_s_local_date_not_utc(self):
        article = make_article("Late evening", reviewed=date(2024, 5, 1))
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
        with time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), tick=False):
            article.mark_reviewed()
        self.assertEqual(article.last_reviewed, date(2026, 7, 1))

    def test_overdue_means_the_due_date_has_passed(self):
        article = make_article("Due", reviewed=date(2025, 3, 2))  # due 2026-03-02
        self.assertFalse(article.review_overdue(today=date(2026, 3, 2)))
        self.assertTrue(article.review_overdue(today=date(2026, 3, 3)))
        self.assertEqual(list(Article.objects.review_overdue(today=date(2026, 3, 3))), [article])

    def test_a_review_due_before_the_last_review_is_refused(self):
        article = make_article("Backwards")
        article.next_review_due = date(2025, 1, 1)
        with self.assertRaises(ValidationError) as caught:
            article.full_clean()
        self.assertEqual(
            caught.exception.error_dict["next_review_due"][0].code, "review_due_before_review"
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            article.save()


class SlugTests(TestCase):
    def test_a_slug_that_clashes_with_a_library_page_is_refused(self):
        article = make_article("Search tips", status=Article.Status.DRAFT)
        article.slug = "search"
        with self.assertRaises(ValidationError) as caught:
            article.full_clean()
        self.assertEqual(caught.exception.error_dict["slug"][0].code, "reserved_slug")
