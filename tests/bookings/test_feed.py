"""The therapist's personal calendar feed: a secret, revocable URL."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.urls import reverse
from icalendar import Calendar

from bookings.models import Appointment, CalendarFeed
from clinic.models import Role
from tests.base import ClinicTestCase, make_service, make_therapist, make_user
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 1, 8, 0)


@override_settings(SITE_URL="https://clinic.example")
@time_machine.travel(NOW, tick=False)
class FeedTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        make_intake(cls.client_profile, yes=["varicose_veins"])
        cls.booked = make_appointment(
            cls.client_profile, cls.therapist, cls.service, cls.room, utc(2026, 3, 2, 10, 0)
        )
        cls.cancelled = make_appointment(
            cls.client_profile,
            cls.therapist,
            cls.service,
            cls.room,
            utc(2026, 3, 3, 10, 0),
            status=Appointment.Status.CANCELLED,
        )
        cls.long_ago = make_appointment(
            cls.client_profile,
            cls.therapist,
            cls.service,
            cls.room,
            utc(2026, 1, 5, 10, 0),
            status=Appointment.Status.COMPLETED,
        )
        cls.other_therapist = make_therapist("other.therapist@example.com", first_name="Otto")
        cls.others = make_appointment(
            cls.other_client_profile,
            cls.other_therapist,
            cls.service,
            cls.room,
            utc(2026, 3, 4, 10, 0),
        )
        cls.feed = CalendarFeed.objects.create(therapist=cls.therapist)

    def feed_url(self, feed=None):
        return reverse("bookings:feed", args=[(feed or self.feed).token])

    def events(self, response):
        return Calendar.from_ical(response.content).walk("VEVENT")

    def test_the_feed_lists_the_therapists_visits_by_secret_alone(self):
        response = self.client.get(self.feed_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        [event] = self.events(response)
        self.assertEqual(str(event["UID"]), f"appointment-{self.booked.pk}@clinic.example")
        self.assertEqual(str(event["SUMMARY"]), "Swedish massage: Ann C.")
        self.assertEqual(event.decoded("DTSTART"), utc(2026, 3, 2, 10, 0))
        self.assertEqual(str(event["LOCATION"]), "Test Clinic, 1 Test Street")

    def test_the_feed_reaches_back_thirty_days(self):
        recent = make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            NOW - timedelta(days=29),
            status=Appointment.Status.COMPLETED,
        )
        uids = [str(e["UID"]) for e in self.events(self.client.get(self.feed_url()))]
        self.assertIn(f"appointment-{recent.pk}@clinic.example", uids)
        self.assertNotIn(f"appointment-{self.long_ago.pk}@clinic.example", uids)

    def test_the_feed_has_no_health_details_and_no_full_names(self):
        body = self.client.get(self.feed_url()).content.decode()
        self.assertNotIn("varicose", body.lower())
        self.assertNotIn("Client", body)
        self.assertNotIn("client@example.com", body)

    def test_an_unknown_token_is_not_found(self):
        response = self.client.get(reverse("bookings:feed", args=["no-such-token"]))
        self.assertEqual(response.status_code, 404)

    def test_a_revoked_feed_is_not_found(self):
        self.feed.revoke()
        self.assertEqual(self.client.get(self.feed_url()).status_code, 404)

    def test_the_feed_only_answers_get(self):
        self.assertEqual(self.client.post(self.feed_url()).status_code, 405)

    def test_the_feed_costs_the_same_queries_however_many_visits(self):
        with self.assertNumQueries(3):
            self.client.get(self.feed_url())
        for day in range(5, 10):
            make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, day, 10, 0),
            )
        with self.assertNumQueries(3):
            response = self.client.get(self.feed_url())
        self.assertEqual(len(self.events(response)), 6)


@override_settings(SITE_URL="https://clinic.example")
class FeedSettingsTests(ClinicTestCase):
    url = "/bookings/feed/"

    def test_the_url_is_named(self):
        self.assertEqual(reverse("bookings:feed_settings"), self.url)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_clients_are_forbidden(self):
        self.login(self.client_user)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(reverse("bookings:feed_rotate")).status_code, 403)

    def test_front_desk_is_forbidden(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(reverse("bookings:feed_revoke")).status_code, 403)

    def test_the_page_only_answers_get(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_rotate_and_revoke_only_answer_post(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.get(reverse("bookings:feed_rotate")).status_code, 405)
        self.assertEqual(self.client.get(reverse("bookings:feed_revoke")).status_code, 405)
        self.assertFalse(CalendarFeed.objects.exists())

    def test_a_therapist_without_a_feed_can_make_one(self):
        self.login(self.therapist_user)
        self.assertContains(self.client.get(self.url), "You have no feed yet.")
        response = self.client.post(reverse("bookings:feed_rotate"))
        self.assertRedirects(response, self.url)
        feed = CalendarFeed.objects.get(therapist=self.therapist)
        page = self.client.get(self.url)
        self.assertContains(page, f"https://clinic.example/bookings/feed/{feed.token}.ics")
        self.assertEqual(page["Cache-Control"], "no-store, private")

    def test_rotating_changes_the_url_and_the_old_one_stops_working(self):
        feed = CalendarFeed.objects.create(therapist=self.therapist)
        old_url = reverse("bookings:feed", args=[feed.token])
        self.login(self.therapist_user)
        self.client.post(reverse("bookings:feed_rotate"))
        feed.refresh_from_db()
        new_url = reverse("bookings:feed", args=[feed.token])
        self.assertNotEqual(new_url, old_url)
        self.assertEqual(self.client.get(old_url).status_code, 404)
        self.assertEqual(self.client.get(new_url).status_code, 200)

    def test_revoking_switches_the_feed_off(self):
        feed = CalendarFeed.objects.create(therapist=self.therapist)
        self.login(self.therapist_user)
        self.client.post(reverse("bookings:feed_revoke"))
        feed.refresh_from_db()
        self.assertIsNotNone(feed.revoked_at)
        self.assertEqual(
            self.client.get(reverse("bookings:feed", args=[feed.token])).status_code, 404
        )
        self.assertContains(self.client.get(self.url), "Your feed is switched off")

    def test_a_therapist_sees_only_their_own_feed(self):
        other = make_therapist("otto@example.com", first_name="Otto")
        others_feed = CalendarFeed.objects.create(therapist=other)
        self.login(self.therapist_user)
        response = self.client.get(self.url)
        self.assertNotContains(response, others_feed.token)
        self.client.post(reverse("bookings:feed_revoke"))
        others_feed.refresh_from_db()
        self.assertIsNone(others_feed.revoked_at)

    def test_a_user_with_the_therapist_role_but_no_therapist_record_is_not_found(self):
        self.login(make_user("new.therapist@example.com", Role.THERAPIST))
        self.assertEqual(self.client.get(self.url).status_code, 404)
