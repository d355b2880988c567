"""A printable receipt for each attended visit, with the therapist's registration number."""

from datetime import timedelta
from decimal import Decimal

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import receipts
from bookings.models import Appointment, Visit
from clinic.models import Role
from tests.base import ClinicTestCase, make_service, make_therapist, make_user
from tests.bookings.helpers import make_appointment, utc

NOW = utc(2026, 3, 2, 12, 0)
NOTES = "RECEIPT-NOTES-MARKER-5521"


@override_settings(CLINIC_CURRENCY="€", CLINIC_NAME="Back in Balance Clinic")
@time_machine.travel(NOW, tick=False)
class ReceiptTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.therapist.registration_number = "CNHC-0042117"
        cls.therapist.save(update_fields=["registration_number"])
        cls.service = make_service("Deep tissue massage", "deep_tissue", price=Decimal("65.00"))
        cls.visited = make_appointment(
            cls.client_profile,
            cls.therapist,
            cls.service,
            cls.room,
            utc(2026, 2, 23, 10, 0),
            status=Appointment.Status.COMPLETED,
        )
        Visit.objects.create(
            appointment=cls.visited, pain_score=7, notes=NOTES, recorded_by=cls.therapist.user
        )
        cls.url = reverse("bookings:receipt", args=[cls.visited.pk])

    def get(self, user, url=None):
        self.login(user)
        return self.client.get(url or self.url)

    def test_the_client_gets_a_receipt_with_everything_an_insurer_asks_for(self):
        response = self.get(self.client_user)

        self.assertEqual(response.status_code, 200)
        number = f"2026-{self.visited.pk:06d}"
        for text in (
            "Back in Balance Clinic",
            self.location.phone,
            "Receipt number",
            number,
            "Ann Client",
            "23 February 2026, 10:00",
            "Deep tissue massage",
            "60 minutes",
            "Theo Therapist",
            "Registration number: CNHC-0042117",
            "€65.00",
        ):
            with self.subTest(text=text):
                self.assertContains(response, text)
        for line in self.location.address.splitlines():
            self.assertContains(response, line)
        self.assertEqual(receipts.receipt_number(self.visited), number)

    def test_the_receipt_shows_no_health_data(self):
        response = self.get(self.client_user)

        self.assertNotContains(response, NOTES)
        self.assertNotContains(response, "Pain")
        self.assertNotContains(response, "pain score")

    def test_it_is_printable_with_our_own_css_and_script_only(self):
        response = self.get(self.client_user)

        self.assertContains(response, "bookings/receipt.css")
        self.assertContains(response, "bookings/receipt.js")
        self.assertContains(response, "data-print-receipt")
        self.assertNotContains(response, "<style")
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, "onclick")

    def test_a_therapist_without_a_number_is_shown_as_not_recorded(self):
        self.therapist.registration_number = ""
        self.therapist.save(update_fields=["registration_number"])

        response = self.get(self.client_user)

        self.assertContains(response, "Registration number: not recorded")

    def test_the_desk_and_the_treating_therapist_may_print_it(self):
        for user in (self.front_desk_user, self.therapist.user, self.admin_user):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user).status_code, 200)

    def test_another_client_and_another_therapist_get_nothing(self):
        stranger = make_therapist("stranger@example.com", location=self.location)
        for user in (self.other_client_user, stranger.user):
            with self.subTest(user=user.email):
                response = self.get(user)
                self.assertEqual(response.status_code, 404)
                self.assertNotContains(response, "Ann Client", status_code=404)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_only_get_is_allowed(self):
        self.login(self.client_user)

        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_no_receipt_before_the_visit_or_without_one(self):
        cases = {
            "upcoming": {"start": NOW + timedelta(days=2)},
            "cancelled": {"start": NOW - timedelta(days=3), "status": "cancelled"},
            "late cancelled": {"start": NOW - timedelta(days=4), "status": "late_cancelled"},
            "not attended": {"start": NOW - timedelta(days=5), "status": "no_show"},
            "completed, no visit recorded": {
                "start": NOW - timedelta(days=6),
                "status": "completed",
            },
        }
        self.login(self.client_user)
        for label, fields in cases.items():
            with self.subTest(label):
                start = fields.pop("start")
                appointment = make_appointment(
                    self.client_profile, self.therapist, self.service, self.room, start, **fields
                )
                self.assertFalse(receipts.has_receipt(appointment))

                response = self.client.get(reverse("bookings:receipt", args=[appointment.pk]))

                self.assertContains(
                    response, "There is no receipt for this appointment", status_code=404
                )
                page = self.client.get(
                    reverse("bookings:appointment_detail", args=[appointment.pk])
                )
                self.assertNotContains(page, reverse("bookings:receipt", args=[appointment.pk]))

    def test_the_appointment_page_links_to_the_receipt(self):
        for user in (self.client_user, self.front_desk_user):
            with self.subTest(user=user.email):
                page = self.get(
                    user, reverse("bookings:appointment_detail", args=[self.visited.pk])
                )
                self.assertContains(page, f'href="{self.url}"')

    def test_my_appointments_links_each_attended_visit_to_its_receipt(self):
        missed = make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            NOW - timedelta(days=2),
            status=Appointment.Status.NO_SHOW,
        )
        self.login(self.client_user)

        response = self.client.get(reverse("bookings:my_appointments"))

        self.assertContains(response, f'href="{self.url}"', count=1)
        self.assertNotContains(response, reverse("bookings:receipt", args=[missed.pk]))
        self.assertContains(response, '<th scope="col">Receipt</th>', html=True)

    def test_the_receipt_links_cost_no_query_per_visit(self):
        self.login(self.client_user)
        url = reverse("bookings:my_appointments")
        self.client.get(url)  # fills the cache (clinic.cached: the main location)
        with CaptureQueriesContext(connection) as one_visit:
            self.client.get(url)
        for days in (8, 9, 10):
            appointment = make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                NOW - timedelta(days=days),
                status=Appointment.Status.COMPLETED,
            )
            Visit.objects.create(appointment=appointment, pain_score=3)

        with CaptureQueriesContext(connection) as four_visits:
            response = self.client.get(url)

        self.assertContains(response, '/receipt/"', count=4)
        self.assertEqual(len(four_visits), len(one_visit))


class TherapistRegistrationNumberAdminTests(ClinicTestCase):
    def test_clinic_admins_record_it_on_the_therapist(self):
        admin = make_user("admin2@example.com", Role.CLINIC_ADMIN, is_staff=True)
        self.login(admin)

        response = self.client.get(
            reverse("admin:clinic_therapist_change", args=[self.therapist.pk])
        )

        self.assertContains(response, 'name="registration_number"')
        self.assertContains(response, "Printed on receipts")
