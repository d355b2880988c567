"""When booking opens at all (``first_bookable_day``), and a doctor's note that opens it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.http import urlencode

from intake.eligibility import first_bookable_day
from intake.models import Decision, Intake
from intake.review import record_clearance, record_decision
from tests.base import ClinicTestCase, make_service
from tests.intake.factories import make_intake

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 3, 2)


@time_machine.travel(NOW, tick=False)
class FirstBookableDayTests(ClinicTestCase):
    def opens(self):
        return first_bookable_day(self.client_profile, today=TODAY)

    def test_a_clear_form_opens_today(self):
        make_intake(self.client_profile)
        day, verdict = self.opens()
        self.assertEqual((day, verdict.allowed), (TODAY, True))

    def test_a_deferral_opens_on_its_defer_date(self):
        intake = make_intake(self.client_profile, yes={"fever"})
        day, verdict = self.opens()
        self.assertEqual((day, verdict.code), (intake.defer_until, "defer"))
        self.assertGreater(day, TODAY)

    def test_nothing_opens_for_a_red_flag_a_missing_form_or_a_missing_note(self):
        self.assertEqual(self.opens()[0], None)  # no form
        make_intake(self.client_profile, yes={"cardiovascular_disease"})
        self.assertEqual(self.opens()[1].code, "clearance_pending")
        self.assertIsNone(self.opens()[0])
        make_intake(self.client_profile, yes={"saddle_numbness"})
        self.assertEqual(self.opens(), (None, self.opens()[1]))
        self.assertEqual(self.opens()[1].code, "refer")

    def test_a_deferral_that_also_needs_a_note_opens_on_no_day(self):
        make_intake(self.client_profile, yes={"fever", "cardiovascular_disease"})
        self.assertIsNone(self.opens()[0])

    def test_the_booking_pages_refuse_a_red_flag_client_by_address(self):
        service = make_service()
        make_intake(self.client_profile, yes={"saddle_numbness"})
        self.login(self.client_user)
        start = (NOW + timedelta(days=1)).isoformat()
        confirm = reverse("bookings:confirm")
        pages = {
            reverse("bookings:book"): "Show free times",
            reverse("bookings:plan_new"): "Propose my sessions",
            confirm
            + "?"
            + urlencode({"service": service.pk, "therapist": self.therapist.pk, "start": start}): (
                "Confirm booking"
            ),
        }
        for url, button in pages.items():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertTemplateUsed(response, "bookings/not_allowed.html")
                self.assertContains(response, "see a doctor")
                self.assertNotContains(response, button)
        response = self.client.get(reverse("client_dashboard"))
        self.assertNotContains(response, "Book a session")
        self.assertContains(response, "Booking is not open")


@time_machine.travel(NOW, tick=False)
class ClearanceOpensBookingTests(ClinicTestCase):
    def setUp(self):
        self.client_profile.email_confirmed = self.client_profile.email
        self.client_profile.save(update_fields=["email_confirmed"])

    def record(self, intake, codes):
        return record_clearance(
            intake=intake,
            by=self.therapist_user,
            codes=codes,
            received_on=TODAY,
            note="GP letter.",
            document=None,
        )

    def test_a_note_covering_a_clearance_result_clears_it_and_e_mails_the_client(self):
        intake = make_intake(self.client_profile, yes={"cardiovascular_disease"})
        with self.captureOnCommitCallbacks(execute=True):
            self.record(intake, ["cardiovascular_disease"])
        intake.refresh_from_db()
        self.assertEqual(intake.decision, Decision.CLEARED)
        self.assertNotIn(intake, Intake.objects.awaiting_review())
        self.assertNotIn(intake, Intake.objects.awaiting_clearance())
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("booking is open", mail.outbox[0].body)
        self.login(self.client_user)
        page = self.client.get(intake.get_absolute_url())
        self.assertNotContains(page, "We need a note from your doctor first")
        self.assertContains(page, "booking is open")

    def test_a_note_covering_only_part_decides_nothing(self):
        intake = make_intake(
            self.client_profile, yes={"cardiovascular_disease", "disc_herniation_nerve_compression"}
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.record(intake, ["cardiovascular_disease"])
        intake.refresh_from_db()
        self.assertEqual(intake.decision, "")
        self.assertEqual(mail.outbox, [])

    def test_a_requested_note_keeps_the_therapists_adaptations(self):
        intake = make_intake(self.client_profile, yes={"cardiovascular_disease"})
        record_decision(
            intake=intake,
            by=self.therapist_user,
            decision=Decision.CLEARANCE_REQUIRED,
            avoid_areas=["neck"],
            pressure_limit="light",
            notes="",
            reason="",
        )
        self.record(intake, ["cardiovascular_disease"])
        intake.refresh_from_db()
        self.assertEqual(intake.decision, Decision.CLEARED_WITH_CHANGES)
        latest = intake.reviews.first()
        self.assertEqual((latest.avoid_areas, latest.pressure_limit), (["neck"], "light"))
