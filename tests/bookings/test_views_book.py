from unittest import mock

import time_machine
from django.db import OperationalError
from django.urls import reverse
from django.utils.http import urlencode

from bookings.models import Appointment
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
SLOT = utc(2026, 3, 10, 10, 0)


@time_machine.travel(NOW, tick=False)
class BookPageTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.url = reverse("bookings:book")

    def search(self, **extra):
        query = {"service": self.service.pk, "therapist": "", "day": "2026-03-10", **extra}
        return self.client.get(self.url, query)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('login')}?next={self.url}")

    def test_therapists_cannot_use_the_booking_page(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_post_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_a_cleared_client_sees_the_free_times_of_the_day(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        response = self.search()
        self.assertContains(response, "Free times on Tuesday 10 March")
        self.assertEqual(len(response.context["times"]), 14)  # 09:00 ... 15:30
        self.assertContains(response, reverse("bookings:confirm"))

    def test_a_client_without_a_health_form_is_told_why_and_what_next(self):
        self.login(self.client_user)
        response = self.search()
        self.assertContains(response, "We need your health form before your first visit.")
        self.assertContains(response, reverse("intake:start"))
        self.assertNotIn("times", response.context)

    def test_a_day_in_the_past_is_refused_on_the_form(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        response = self.search(day="2026-03-01")
        self.assertContains(response, "Choose today or a later day.")

    def test_a_fully_booked_day_offers_the_next_free_time(self):
        make_intake(self.client_profile)
        make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 10, 9, 0),
            minutes=465,
        )
        self.login(self.client_user)
        response = self.search()
        self.assertContains(response, "No free times that day.")
        self.assertContains(response, "Wednesday 11 March, 09:00")

    def test_front_desk_first_picks_the_client(self):
        self.login(self.front_desk_user)
        response = self.client.get(self.url, {"q": "Client"})
        self.assertContains(response, "Who is this booking for?")
        self.assertContains(response, str(self.client_profile.public_id))

    def test_front_desk_sees_times_for_the_chosen_client(self):
        make_intake(self.client_profile)
        self.login(self.front_desk_user)
        response = self.search(client=str(self.client_profile.public_id))
        self.assertContains(response, "for Ann Client")
        self.assertEqual(len(response.context["times"]), 14)

    def test_an_unknown_client_is_not_found(self):
        self.login(self.front_desk_user)
        response = self.client.get(self.url, {"client": "not-a-uuid"})
        self.assertEqual(response.status_code, 404)

    def test_query_count_does_not_grow_with_appointments(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        self.search()
        with self.assertNumQueriesFlexible() as first:
            self.search()
        for hour in (9, 11, 13):
            make_appointment(
                self.other_client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, 10, hour, 0),
            )
        with self.assertNumQueries(first.count):
            self.search()

    def assertNumQueriesFlexible(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        class Counter(CaptureQueriesContext):
            @property
            def count(self):
                return len(self.captured_queries)

        return Counter(connection)


@time_machine.travel(NOW, tick=False)
class ConfirmTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.url = reverse("bookings:confirm")
        make_intake(cls.client_profile)

    def data(self, **extra):
        return {
            "service": self.service.pk,
            "therapist": self.therapist.pk,
            "start": SLOT.isoformat(),
            **extra,
        }

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_therapists_cannot_confirm_bookings(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)

    def test_put_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_the_confirm_page_shows_the_choice_and_the_policy(self):
        self.login(self.client_user)
        response = self.client.get(self.url, self.data())
        self.assertContains(response, "Tuesday 10 March 2026, 10:00")
        self.assertContains(response, "up to 24 hours before the start")
        self.assertFalse(Appointment.objects.exists())

    def test_confirming_books_and_shows_the_appointment(self):
        self.login(self.client_user)
        response = self.client.post(self.url, self.data())
        appointment = Appointment.objects.get()
        self.assertRedirects(
            response, reverse("bookings:appointment_detail", args=[appointment.pk]) + "?booked=1"
        )
        self.assertEqual(appointment.client, self.client_profile)

    def test_a_slot_taken_since_the_page_loaded_shows_the_nearest_free_times(self):
        make_appointment(self.other_client_profile, self.therapist, self.service, self.room, SLOT)
        self.login(self.client_user)
        response = self.client.post(self.url, self.data())
        self.assertContains(response, "That time was just taken", status_code=409)
        self.assertContains(response, "Tue 10 Mar, 11:30", status_code=409)
        self.assertEqual(Appointment.objects.count(), 1)

    def test_a_garbled_time_sends_the_client_back_to_choose_again(self):
        self.login(self.client_user)
        response = self.client.post(self.url, self.data(start="tomorrow-ish"))
        self.assertRedirects(
            response, reverse("bookings:book") + "?", fetch_redirect_response=False
        )
        self.assertFalse(Appointment.objects.exists())

    def test_a_busy_database_gives_the_try_again_page(self):
        self.login(self.client_user)
        with mock.patch(
            "bookings.appointments.book_appointment",
            side_effect=OperationalError("database is locked"),
        ):
            response = self.client.post(self.url, self.data())
        self.assertEqual(response.status_code, 503)

    def test_a_client_who_may_not_book_is_told_why(self):
        self.login(self.other_client_user)
        response = self.client.post(self.url, self.data())
        self.assertContains(response, "We need your health form")
        self.assertFalse(Appointment.objects.exists())

    def test_front_desk_books_for_a_client(self):
        self.login(self.front_desk_user)
        data = self.data(client=str(self.client_profile.public_id))
        self.client.post(self.url, data)
        appointment = Appointment.objects.get()
        self.assertEqual(
            (appointment.client, appointment.created_by),
            (self.client_profile, self.front_desk_user),
        )

    def test_the_booking_url_round_trips_through_the_times_list(self):
        self.login(self.client_user)
        query = urlencode(self.data())
        self.assertEqual(self.client.get(f"{self.url}?{query}").status_code, 200)
