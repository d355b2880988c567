"""The pre-visit check-in: "has anything changed in your health?", by the reminder's link."""

from datetime import timedelta
from urllib.parse import quote

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bookings.models import Appointment, HoldCode
from clinic.models import ClientProfile
from intake.models import Intake
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

TUESDAY_10 = utc(2026, 3, 3, 10, 0)
NOW = utc(2026, 3, 2, 11, 0)  # the day before, when the reminder has gone out
# The day-of questions (tests/bookings/test_dayof_checks.py), all answered "no".
DAY_OF_CLEAR = {"fever": "no", "injury": "no", "calf": "no", "red_flag": "no", "painkillers": "no"}


@override_settings(SITE_URL="https://clinic.example")
@time_machine.travel(NOW, tick=False)
class CheckinTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, first_name="Ava", last_name="Stone"
        )
        with time_machine.travel(utc(2026, 2, 1, 9, 0), tick=False):
            make_intake(cls.client_profile)

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.ava, self.service, self.room, TUESDAY_10
        )
        self.url = reverse("bookings:checkin", args=[self.appointment.checkin_token])
        self.result_url = reverse("bookings:checkin_result", args=[self.appointment.checkin_token])

    def hold_for_checkin(self):
        self.appointment.hold(HoldCode.CHECKIN)

    def refreshed(self):
        self.appointment.refresh_from_db()
        return self.appointment

    # --- The question page: the token is the key ---------------------------------------

    def test_the_page_asks_the_question_without_logging_in(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Has anything changed in your health since you filled in")
        self.assertContains(response, "Tuesday 3 March 2026, 10:00")
        self.assertEqual(response["Cache-Control"], "no-store, private")

    def test_an_unknown_token_is_not_found(self):
        response = self.client.get(reverse("bookings:checkin", args=["not-a-real-token"]))
        self.assertEqual(response.status_code, 404)

    def test_other_methods_are_not_allowed(self):
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_no_answer_gets_a_message_and_changes_nothing(self):
        response = self.client.post(self.url, {})
        self.assertContains(response, "Please choose yes or no.")
        self.assertIsNone(self.refreshed().checkin_confirmed_at)

    def test_no_change_confirms_the_check_in(self):
        response = self.client.post(self.url, {"changed": "no", **DAY_OF_CLEAR})
        self.assertRedirects(response, self.url)
        self.assertEqual(self.refreshed().checkin_confirmed_at, NOW)
        self.assertContains(self.client.get(self.url), "you are checked in")

    def test_no_change_releases_a_visit_held_for_the_check_in(self):
        self.hold_for_checkin()
        self.client.post(self.url, {"changed": "no", **DAY_OF_CLEAR})
        appointment = self.refreshed()
        self.assertEqual(appointment.status, Appointment.Status.BOOKED)
        self.assertEqual(appointment.hold_code, "")

    def test_no_change_keeps_a_hold_that_staff_placed(self):
        self.appointment.hold(HoldCode.STAFF)
        self.client.post(self.url, {"changed": "no", **DAY_OF_CLEAR})
        self.assertEqual(self.refreshed().status, Appointment.Status.HELD)

    def test_no_change_with_an_expired_form_holds_the_visit_and_says_what_next(self):
        Intake.objects.filter(client=self.client_profile).update(completed_at=utc(2025, 2, 1, 9, 0))
        response = self.client.post(self.url, {"changed": "no", **DAY_OF_CLEAR})
        self.assertContains(response, "Your visit is on hold.")
        self.assertContains(response, "Please update your health form")
        self.assertEqual(self.refreshed().hold_code, HoldCode.REVIEW)

    def test_a_change_sends_a_client_with_an_account_to_update_the_health_form(self):
        response = self.client.post(self.url, {"changed": "yes", **DAY_OF_CLEAR})
        expected = f"{reverse('intake:update')}?next={quote(self.result_url, safe='')}"
        self.assertRedirects(response, expected, fetch_redirect_response=False)
        self.assertEqual(self.refreshed().status, Appointment.Status.BOOKED)

    def test_the_health_form_update_returns_to_the_check_in_result(self):
        self.login(self.client_user)
        self.client.post(reverse("intake:update"), {"next": self.result_url})
        draft = Intake.objects.get(client=self.client_profile, status="draft")
        self.assertEqual(draft.return_url, self.result_url)

    def test_a_change_from_someone_logged_in_as_another_client_does_not_open_their_form(self):
        self.login(self.other_client_user)
        response = self.client.post(self.url, {"changed": "yes", **DAY_OF_CLEAR})
        self.assertContains(response, "This visit belongs to another account.")

    def test_a_change_without_an_account_asks_for_a_call_and_tells_the_therapist(self):
        walk_in = ClientProfile.objects.create(
            first_name="Walter", last_name="Walkin", phone="020 7946 0999"
        )
        appointment = make_appointment(
            walk_in, self.ava, self.service, self.room, TUESDAY_10 + timedelta(hours=3)
        )
        url = reverse("bookings:checkin", args=[appointment.checkin_token])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"changed": "yes", **DAY_OF_CLEAR})
        self.assertContains(
            response,
            'Please call us on <strong><a href="tel:02079460001">020 7946 0001</a></strong>',
            html=False,
        )
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, Appointment.Status.HELD)
        self.assertEqual(appointment.hold_code, HoldCode.CALL)
        [message] = mail.outbox
        self.assertEqual(message.to, ["ava@example.com"])
        self.assertIn("Please phone Walter W. before the visit", message.subject)
        self.assertIn("020 7946 0999", message.body)

    def test_a_cancelled_visit_cannot_be_checked_in(self):
        self.appointment.cancel(by=self.client_user)
        response = self.client.post(self.url, {"changed": "no", **DAY_OF_CLEAR})
        self.assertContains(response, "can no longer be checked in online")
        self.assertIsNone(self.refreshed().checkin_confirmed_at)

    # --- The result after a new health form version --------------------------------------

    def test_the_result_needs_a_login(self):
        response = self.client.get(self.result_url)
        self.assertRedirects(
            response,
            f"{reverse('login')}?next={quote(self.result_url)}",
            fetch_redirect_response=False,
        )

    def test_the_result_is_not_found_for_another_client(self):
        self.login(self.other_client_user)
        self.assertEqual(self.client.get(self.result_url).status_code, 404)

    def test_the_result_is_forbidden_to_staff(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.get(self.result_url).status_code, 403)

    def test_the_result_only_answers_get(self):
        self.login(self.client_user)
        self.assertEqual(self.client.post(self.result_url).status_code, 405)

    def test_a_new_form_that_blocks_the_visit_holds_it_and_tells_therapist_and_client(self):
        # The new version holds the visit as it is sent (bookings.recheck.recheck_client).
        with self.captureOnCommitCallbacks(execute=True):
            make_intake(self.client_profile, yes=["fever"])
        self.login(self.client_user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(self.result_url)
        self.assertContains(response, "Your visit is on hold.")
        self.assertContains(response, "Your answers show massage should wait for a few days.")
        self.assertContains(response, "You can book from 9 March 2026.")
        appointment = self.refreshed()
        self.assertEqual(appointment.status, Appointment.Status.HELD)
        self.assertEqual(appointment.hold_code, HoldCode.HEALTH_GATE)
        [message] = [m for m in mail.outbox if m.to == ["ava@example.com"]]
        self.assertEqual(message.to, ["ava@example.com"])
        self.assertIn("please review before the visit", message.subject)
        self.assertNotIn("fever", message.body.lower())
        self.assertNotIn("fever", message.alternatives[0][0].lower())

    def test_coming_back_to_a_blocked_result_tells_the_therapist_only_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_intake(self.client_profile, yes=["fever"])
        self.login(self.client_user)
        for _ in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.get(self.result_url)
        self.assertEqual(len([m for m in mail.outbox if m.to == ["ava@example.com"]]), 1)

    def test_a_new_form_that_still_allows_the_visit_confirms_the_check_in(self):
        self.hold_for_checkin()
        make_intake(self.client_profile)
        self.login(self.client_user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(self.result_url)
        self.assertContains(response, "you are checked in")
        appointment = self.refreshed()
        self.assertEqual(appointment.status, Appointment.Status.BOOKED)
        self.assertEqual(appointment.checkin_confirmed_at, NOW)
        self.assertEqual(mail.outbox, [])

    def test_a_new_form_that_needs_a_review_keeps_the_visit_and_tells_the_therapist(self):
        make_intake(self.client_profile, yes=["varicose_veins"])
        self.login(self.client_user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(self.result_url)
        self.assertContains(response, "A therapist reads your updated answers")
        self.assertEqual(self.refreshed().status, Appointment.Status.BOOKED)
        [message] = mail.outbox
        self.assertIn("Updated health form: please review before the visit", message.subject)
        self.assertNotIn("varicose", message.body.lower())
        current = Intake.objects.current_for(self.client_profile)
        self.assertIn(f"https://clinic.example/intake/review/{current.public_id}/", message.body)

    def test_a_later_clear_form_lifts_the_hold_the_check_in_placed(self):
        make_intake(self.client_profile, yes=["fever"])
        self.login(self.client_user)
        self.client.get(self.result_url)
        self.assertEqual(self.refreshed().status, Appointment.Status.HELD)
        # The client sends another version: the fever was a mistake.
        make_intake(self.client_profile)
        self.client.get(self.result_url)
        self.assertEqual(self.refreshed().status, Appointment.Status.BOOKED)
