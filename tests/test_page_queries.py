"""Queries per page, for the pages people wait on: they must not grow with the data.

Each count is what the page needs today, named query by query; a change that adds one
fails here and must say why.
"""

from datetime import UTC, date, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.base import ClinicTestCase, make_therapist
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake
from tests.library.factories import make_article

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
class BookingPageQueryTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        for n in range(3):
            make_therapist(
                f"extra{n}@example.com", location=cls.location, hours=[(1, "09:00", "17:00")]
            )

    def search(self, **extra):
        query = {"service": self.service.pk, "therapist": "", "day": "2026-03-10", **extra}
        return self.client.get(reverse("bookings:book"), query)

    def test_the_booking_slot_page_reads_services_and_therapists_once(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        self.search()
        # Session, user, roles, client profile, health form, its flags, working hours
        # (with the offering therapists), busy time. The main location (the clinic's
        # date and zone), the services and the therapists come from the cache
        # (clinic.cached), read by the first request.
        with self.assertNumQueries(8):
            response = self.search()
        self.assertContains(response, "Free times on")
        for hour in (9, 11, 13):
            make_appointment(
                self.other_client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, 10, hour, 0),
            )
        with CaptureQueriesContext(connection) as queries:
            self.search()
        services = [q for q in queries if 'FROM "clinic_service"' in q["sql"]]
        self.assertEqual(len(queries), 8)
        self.assertEqual(len(services), 0)

    def test_staff_edits_reach_the_form_at_once(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        self.search()  # fills the cache
        self.service.name = "Renamed massage"
        self.service.save()
        extra = make_therapist("late@example.com", location=self.location, first_name="Lena")
        with CaptureQueriesContext(connection) as queries:
            response = self.search()
        self.assertContains(response, "Renamed massage")
        self.assertContains(response, f'<option value="{extra.pk}">')
        services = [q for q in queries if 'FROM "clinic_service"' in q["sql"]]
        self.assertEqual(len(services), 1)  # read again once, then cached
        extra.active = False
        extra.save()
        response = self.search()
        self.assertNotContains(response, f'<option value="{extra.pk}">')

    def test_with_a_chosen_therapist_one_more_checks_they_offer_the_service(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        self.search(therapist=self.therapist.pk)
        with self.assertNumQueries(9):
            self.search(therapist=self.therapist.pk)


@time_machine.travel(NOW, tick=False)
class TherapistWeekQueryTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()

    def test_the_week_does_not_grow_with_appointments(self):
        self.login(self.therapist_user)
        url = reverse("bookings:therapist_week")
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 2, 15)
        )
        self.client.get(url)
        with CaptureQueriesContext(connection) as before:
            self.client.get(url)
        for day, hour in ((2, 9), (3, 11), (4, 13), (5, 9)):
            make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, day, hour),
            )
        # Session, user, the session's two-step device, roles, therapist, their location,
        # appointments (with client, service, location and room), and three for which
        # clients' charts the therapist may open (the health permission, the care team).
        with self.assertNumQueries(len(before)):
            response = self.client.get(url)
        self.assertEqual(len(before), 10)
        self.assertEqual(response.status_code, 200)


@time_machine.travel(NOW, tick=False)
class LibraryQueryTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(NOW, tick=False):
            cls.article = make_article(
                "After your massage",
                tags=["aftercare"],
                body="## Drink water\n\nCall [[emergency_number]] if you feel unwell.",
                reviewed=date(2026, 1, 10),
            )
            for n in range(4):
                make_article(f"Other {n}", tags=["aftercare"])

    def test_an_article_renders_its_stored_html(self):
        url = reverse("library:article", args=[self.article.slug])
        self.client.get(url)
        # Session-less visitor: the article (with its topic), the related articles (the
        # main location's numbers for the placeholder come from the cache).
        with self.assertNumQueries(2):
            response = self.client.get(url)
        self.assertContains(response, "<h2>Drink water</h2>", html=True)
        self.assertContains(response, 'Call <a href="tel:999">999</a> if you feel unwell.')

    def test_the_library_home_is_two_queries_whatever_the_articles(self):
        url = reverse("library:home")
        self.client.get(url)
        with self.assertNumQueries(2):  # topics, their published articles
            response = self.client.get(url)
        make_article("One more", tags=["aftercare"])
        with self.assertNumQueries(2):
            self.client.get(url)
        self.assertEqual(response.status_code, 200)
