"""Rate limits: each limited form answers 429 "try again in N minutes" past its limit, and
then does nothing: no e-mail, no write."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment
from clinic.models import ClientProfile
from clinic.security.ratelimit import limit
from intake.models import Intake
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, utc
from tests.clinic.test_profile import profile_data
from tests.intake.factories import make_intake
from tests.intake.helpers import PAIN

TIGHT = dict.fromkeys(
    ("signup", "password_reset", "invitation", "confirm_email", "intake", "booking"), "2,3,60"
)
MESSAGE = "Too many attempts — try again in 60 minutes."


@override_settings(RATE_LIMITS=TIGHT)
class RateLimitTests(ClinicTestCase):
    def post(self, url, data=None, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data or {}, **extra)

    def assertLimited(self, response):
        self.assertContains(response, MESSAGE, status_code=429)
        self.assertEqual(response["Retry-After"], "3600")

    def signup(self, email, **extra):
        data = {"first_name": "Nia", "last_name": "New", "email": email}
        return self.post(reverse("signup"), data, **extra)

    def test_sign_up_per_address(self):
        self.signup("nia@example.com")
        self.signup("NIA@example.com")
        self.assertEqual(len(mail.outbox), 2)
        self.assertLimited(self.signup("nia@example.com"))
        self.assertEqual(len(mail.outbox), 2)
        # Another address from another IP address is not held up.
        response = self.signup("other@example.com", REMOTE_ADDR="198.51.100.4")
        self.assertEqual(response.status_code, 200)

    def test_sign_up_per_ip_address(self):
        for n in range(3):
            self.assertEqual(self.signup(f"n{n}@example.com").status_code, 200)
        self.assertLimited(self.signup("n9@example.com"))
        self.assertEqual(len(mail.outbox), 3)

    def test_the_limit_lifts_when_its_time_is_up_and_the_page_counts_down(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            self.signup("nia@example.com")
            self.signup("nia@example.com")
            clock.shift(timedelta(minutes=45))
            response = self.signup("nia@example.com")
            self.assertContains(response, "try again in 15 minutes", status_code=429)
            clock.shift(timedelta(minutes=16))
            self.assertEqual(self.signup("nia@example.com").status_code, 200)

    def test_only_sending_the_form_counts(self):
        for _ in range(10):
            self.assertEqual(self.client.get(reverse("signup")).status_code, 200)
        self.assertEqual(self.signup("nia@example.com").status_code, 200)

    def test_password_reset(self):
        url = reverse("password_reset")
        for _ in range(2):
            self.assertEqual(self.post(url, {"email": self.client_user.email}).status_code, 302)
        self.assertEqual(len(mail.outbox), 2)
        self.assertLimited(self.post(url, {"email": self.client_user.email}))
        self.assertEqual(len(mail.outbox), 2)

    def test_invitations_count_per_address_invited(self):
        walk_in = ClientProfile.objects.create(
            first_name="Wes", last_name="Walkin", email="wes@example.com", phone="07700 900111"
        )
        self.login(self.front_desk_user)
        url = reverse("client_invite", args=[walk_in.public_id])
        self.post(url)
        self.post(url)
        self.assertEqual(len(mail.outbox), 2)
        self.assertLimited(self.post(url))
        self.assertEqual(len(mail.outbox), 2)

    def test_changing_ones_address_sends_a_confirmation_a_few_times_only(self):
        self.login(self.client_user)
        url = reverse("profile")
        # Saving other details does not count.
        for _ in range(3):
            self.post(url, profile_data(email=self.client_user.email, phone="020 7946 0001"))
        self.post(url, profile_data(email="ann1@example.com"))
        self.post(url, profile_data(email="ann2@example.com"))
        sent = len(mail.outbox)
        self.assertLimited(self.post(url, profile_data(email="ann3@example.com")))
        self.assertEqual(len(mail.outbox), sent)
        self.assertEqual(ClientProfile.objects.get(user=self.client_user).email, "ann2@example.com")

    def test_health_form_steps(self):
        self.login(self.client_user)
        self.client.post(reverse("intake:start"))
        intake = Intake.objects.get(client=self.client_profile, status="draft")
        url = reverse("intake:step", args=[intake.public_id, 1])
        self.post(url, PAIN)
        self.post(url, PAIN)
        self.assertLimited(self.post(url, {**PAIN, "pain_now": "2"}))
        intake.refresh_from_db()
        self.assertEqual(intake.pain_now, int(PAIN["pain_now"]))

    def test_a_bad_limit_setting_is_named(self):
        with (
            override_settings(RATE_LIMITS={"signup": "five"}),
            self.assertRaisesMessage(ImproperlyConfigured, "RATE_LIMIT_SIGNUP"),
        ):
            limit("signup")
        with (
            override_settings(RATE_LIMITS={"signup": "0,1,1"}),
            self.assertRaises(ImproperlyConfigured),
        ):
            limit("signup")


NOW = utc(2026, 3, 2, 8, 0)


@override_settings(RATE_LIMITS=TIGHT)
@time_machine.travel(NOW, tick=False)
class BookingRateLimitTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        with time_machine.travel(utc(2026, 3, 1), tick=False):
            make_intake(cls.client_profile)

    def confirm(self, hour):
        data = {
            "service": self.service.pk,
            "therapist": self.therapist.pk,
            "start": utc(2026, 3, 10, hour, 0).isoformat(),
        }
        return self.client.post(reverse("bookings:confirm"), data)

    def test_booking_confirmations(self):
        self.login(self.client_user)
        self.confirm(9)
        self.confirm(11)
        self.assertEqual(Appointment.objects.count(), 2)
        response = self.confirm(14)
        self.assertContains(response, MESSAGE, status_code=429)
        self.assertEqual(Appointment.objects.count(), 2)

    def test_plan_confirmations(self):
        self.login(self.client_user)
        url = reverse("bookings:plan_confirm")
        self.client.post(url)
        self.client.post(url)
        self.assertContains(self.client.post(url), MESSAGE, status_code=429)
