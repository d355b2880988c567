from datetime import timedelta

import time_machine
from django.urls import reverse

from tests.base import ClinicTestCase, make_therapist
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 10, 7, 0)  # Tuesday


@time_machine.travel(NOW, tick=False)
class WeekTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.url = reverse("bookings:therapist_week")

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.assertTrue(self.client.get(self.url).url.startswith(reverse("login")))

    def test_clients_and_front_desk_get_forbidden(self):
        for user in (self.client_user, self.front_desk_user):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_post_is_not_allowed(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_the_week_has_seven_columns_with_the_therapists_appointments(self):
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 12, 14, 0)
        )
        other = make_therapist("ben@example.com", location=self.location)
        make_appointment(
            self.other_client_profile, other, self.service, self.room, utc(2026, 3, 11, 9, 0)
        )
        self.login(self.therapist_user)
        response = self.client.get(self.url)
        columns = response.context["columns"]
        self.assertEqual(len(columns), 7)
        self.assertEqual([len(items) for _, items in columns], [0, 0, 0, 1, 0, 0, 0])
        self.assertContains(response, "Ann Client")
        self.assertNotContains(response, "Olga Other")

    def test_the_week_links_to_the_calendar_feed(self):
        self.login(self.therapist_user)
        response = self.client.get(self.url)
        self.assertContains(response, reverse("bookings:feed_settings"))
        self.assertContains(response, "Calendar feed for your phone")

    def test_query_count_does_not_grow_with_appointments(self):
        self.login(self.therapist_user)
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 9, 9, 0)
        )
        # Six, and three for which clients' charts the therapist may open (the health
        # permission, then the care team), and one for the session's two-step device.
        with self.assertNumQueries(10):
            self.client.get(self.url)
        for day in range(10, 14):
            make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, day, 9, 0),
            )
        # Six, and three for which clients' charts the therapist may open (the health
        # permission, then the care team), and one for the session's two-step device.
        with self.assertNumQueries(10):
            self.client.get(self.url)


@time_machine.travel(NOW, tick=False)
class FrontDeskDayTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.url = reverse("bookings:front_desk_day")
        with time_machine.travel(NOW - timedelta(days=1), tick=False):
            make_intake(cls.client_profile, yes={"varicose_veins"})  # waits for review
            make_intake(cls.other_client_profile)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.assertTrue(self.client.get(self.url).url.startswith(reverse("login")))

    def test_clients_and_therapists_get_forbidden(self):
        for user in (self.client_user, self.therapist_user):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_post_is_not_allowed(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_front_desk_sees_needs_review_but_never_the_reason(self):
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 10, 9, 0)
        )
        make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 10, 11, 0),
        )
        self.login(self.front_desk_user)
        response = self.client.get(self.url)
        self.assertContains(response, "Needs review", count=1)
        self.assertNotContains(response, "varicose", html=False)
        self.assertNotContains(response, "Varicose")

    def test_another_day_is_chosen_with_the_date_parameter(self):
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 11, 9, 0)
        )
        self.login(self.front_desk_user)
        self.assertNotContains(self.client.get(self.url), "Ann Client")
        self.assertContains(self.client.get(self.url, {"date": "2026-03-11"}), "Ann Client")

    def test_a_bad_date_is_a_400_that_falls_back_to_today(self):
        self.login(self.front_desk_user)
        response = self.client.get(self.url, {"date": "31-02-2026"})
        self.assertContains(response, "Tuesday 10 March 2026", status_code=400)
        self.assertContains(response, "Enter a valid date.", status_code=400)

    def test_query_count_does_not_grow_with_appointments(self):
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 10, 9, 0)
        )
        self.login(self.front_desk_user)
        # Six, one for the urgent red-flag list at the top of the day, one for the
        # day-of checks' results, and one for the session's two-step device.
        with self.assertNumQueries(9):
            self.client.get(self.url)
        other = make_therapist("ben@example.com", location=self.location)
        from clinic.models import Room

        room = Room.objects.create(location=self.location, name="Room 2")
        for hour in (11, 13, 15):
            make_appointment(
                self.other_client_profile, other, self.service, room, utc(2026, 3, 10, hour, 0)
            )
        with self.assertNumQueries(9):
            self.client.get(self.url)
