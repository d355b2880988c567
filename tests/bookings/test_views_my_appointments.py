import time_machine
from django.urls import reverse

from bookings.models import TreatmentPlan
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, make_appointment, utc

NOW = utc(2026, 3, 10, 7, 0)


@time_machine.travel(NOW, tick=False)
class MyAppointmentsTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.url = reverse("bookings:my_appointments")

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.assertTrue(self.client.get(self.url).url.startswith(reverse("login")))

    def test_staff_without_a_client_profile_get_not_found(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_post_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_the_client_sees_upcoming_and_past_appointments_and_plan_progress(self):
        plan = TreatmentPlan.objects.create(
            client=self.client_profile,
            kind="acute",
            sessions_per_week=1,
            weeks=3,
            technique=self.service.technique,
            service=self.service,
            status="active",
        )
        make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 3, 10, 0),
            status="completed",
            plan=plan,
            plan_sequence=1,
        )
        make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 17, 10, 0),
            plan=plan,
            plan_sequence=2,
        )
        make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 12, 10, 0),
        )
        self.login(self.client_user)
        response = self.client.get(self.url)
        self.assertEqual(len(response.context["upcoming"]), 1)
        self.assertEqual(len(response.context["past"]), 1)
        self.assertContains(response, "Session 2 of 3, then a reassessment.")
        self.assertContains(response, "Tue 17 Mar 2026, 10:00")
        self.assertNotContains(response, "Thu 12 Mar")

    def test_query_count_does_not_grow_with_appointments(self):
        self.login(self.client_user)
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 11, 10, 0)
        )
        self.client.get(self.url)  # fills the cache (clinic.cached: the main location)
        # Seven, and one for the clinic's contact block (its opening hours; the location
        # comes from the cache).
        with self.assertNumQueries(8):
            self.client.get(self.url)
        for day in (12, 13, 16):
            make_appointment(
                self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, day, 10)
            )
        with self.assertNumQueries(8):
            self.client.get(self.url)

    def test_the_booking_confirmation_page_suggests_aftercare_reading(self):
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 11, 10, 0)
        )
        self.login(self.client_user)
        url = reverse("bookings:appointment_detail", args=[appointment.pk])
        response = self.client.get(url, {"booked": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("reading", response.context)
