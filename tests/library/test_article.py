"""An article page: published articles for everyone, drafts only for staff who may preview."""

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.urls import reverse

from library.models import Article
from tests.base import ClinicTestCase, make_user
from tests.library.factories import make_article

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
class ArticlePageTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(NOW, tick=False):
            cls.article = make_article(
                "After your massage",
                tags=["aftercare", "acute"],
                topic_slug="aftercare",
                reviewed=date(2026, 1, 10),
                body="## Drink water\n\n" + "word " * 450 + "\n\n<script>alert(1)</script>",
            )
            cls.draft = make_article(
                "Unfinished",
                status=Article.Status.DRAFT,
                body="## Not ready",
                topic_slug="aftercare",
            )
            cls.scheduled = make_article(
                "Next week", topic_slug="aftercare", publish_at=NOW + timedelta(days=7)
            )
            cls.same_topic = make_article(
                "Heat or ice", topic_slug="aftercare", reviewed=date(2025, 6, 1)
            )
            cls.shares_two_tags = make_article(
                "Acute pain aftercare", tags=["aftercare", "acute"], topic_slug="questions"
            )
            cls.shares_one_tag = make_article(
                "Acute back pain", tags=["acute"], topic_slug="types-of-back-pain"
            )
            cls.unrelated = make_article("Posture at work", topic_slug="self-care-at-home")
            cls.related_draft = make_article(
                "Draft aftercare", tags=["aftercare", "acute"], status=Article.Status.DRAFT
            )

    def url(self, article):
        return reverse("library:article", args=[article.slug])

    def test_anyone_can_read_a_published_article(self):
        for user in (None, self.client_user, self.therapist_user, self.front_desk_user):
            with self.subTest(user=user):
                if user:
                    self.login(user)
                response = self.client.get(self.url(self.article))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "<h2>Drink water</h2>", html=True)
                self.assertNotContains(response, "Draft — not public")

    def test_the_page_shows_reading_time_review_dates_disclaimer_and_breadcrumbs(self):
        response = self.client.get(self.url(self.article))
        self.assertContains(response, "3 min read")
        self.assertContains(
            response, 'Last reviewed: <time datetime="2026-01-10">10 January 2026</time>'
        )
        self.assertContains(
            response, 'Next review due: <time datetime="2027-01-10">10 January 2027</time>'
        )
        self.assertContains(response, "It is not medical advice")
        self.assertContains(response, 'aria-label="Breadcrumb"')
        self.assertContains(response, reverse("library:topic", args=["aftercare"]))
        self.assertContains(response, "<h1", count=1)

    def test_the_body_is_shown_sanitised(self):
        response = self.client.get(self.url(self.article))
        self.assertNotContains(response, "alert(1)")

    def test_related_articles_share_the_topic_or_tags_most_shared_tags_first_at_most_three(self):
        response = self.client.get(self.url(self.article))
        self.assertEqual(
            list(response.context["related"]),
            [self.shares_two_tags, self.shares_one_tag, self.same_topic],
        )

    def test_related_articles_are_published_only_and_never_the_article_itself(self):
        related = list(self.article.related(limit=10))
        for hidden in (
            self.article,
            self.draft,
            self.scheduled,
            self.related_draft,
            self.unrelated,
        ):
            self.assertNotIn(hidden, related)

    def test_a_draft_is_a_404_for_everyone_but_staff(self):
        for user in (
            None,
            self.client_user,
            self.other_client_user,
            self.therapist_user,
            self.front_desk_user,
        ):
            with self.subTest(user=user):
                self.client.logout()
                if user:
                    self.login(user)
                self.assertEqual(self.client.get(self.url(self.draft)).status_code, 404)

    def test_staff_without_the_library_permission_get_a_404_for_a_draft(self):
        self.login(make_user("staff@example.com", is_staff=True))
        self.assertEqual(self.client.get(self.url(self.draft)).status_code, 404)

    def test_a_scheduled_article_is_a_404_until_its_publish_date(self):
        self.assertEqual(self.client.get(self.url(self.scheduled)).status_code, 404)
        with time_machine.travel(NOW + timedelta(days=7), tick=False):
            self.assertEqual(self.client.get(self.url(self.scheduled)).status_code, 200)

    def test_a_clinic_admin_previews_a_draft_with_a_banner(self):
        self.login(self.admin_user)
        response = self.client.get(self.url(self.draft))
        self.assertContains(response, "Draft — not public")
        self.assertContains(response, "<h2>Not ready</h2>", html=True)

    def test_a_clinic_admin_sees_when_a_scheduled_article_goes_public(self):
        self.login(self.admin_user)
        response = self.client.get(self.url(self.scheduled))
        self.assertContains(response, "Scheduled — not public until 9 March 2026")

    def test_an_unknown_slug_is_a_404(self):
        self.assertEqual(self.client.get("/library/no-such-article/").status_code, 404)

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(self.url(self.article)).status_code, 405)
