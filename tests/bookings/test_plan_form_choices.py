"""The plan form: days ticked to match the plan, times outside opening hours refused,
the choices kept on "Change days or time", and the review showing treatment and price."""

from datetime import date, time
from decimal import Decimal

import time_machine
from django.urls import reverse

from bookings.models import PlanProposalDraft
from bookings.views.plans import default_weekdays
from tests.base import ClinicTestCase, make_service
from tests.bookings.helpers import BookingViewCase, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
FORM = {"weekdays": ["0", "3"], "preferred_time": "10:00", "first_day": "2026-03-09"}


@time_machine.travel(NOW, tick=False)
class PlanFormChoicesTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.review = make_service(
            "Reassessment visit",
            "swedish",
            minutes=30,
            is_reassessment=True,
            price=Decimal("30.00"),
        )
        cls.new_url = reverse("bookings:plan_new")
        cls.review_url = reverse("bookings:plan_review")

    def intake(self, pain_now):
        make_intake(self.client_profile, onset=date(2026, 2, 16), pain_now=pain_now)
        self.login(self.client_user)

    def propose(self, **extra):
        data = {"service": self.service.pk, "therapist": self.therapist.pk, **FORM, **extra}
        return self.client.post(self.new_url, data)

    def test_a_once_a_week_plan_ticks_one_day(self):
        self.intake(pain_now=5)  # once a week for 3 weeks
        response = self.client.get(self.new_url)
        self.assertEqual(response.context["form"].initial["weekdays"], [1])
        self.assertContains(response, 'value="1"  id="id_weekdays_1" checked', html=False)
        self.assertNotContains(response, 'id="id_weekdays_0" checked', html=False)

    def test_the_time_field_says_when_we_are_open(self):
        self.intake(pain_now=5)
        response = self.client.get(self.new_url)
        self.assertContains(response, "We are open Monday to Friday 09:00–17:00.")

    def test_a_twice_a_week_plan_ticks_two_days(self):
        self.intake(pain_now=8)
        response = self.client.get(self.new_url)
        self.assertEqual(response.context["form"].initial["weekdays"], [0, 3])

    def test_default_days_follow_the_sessions_a_week(self):
        self.assertEqual(default_weekdays(None), [1])
        self.assertEqual(default_weekdays(1), [1])
        self.assertEqual(len(default_weekdays(3)), 3)
        self.assertEqual(len(default_weekdays(9)), 5)

    def test_a_time_outside_opening_hours_is_refused_and_nothing_is_proposed(self):
        self.intake(pain_now=8)
        response = self.propose(preferred_time="03:00")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "03:00 is outside our opening hours on those days")
        self.assertContains(response, "09:00–17:00")
        self.assertFalse(PlanProposalDraft.objects.exists())

    def test_the_closing_time_itself_is_outside_but_the_last_hour_is_inside(self):
        self.intake(pain_now=8)
        self.assertContains(self.propose(preferred_time="17:00"), "outside our opening hours")
        self.assertRedirects(
            self.propose(preferred_time="16:00"),
            self.review_url + "?",
            fetch_redirect_response=False,
        )

    def test_change_days_or_time_keeps_what_was_chosen(self):
        self.intake(pain_now=8)
        self.propose(weekdays=["1", "4"], preferred_time="14:30", first_day="2026-03-10")
        review = self.client.get(self.review_url)
        self.assertContains(review, "Change days or time")
        response = self.client.get(review.context["back"])
        initial = response.context["form"].initial
        self.assertEqual(initial["weekdays"], [1, 4])
        self.assertEqual(initial["preferred_time"], time(14, 30))
        self.assertEqual(initial["first_day"], date(2026, 3, 10))
        self.assertEqual(initial["therapist"], self.therapist.pk)
        self.assertContains(response, 'value="14:30"', html=False)

    def test_the_review_shows_the_treatment_each_price_and_the_total(self):
        self.intake(pain_now=8)  # 8 sessions and a reassessment
        self.propose()
        response = self.client.get(self.review_url)
        summary = response.context["summary"]
        self.assertEqual(summary["service"], self.service)
        self.assertEqual((summary["sessions"], summary["reviews"]), (8, 1))
        price = self.service.price
        self.assertEqual(summary["total"], price * 8 + self.review.price)
        self.assertContains(response, self.service.name)
        self.assertContains(response, f"£{price:,.2f}")
        self.assertContains(response, f"£{price * 8 + self.review.price:,.2f}")
