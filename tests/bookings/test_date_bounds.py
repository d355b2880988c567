"""Dates far outside the clinic's range in schedule and booking URLs: a 400, never a 500."""

import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import Appointment
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
EXTREME_DATES = ["9999-12-31", "0001-01-01"]
EXTREME_STARTS = ["9999-12-31T23:59:00+00:00", "0001-01-01T00:00:00+00:00"]


@time_machine.travel(NOW, tick=False)
class DateBoundsTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        make_intake(cls.client_profile)
        cls.appointment = make_appointment(
            cls.client_profile, cls.therapist, cls.service, cls.room, utc(2026, 3, 10, 10, 0)
        )

    def assert_date_refused(self, response):
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Enter a date between 1 January 1900 and 31 December 2100.", status_code=400
        )

    def test_the_therapist_week_refuses_dates_out_of_range(self):
        self.login(self.therapist_user)
        for value in EXTREME_DATES:
            with self.subTest(value):
                response = self.client.get(reverse("bookings:therapist_week"), {"date": value})
                self.assert_date_refused(response)

    def test_the_front_desk_day_refuses_dates_out_of_range(self):
        self.login(self.front_desk_user)
        for value in EXTREME_DATES:
            with self.subTest(value):
                response = self.client.get(reverse("bookings:front_desk_day"), {"date": value})
                self.assert_date_refused(response)

    def test_moving_an_appointment_refuses_dates_out_of_range(self):
        self.login(self.client_user)
        url = reverse("bookings:reschedule", args=[self.appointment.pk])
        for value in EXTREME_DATES:
            with self.subTest(value):
                self.assert_date_refused(self.client.get(url, {"date": value}))

    def test_the_last_and_first_dates_in_range_still_show_a_schedule(self):
        self.login(self.front_desk_user)
        for value in ["2100-12-31", "1900-01-01"]:
            with self.subTest(value):
                response = self.client.get(reverse("bookings:front_desk_day"), {"date": value})
                self.assertEqual(response.status_code, 200)

    def test_confirming_a_start_out_of_range_asks_for_a_time_again_and_books_nothing(self):
        self.login(self.client_user)
        for value in EXTREME_STARTS:
            for method in (self.client.get, self.client.post):
                with self.subTest(value=value, method=method.__name__):
                    response = method(
                        reverse("bookings:confirm"),
                        {
                            "service": self.service.pk,
                            "therapist": self.therapist.pk,
                            "start": value,
                        },
                    )
                    self.assertTrue(response.url.startswith(reverse("bookings:book")))
                    self.assertIn(
                        "That time could not be read. Please choose a time again.",
                        [m.message for m in get_messages(response.wsgi_request)],
                    )
        self.assertEqual(Appointment.objects.count(), 1)

    def test_searching_free_times_on_a_day_out_of_range_is_a_form_error(self):
        self.login(self.client_user)
        for value in EXTREME_DATES:
            with self.subTest(value):
                response = self.client.get(
                    reverse("bookings:book"), {"service": self.service.pk, "day": value}
                )
                self.assertFormError(
                    response.context["form"],
                    "day",
                    "Enter a date between 1 January 1900 and 31 December 2100.",
                )
