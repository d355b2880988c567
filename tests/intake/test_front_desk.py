"""Front desk starts a form for a client at the desk, and never sees the answers after."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from intake.models import Intake
from tests.base import ClinicTestCase
from tests.intake.helpers import PAIN, health_answers

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@time_machine.travel(NOW, tick=False)
class FrontDeskTests(ClinicTestCase):
    def url(self):
        return reverse("intake:desk_start", args=[self.client_profile.public_id])

    def test_front_desk_starts_a_form_and_the_client_fills_it_in_at_the_desk(self):
        self.login(self.front_desk_user)

        response = self.client.post(self.url())

        intake = Intake.objects.get(client=self.client_profile)
        self.assertRedirects(response, reverse("intake:step", args=[intake.public_id, 1]))
        self.assertEqual((intake.at_front_desk, intake.started_by), (True, self.front_desk_user))
        self.client.post(reverse("intake:step", args=[intake.public_id, 1]), PAIN)
        self.client.post(
            reverse("intake:step", args=[intake.public_id, 2]), health_answers(yes={"rash"})
        )
        response = self.client.post(
            reverse("intake:step", args=[intake.public_id, 3]),
            {"agree": "on", "signature_name": "Ann Client"},
        )

        self.assertRedirects(response, reverse("intake:desk_done", args=[intake.public_id]))
        page = self.client.get(reverse("intake:desk_done", args=[intake.public_id]))
        self.assertContains(page, "Needs review")
        self.assertNotContains(page, "rash")

    def test_front_desk_cannot_reopen_the_answers_once_sent(self):
        self.login(self.front_desk_user)
        self.client.post(self.url())
        intake = Intake.objects.get(client=self.client_profile)
        intake.complete()

        response = self.client.get(reverse("intake:step", args=[intake.public_id, 2]))

        self.assertRedirects(response, reverse("intake:desk_done", args=[intake.public_id]))
        self.assertEqual(self.client.get(intake.get_absolute_url()).status_code, 403)

    def test_front_desk_cannot_open_a_form_the_client_started_online(self):
        self.login(self.client_user)
        self.client.post(reverse("intake:start"))
        intake = Intake.objects.get(client=self.client_profile)
        self.login(self.front_desk_user)

        self.assertEqual(
            self.client.get(reverse("intake:step", args=[intake.public_id, 1])).status_code, 403
        )

    def test_only_front_desk_may_start_a_form_for_someone_else(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(self.url()).status_code, 403)
        self.login(self.other_client_user)
        self.assertEqual(self.client.post(self.url()).status_code, 403)

    def test_desk_start_needs_a_post(self):
        self.login(self.front_desk_user)

        self.assertEqual(self.client.get(self.url()).status_code, 405)

    def test_anonymous_visitor_is_sent_to_log_in(self):
        response = self.client.post(self.url())

        self.assertTrue(response["Location"].startswith(reverse("login")))
