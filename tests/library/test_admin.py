"""The library back office: list, filters, preview, actions and history."""

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.contrib.admin.sites import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from library.admin import ArticleAdmin
from library.models import Article, Tag, Topic
from tests.base import ClinicTestCase
from tests.library.factories import make_article

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CHANGELIST = reverse("admin:library_article_changelist")
ADD = reverse("admin:library_article_add")


@time_machine.travel(NOW, tick=False)
class ArticleAdminTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(NOW, tick=False):
            cls.current = make_article("Current advice", reviewed=date(2025, 6, 1))
            cls.overdue = make_article("Old advice", reviewed=date(2025, 1, 5))  # due 2026-01-05
            cls.draft = make_article(
                "Draft advice",
                status=Article.Status.DRAFT,
                body="## Heading\n\n<script>alert(1)</script>Text with [bad](javascript:alert(2))",
            )

    def setUp(self):
        self.login(self.admin_user)

    def act(self, action, *articles):
        return self.client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [a.pk for a in articles]},
            follow=True,
        )

    def test_people_who_are_not_staff_are_sent_to_the_admin_log_in(self):
        for user in (None, self.client_user, self.therapist_user, self.front_desk_user):
            with self.subTest(user=user):
                self.client.logout()
                if user:
                    self.login(user)
                response = self.client.get(CHANGELIST)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("admin:login"), response["Location"])

    def test_the_list_shows_status_topic_and_review_due_with_overdue_highlighted(self):
        response = self.client.get(CHANGELIST)
        self.assertContains(response, "Current advice")
        self.assertContains(response, "Aftercare")
        self.assertContains(response, "01 Jun 2026")
        self.assertContains(response, "⚠ 05 Jan 2026 (review overdue)")
        self.assertContains(response, "review overdue", count=1)

    def test_the_review_overdue_filter_shows_only_overdue_articles(self):
        response = self.client.get(CHANGELIST, {"review": "overdue"})
        self.assertEqual(list(response.context["cl"].result_list), [self.overdue])

    def test_the_due_soon_filter_shows_reviews_due_in_the_next_30_days(self):
        soon = make_article("Soon", reviewed=date(2025, 3, 20))
        response = self.client.get(CHANGELIST, {"review": "due_30"})
        self.assertEqual(list(response.context["cl"].result_list), [soon])

    def test_search_finds_articles_by_words_and_tags(self):
        make_article("Tagged", tags=["radiating_leg_pain"])
        response = self.client.get(CHANGELIST, {"q": "radiating_leg_pain"})
        self.assertEqual([a.title for a in response.context["cl"].result_list], ["Tagged"])

    def test_the_list_query_count_does_not_grow_with_articles(self):
        self.client.get(CHANGELIST)  # fills the cache (clinic.cached: the main location)
        with CaptureQueriesContext(connection) as before:
            self.client.get(CHANGELIST)
        for n in range(5):
            make_article(f"More {n}", tags=["acute"], topic_slug="questions")
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(CHANGELIST)

    def test_publish_publishes_from_now_and_keeps_a_date_already_set(self):
        later = NOW + timedelta(days=3)
        scheduled = make_article("Later", status=Article.Status.DRAFT, publish_at=later)
        response = self.act("publish", self.draft, scheduled)
        self.assertContains(response, "Published 2 article(s).")
        self.draft.refresh_from_db()
        scheduled.refresh_from_db()
        self.assertEqual((self.draft.status, self.draft.publish_at), ("published", NOW))
        self.assertEqual((scheduled.status, scheduled.publish_at), ("published", later))

    def test_unpublish_sends_articles_back_to_draft(self):
        response = self.act("unpublish", self.current)
        self.assertContains(response, "back to draft")
        self.current.refresh_from_db()
        self.assertEqual(self.current.status, Article.Status.DRAFT)
        self.assertEqual(self.client.get(self.current.get_absolute_url()).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(self.current.get_absolute_url()).status_code, 404)

    def test_mark_reviewed_today_sets_the_next_review_a_year_on(self):
        self.act("mark_reviewed_today", self.overdue)
        self.overdue.refresh_from_db()
        self.assertEqual(self.overdue.last_reviewed, date(2026, 3, 2))
        self.assertEqual(self.overdue.next_review_due, date(2027, 3, 2))

    def test_marking_reviewed_on_29_february_makes_the_next_review_due_28_february(self):
        with time_machine.travel(datetime(2028, 2, 29, 12, 0, tzinfo=UTC), tick=False):
            self.login(self.admin_user)  # the session from 2026 has long expired
            self.act("mark_reviewed_today", self.overdue)
        self.overdue.refresh_from_db()
        self.assertEqual(self.overdue.last_reviewed, date(2028, 2, 29))
        self.assertEqual(self.overdue.next_review_due, date(2029, 2, 28))

    def test_the_actions_are_recorded_in_the_history_with_who_did_it(self):
        self.act("publish", self.draft)
        latest = self.draft.history.latest()
        self.assertEqual(latest.status, Article.Status.PUBLISHED)
        self.assertEqual(latest.history_user, self.admin_user)
        response = self.client.get(reverse("admin:library_article_history", args=[self.draft.pk]))
        self.assertContains(response, str(self.admin_user))

    def test_the_change_page_previews_the_sanitised_article(self):
        response = self.client.get(reverse("admin:library_article_change", args=[self.draft.pk]))
        self.assertContains(response, "<h2>Heading</h2>", html=True)
        # The source is in the (escaped) textarea; the preview itself has neither.
        self.assertNotContains(response, "<script>alert(1)")
        self.assertNotContains(response, 'href="javascript:')
        # The stripped link keeps its text, without an <a> left pointing nowhere.
        self.assertContains(response, "<p>Text with bad</p>")
        self.assertContains(
            response, reverse("admin:library_article_preview", args=[self.draft.pk])
        )

    def test_the_full_page_preview_shows_a_draft_with_its_review_dates_and_disclaimer(self):
        response = self.client.get(reverse("admin:library_article_preview", args=[self.draft.pk]))
        self.assertContains(response, "Readers cannot see this article yet.")
        self.assertContains(response, "<h2>Heading</h2>", html=True)
        self.assertContains(response, "Next review due:")
        self.assertContains(response, "It is not medical advice")
        self.assertNotContains(response, "alert(1)")

    def test_the_preview_of_an_unknown_article_is_a_404(self):
        url = reverse("admin:library_article_preview", args=[self.draft.pk + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_preview_needs_the_admin_log_in(self):
        self.client.logout()
        self.login(self.therapist_user)
        url = reverse("admin:library_article_preview", args=[self.draft.pk])
        self.assertEqual(self.client.get(url).status_code, 302)

    def test_the_slug_is_filled_from_the_title_and_the_author_defaults_to_the_editor(self):
        admin = site._registry[Article]
        self.assertIsInstance(admin, ArticleAdmin)
        self.assertEqual(admin.prepopulated_fields, {"slug": ["title"]})
        response = self.client.get(ADD)
        self.assertEqual(response.context["adminform"].form.initial["author"], self.admin_user.pk)

    def test_staff_add_and_publish_an_article_without_a_date_which_means_now(self):
        tag = Tag.objects.create(name="aftercare")
        response = self.client.post(
            ADD,
            {
                "title": "Water after massage",
                "slug": "water-after-massage",
                "topic": Topic.objects.get(slug="aftercare").pk,
                "summary": "Why we suggest a glass of water.",
                "body": "Drink some water.",
                "tags": [tag.pk],
                "status": "published",
                "publish_at_0": "",
                "publish_at_1": "",
                "author": self.admin_user.pk,
                "last_reviewed": "2026-03-02",
                "next_review_due": "2027-03-02",
            },
        )
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="water-after-massage")
        self.assertEqual(article.publish_at, NOW)
        self.assertEqual(list(article.tags.all()), [tag])
        self.assertTrue(article.is_public())

    def test_a_review_due_before_the_last_review_is_refused_on_the_form(self):
        response = self.client.post(
            reverse("admin:library_article_change", args=[self.current.pk]),
            {
                "title": "Current advice",
                "slug": "current-advice",
                "topic": self.current.topic_id,
                "summary": "A short summary.",
                "body": "Some words.",
                "status": "published",
                "publish_at_0": "2026-03-01",
                "publish_at_1": "10:00",
                "last_reviewed": "2026-03-02",
                "next_review_due": "2026-01-01",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The next review must be due on or after the last review.")
        self.current.refresh_from_db()
        self.assertEqual(self.current.next_review_due, date(2026, 6, 1))

    def test_topics_and_tags_have_their_own_admin_pages(self):
        for name in ("admin:library_topic_changelist", "admin:library_tag_changelist"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(reverse(name)).status_code, 200)

    def test_clinic_admins_hold_every_library_permission(self):
        for perm in ("add", "change", "delete", "view"):
            for model in ("article", "topic", "tag"):
                self.assertTrue(self.admin_user.has_perm(f"library.{perm}_{model}"))
        self.assertFalse(self.therapist_user.has_perm("library.view_article"))
