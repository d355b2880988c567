import time_machine
from django.urls import reverse
from django.utils.html import escape

from bookings.models import Appointment, HoldCode
from intake.eligibility import DESK_ATTENTION_REASON, DESK_URGENT
from tests.base import ClinicTestCase, make_therapist
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

START = utc(2026, 3, 10, 10, 0)  # Tuesday
NOW = utc(2026, 3, 2, 8, 0)
# What can_book tells a client with a red flag: health words front desk must not see.
REFER_REASON = "Your answers show you need to see a doctor before any massage."
DESK_REFUSAL = escape(DESK_ATTENTION_REASON)
# A red flag no therapist has acted on yet: front desk is told it is urgent, not why.
DESK_URGENT_WORDS = escape(DESK_URGENT)


@time_machine.travel(NOW, tick=False)
class ReleaseHoldTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        # A fever defers booking for seven days; after that, visits wait for the check-in.
        with time_machine.travel(utc(2026, 3, 1), tick=False):
            make_intake(cls.client_profile, yes={"fever"})
        cls.other_therapist = make_therapist("ben@example.com", location=cls.location)

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            START,
            status=Appointment.Status.HELD,
            hold_code=HoldCode.CHECKIN,
        )
        self.url = reverse("bookings:release_hold", args=[self.appointment.pk])
        self.detail_url = reverse("bookings:appointment_detail", args=[self.appointment.pk])

    def assert_still_held(self):
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.HELD)
        # A refer form re-holds it for the health gate (issue 9): held either way.
        self.assertIn(self.appointment.hold_code, (HoldCode.CHECKIN, HoldCode.HEALTH_GATE))

    def refer_the_client(self):
        make_intake(self.client_profile, yes={"saddle_numbness"})

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.post(self.url)
        self.assertTrue(response.url.startswith(reverse("login")))
        self.assert_still_held()

    def test_clients_cannot_lift_a_hold_even_on_their_own_appointment(self):
        for user in (self.client_user, self.other_client_user):
            self.login(user)
            self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assert_still_held()

    def test_another_therapist_gets_not_found(self):
        self.login(self.other_therapist.user)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.assert_still_held()

    def test_get_is_not_allowed(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assert_still_held()

    def test_front_desk_sees_the_button_and_lifts_the_hold(self):
        self.login(self.front_desk_user)
        self.assertContains(self.client.get(self.detail_url), self.url)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, self.detail_url)
        self.assertContains(response, "The hold is lifted: the appointment is booked.")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.BOOKED)
        self.assertEqual(self.appointment.hold_code, "")
        self.assertNotContains(response, self.url)

    def test_the_treating_therapist_lifts_the_hold(self):
        self.login(self.therapist_user)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "The hold is lifted: the appointment is booked.")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.BOOKED)

    def test_a_booked_appointment_has_nothing_to_lift(self):
        self.appointment.release_hold()
        self.login(self.front_desk_user)
        self.assertNotContains(self.client.get(self.detail_url), self.url)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "This appointment is not on hold.")

    def test_front_desk_is_refused_in_plain_words_when_the_health_form_says_no(self):
        self.refer_the_client()
        self.login(self.front_desk_user)
        page = self.client.get(self.detail_url)
        self.assertNotContains(page, self.url)
        self.assertContains(page, DESK_URGENT_WORDS)
        self.assertNotContains(page, REFER_REASON)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, DESK_URGENT_WORDS)
        self.assertNotContains(response, REFER_REASON)
        self.assert_still_held()

    def test_the_treating_therapist_is_told_why_the_health_form_says_no(self):
        self.refer_the_client()
        self.login(self.therapist_user)
        self.assertContains(self.client.get(self.detail_url), REFER_REASON)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, REFER_REASON)
        self.assert_still_held()

    def test_a_hold_inside_the_seven_day_deferral_stays(self):
        early = make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 5, 10, 0),  # Thursday: the fever defers booking until 8 March
            status=Appointment.Status.HELD,
            hold_code=HoldCode.CHECKIN,
        )
        self.login(self.front_desk_user)
        response = self.client.post(reverse("bookings:release_hold", args=[early.pk]), follow=True)
        self.assertContains(response, DESK_REFUSAL)
        early.refresh_from_db()
        self.assertEqual(early.status, Appointment.Status.HELD)
