"""One "today" and one clock: dates where the clinic is, not where the server is (issue 9, item 8).

The server runs on Europe/London (settings.TIME_ZONE); the clinic here is in Auckland,
13 hours ahead in March (NZDT) and 12 after its clocks go back on 5 April 2026.
"""

from datetime import date

import time_machine
from django.test import TestCase
from django.urls import reverse

from clinic import cached, clock
from clinic.models import Location
from intake.eligibility import can_book
from tests.base import ClinicTestCase, make_location
from tests.bookings.helpers import utc
from tests.intake.factories import make_intake

# 23:30 on Monday 2 March in London is 12:30 on Tuesday 3 March in Auckland.
LATE_MONDAY_IN_LONDON = utc(2026, 3, 2, 23, 30)
# 11:30 UTC on Monday 2 March is 00:30 on Tuesday 3 March in Auckland.
JUST_AFTER_MIDNIGHT_IN_AUCKLAND = utc(2026, 3, 2, 11, 30)


class ClockWithoutLocationTests(TestCase):
    def test_with_no_location_today_is_the_servers_date(self):
        with time_machine.travel(LATE_MONDAY_IN_LONDON, tick=False):
            self.assertEqual(clock.today(), date(2026, 3, 2))

    def test_with_no_location_a_moment_falls_on_the_servers_date(self):
        self.assertEqual(clock.local_date(LATE_MONDAY_IN_LONDON), date(2026, 3, 2))


class ClockAtALocationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.auckland = make_location("Auckland", time_zone="Pacific/Auckland")
        cls.london = make_location("London", time_zone="Europe/London")

    def test_today_is_the_main_locations_date_not_the_servers(self):
        with time_machine.travel(LATE_MONDAY_IN_LONDON, tick=False):
            self.assertEqual(clock.today(), date(2026, 3, 3))
            self.assertEqual(clock.today(self.london), date(2026, 3, 2))

    def test_the_main_location_is_the_first_active_one(self):
        Location.objects.filter(pk=self.auckland.pk).update(active=False)
        cached.forget()  # a bulk update sends no signal
        self.assertEqual(clock.local_date(LATE_MONDAY_IN_LONDON), date(2026, 3, 2))

    def test_a_moment_falls_on_the_locations_date(self):
        self.assertEqual(clock.local_date(JUST_AFTER_MIDNIGHT_IN_AUCKLAND), date(2026, 3, 3))
        self.assertEqual(clock.local_date(utc(2026, 3, 2, 10, 59), self.auckland), date(2026, 3, 2))

    def test_midnight_moves_with_aucklands_clocks_going_back(self):
        # NZDT (+13) until 03:00 on 5 April 2026, then NZST (+12).
        self.assertEqual(clock.local_date(utc(2026, 4, 4, 10, 59)), date(2026, 4, 4))
        self.assertEqual(clock.local_date(utc(2026, 4, 4, 11, 0)), date(2026, 4, 5))
        self.assertEqual(clock.local_date(utc(2026, 4, 5, 11, 59)), date(2026, 4, 5))
        self.assertEqual(clock.local_date(utc(2026, 4, 5, 12, 0)), date(2026, 4, 6))

    def test_midnight_moves_with_londons_clocks_going_forward(self):
        # GMT until 01:00 UTC on 29 March 2026, then BST (+1).
        self.assertEqual(clock.local_date(utc(2026, 3, 28, 23, 30), self.london), date(2026, 3, 28))
        self.assertEqual(clock.local_date(utc(2026, 3, 29, 22, 59), self.london), date(2026, 3, 29))
        self.assertEqual(clock.local_date(utc(2026, 3, 29, 23, 0), self.london), date(2026, 3, 30))


class HealthFormDatesTests(ClinicTestCase):
    """The completion day, defer window and expiry count in the clinic's zone."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Location.objects.filter(pk=cls.location.pk).update(time_zone="Pacific/Auckland")

    def test_a_form_completed_just_after_midnight_in_auckland_is_completed_that_day(self):
        intake = make_intake(self.client_profile, completed_at=JUST_AFTER_MIDNIGHT_IN_AUCKLAND)
        self.assertEqual(intake.completed_on, date(2026, 3, 3))
        self.assertEqual(intake.expires_on, date(2027, 3, 3))

    def test_the_defer_window_counts_seven_days_from_the_auckland_completion_day(self):
        intake = make_intake(
            self.client_profile, yes={"fever"}, completed_at=JUST_AFTER_MIDNIGHT_IN_AUCKLAND
        )
        self.assertEqual(intake.defer_until, date(2026, 3, 10))
        self.assertEqual(can_book(self.client_profile, on=date(2026, 3, 9)).code, "defer")
        self.assertTrue(can_book(self.client_profile, on=date(2026, 3, 10)).allowed)

    def test_the_form_expires_on_the_auckland_anniversary(self):
        make_intake(self.client_profile, completed_at=JUST_AFTER_MIDNIGHT_IN_AUCKLAND)
        self.assertTrue(can_book(self.client_profile, on=date(2027, 3, 2)).allowed)
        self.assertEqual(can_book(self.client_profile, on=date(2027, 3, 3)).code, "expired")

    def test_the_completion_day_is_read_once_per_form(self):
        intake = make_intake(self.client_profile, completed_at=JUST_AFTER_MIDNIGHT_IN_AUCKLAND)
        intake.refresh_from_db()
        with self.assertNumQueries(1):
            self.assertEqual(
                (intake.completed_on, intake.defer_until, intake.expires_on),
                (date(2026, 3, 3), date(2026, 3, 10), date(2027, 3, 3)),
            )


class SchedulePagesOpenOnTheClinicsDayTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Location.objects.filter(pk=cls.location.pk).update(time_zone="Pacific/Auckland")

    def test_front_desk_day_opens_on_aucklands_today(self):
        self.login(self.front_desk_user)
        with time_machine.travel(LATE_MONDAY_IN_LONDON, tick=False):
            response = self.client.get(reverse("bookings:front_desk_day"))
        self.assertEqual(response.context["day"], date(2026, 3, 3))

    def test_booking_refuses_a_day_already_over_in_auckland(self):
        from tests.base import make_service

        service = make_service()
        make_intake(self.client_profile, completed_at=utc(2026, 2, 1, 9, 0))
        self.login(self.client_user)
        with time_machine.travel(LATE_MONDAY_IN_LONDON, tick=False):
            response = self.client.get(
                reverse("bookings:book"), {"service": service.pk, "day": "2026-03-02"}
            )
        self.assertContains(response, "Choose today or a later day.")

    def test_the_therapists_today_page_opens_on_their_locations_day(self):
        self.login(self.therapist_user)
        with time_machine.travel(LATE_MONDAY_IN_LONDON, tick=False):
            response = self.client.get(reverse("therapist_today"))
        self.assertEqual(response.context["today"], date(2026, 3, 3))
