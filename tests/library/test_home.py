"""The library home page and topic pages: public, published articles only, flat query counts."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from library.models import Article
from tests.base import ClinicTestCase
from tests.library.factories import make_article

HOME = reverse("library:home")


class LibraryHomeTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.aftercare = make_article("After your massage", topic_slug="aftercare")
        cls.first_visit = make_article("Your first visit", topic_slug="your-visits")
        cls.draft = make_article(
            "Secret draft", topic_slug="aftercare", status=Article.Status.DRAFT
        )
        cls.scheduled = make_article(
            "Coming soon", topic_slug="aftercare", publish_at=timezone.now() + timedelta(days=3)
        )

    def test_anyone_sees_topics_with_their_published_articles(self):
        for user in (None, self.client_user, self.therapist_user, self.front_desk_user):
            with self.subTest(user=user):
                if user:
                    self.login(user)
                response = self.client.get(HOME)
                self.assertContains(response, "<h1", count=1)
                self.assertContains(response, "Aftercare")
                self.assertContains(response, "Your visits")
                self.assertContains(response, self.aftercare.get_absolute_url())
                self.assertContains(response, self.first_visit.get_absolute_url())
                self.assertContains(response, reverse("library:topic", args=["aftercare"]))

    def test_drafts_and_scheduled_articles_are_not_listed_even_for_staff(self):
        self.login(self.admin_user)
        response = self.client.get(HOME)
        self.assertNotContains(response, "Secret draft")
        self.assertNotContains(response, "Coming soon")

    def test_topics_without_published_articles_are_not_shown(self):
        response = self.client.get(HOME)
        self.assertNotContains(response, reverse("library:topic", args=["questions"]))

    def test_the_page_offers_search(self):
        response = self.client.get(HOME)
        self.assertContains(response, f'action="{reverse("library:search")}"')
        self.assertContains(response, 'role="search"')

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(HOME).status_code, 405)

    def test_the_query_count_does_not_grow_with_articles(self):
        with CaptureQueriesContext(connection) as before:
            self.assertEqual(self.client.get(HOME).status_code, 200)
        for n in range(6):
            make_article(
                f"More {n}", topic_slug=["questions", "aftercare", "self-care-at-home"][n % 3]
            )
        with self.assertNumQueries(len(before.captured_queries)):
            response = self.client.get(HOME)
        self.assertContains(response, "More 5")


class TopicPageTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.aftercare = make_article("After your massage", topic_slug="aftercare")
        cls.other_topic = make_article("Your first visit", topic_slug="your-visits")
        cls.draft = make_article(
            "Secret draft", topic_slug="aftercare", status=Article.Status.DRAFT
        )

    def url(self, slug="aftercare"):
        return reverse("library:topic", args=[slug])

    def test_a_topic_lists_its_published_articles_only(self):
        response = self.client.get(self.url())
        self.assertContains(response, '<h1 class="h2">Aftercare</h1>', html=False)
        self.assertContains(response, self.aftercare.get_absolute_url())
        self.assertNotContains(response, self.other_topic.get_absolute_url())
        self.assertNotContains(response, "Secret draft")
        self.assertContains(response, 'aria-label="Breadcrumb"')

    def test_a_topic_with_no_articles_says_so(self):
        response = self.client.get(self.url("questions"))
        self.assertContains(response, "no articles on this topic yet")

    def test_an_unknown_topic_is_a_404(self):
        self.assertEqual(self.client.get(self.url("no-such-topic")).status_code, 404)

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(self.url()).status_code, 405)

    def test_the_query_count_does_not_grow_with_articles(self):
        self.login(self.client_user)
        with CaptureQueriesContext(connection) as before:
            self.client.get(self.url())
        for n in range(5):
            make_article(f"Aftercare tip {n}", topic_slug="aftercare")
        with self.assertNumQueries(len(before.captured_queries)):
            response = self.client.get(self.url())
        self.assertContains(response, "Aftercare tip 4")
