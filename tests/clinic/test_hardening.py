"""Small holes from issue #8: stored catalog markup, and HEAD on public pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from intake.models import Condition, Intake
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake
from tests.intake.helpers import PAIN
from tests.library.factories import make_article

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
MARKUP = '<script>alert("x")</script><b>bold</b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"


@time_machine.travel(NOW, tick=False)
class CatalogTextIsEscapedTests(ClinicTestCase):
    """Catalog rows are typed in the admin: wherever they show, markup is text."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Condition.objects.filter(code="diabetes").update(
            question=f"Diabetes? {MARKUP}",
            help_text=f"Type 1 or 2. {MARKUP}",
            client_reason=f"You told us you have diabetes. {MARKUP}",
            guidance=f"Check blood sugar. {MARKUP}",
        )

    def assert_escaped(self, response):
        self.assertContains(response, ESCAPED)
        self.assertNotContains(response, MARKUP)

    def test_the_health_form_escapes_a_question_and_its_help_text(self):
        self.login(self.client_user)
        self.client.post(reverse("intake:start"))
        intake = Intake.objects.get(client=self.client_profile, status="draft")
        self.client.post(reverse("intake:step", args=[intake.public_id, 1]), PAIN)

        response = self.client.get(reverse("intake:step", args=[intake.public_id, 2]))

        self.assertContains(response, f"Type 1 or 2. {ESCAPED}")
        self.assertContains(response, f"Diabetes? {ESCAPED}")
        self.assertNotContains(response, MARKUP)

    def test_the_outcome_page_escapes_the_reason_given_to_the_client(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.client_user)

        response = self.client.get(reverse("intake:outcome", args=[intake.public_id]))

        self.assert_escaped(response)

    def test_the_review_page_escapes_the_guidance_for_therapists(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)

        response = self.client.get(reverse("intake:review", args=[intake.public_id]))

        self.assertContains(response, f"Check blood sugar. {ESCAPED}")
        self.assertNotContains(response, MARKUP)


class HeadRequestTests(ClinicTestCase):
    """HEAD answers like GET (link checkers, monitors), without a body."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.article = make_article("After your massage")

    def test_public_pages_answer_head_like_get(self):
        for url in (
            reverse("home"),
            reverse("library:home"),
            reverse("library:article", args=[self.article.slug]),
            reverse("login"),
            reverse("signup"),
            reverse("password_reset"),
        ):
            with self.subTest(url):
                response = self.client.head(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content, b"")

    def test_pages_behind_log_in_answer_head_like_get(self):
        self.login(self.client_user)
        for url in (
            reverse("profile"),
            reverse("client_dashboard"),
            reverse("bookings:my_appointments"),
            reverse("intake:start"),
        ):
            with self.subTest(url):
                self.assertEqual(self.client.head(url).status_code, 200)

    def test_head_on_a_page_behind_log_in_still_asks_anonymous_visitors_to_log_in(self):
        response = self.client.head(reverse("profile"))
        self.assertRedirects(
            response, f"{reverse('login')}?next={reverse('profile')}", fetch_redirect_response=False
        )

    def test_head_does_not_open_a_post_only_action(self):
        self.login(self.therapist_user)
        response = self.client.head(reverse("bookings:mark_no_show", args=[1]))
        self.assertEqual(response.status_code, 405)
