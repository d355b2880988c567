"""Therapist review: the queue, decisions, clearance and the e-mail to the client."""

import io
import shutil
import tempfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from intake.eligibility import can_book
from intake.models import Clearance, HealthDataAccess, Intake
from tests.base import ClinicTestCase, make_client
from tests.intake.factories import make_intake, record_clearance

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()
MEDIA = tempfile.mkdtemp(prefix="intake-media-")


def tearDownModule():
    shutil.rmtree(MEDIA, ignore_errors=True)


@time_machine.travel(NOW, tick=False)
class ReviewQueueTests(ClinicTestCase):
    def test_queue_lists_intakes_waiting_for_review_oldest_first(self):
        newer = make_intake(self.client_profile, yes={"rash"}, completed_at=NOW)
        older = make_intake(
            self.other_client_profile, yes={"fever"}, completed_at=NOW - timedelta(days=1)
        )
        third = make_client("third@example.com", first_name="Tom").client_profile
        make_intake(third)  # clear: nothing to review
        self.login(self.therapist_user)

        response = self.client.get(reverse("intake:review_queue"))

        self.assertEqual(list(response.context["waiting"]), [older, newer])
        self.assertContains(response, "Rash")
        self.assertEqual(response["Cache-Control"], "no-store, private")

    def test_queue_query_count_does_not_grow_with_intakes(self):
        self.login(self.therapist_user)
        make_intake(self.client_profile, yes={"rash"})
        make_intake(self.other_client_profile, yes={"diabetes"})
        Intake.objects.filter(client=self.other_client_profile).update(
            decision="clearance_required"
        )
        with CaptureQueriesContext(connection) as small:
            self.client.get(reverse("intake:review_queue"))
        self.assertLessEqual(
            len(small.captured_queries), 12
        )  # the lists, their flags, and one insert logging them
        for n in range(5):
            profile = make_client(f"c{n}@example.com", first_name=f"C{n}").client_profile
            make_intake(profile, yes={"pregnancy", "diabetes"})
            Intake.objects.filter(client=profile).update(decision="clearance_required")
            other = make_client(f"d{n}@example.com", first_name=f"D{n}").client_profile
            make_intake(other, yes={"bruising"})

        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(reverse("intake:review_queue"))
        self.assertEqual(len(response.context["waiting"]), 6)

    def test_queue_is_for_reviewers_only(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(reverse("intake:review_queue")).status_code, 403)
        self.login(self.client_user)
        self.assertEqual(self.client.get(reverse("intake:review_queue")).status_code, 403)


@override_settings(MEDIA_ROOT=MEDIA)
@time_machine.travel(NOW, tick=False)
class DecisionTests(ClinicTestCase):
    def url(self, intake):
        return reverse("intake:review", args=[intake.public_id])

    def test_review_page_shows_each_flag_with_its_guidance_and_source(self):
        intake = make_intake(self.client_profile, yes={"varicose_veins"})
        self.login(self.therapist_user)

        response = self.client.get(self.url(intake))

        self.assertContains(response, "Fragile vein walls")
        self.assertContains(response, "Source: Werner; NYSED")

    def test_cleared_decision_is_recorded_logged_and_e_mailed(self):
        intake = make_intake(self.client_profile, yes={"varicose_veins"})
        self.login(self.therapist_user)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(intake), {"decision": "cleared"})

        self.assertRedirects(response, reverse("intake:review_queue"))
        intake.refresh_from_db()
        self.assertEqual((intake.decision, intake.decided_at), ("cleared", NOW))
        self.assertEqual(intake.reviews.get().reviewer, self.therapist_user)
        self.assertIn(self.therapist, self.client_profile.care_team.all())
        self.assertTrue(
            HealthDataAccess.objects.filter(
                intake=intake, action="review", detail="decision recorded"
            ).exists()
        )
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["client@example.com"])
        self.assertEqual(
            message.subject, "Back in Balance Clinic: a therapist has read your health form"
        )
        self.assertIn("You are cleared for massage.", message.body)
        self.assertIn("You are cleared for massage.", message.alternatives[0][0])

    def test_cleared_with_changes_needs_a_change_and_keeps_it(self):
        intake = make_intake(self.client_profile, yes={"anticoagulant_medication"})
        self.login(self.therapist_user)

        response = self.client.post(self.url(intake), {"decision": "cleared_with_changes"})
        self.assertContains(response, "Say what changes")

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                self.url(intake),
                {
                    "decision": "cleared_with_changes",
                    "avoid_areas": ["legs"],
                    "pressure_limit": "medium",
                    "notes": "No deep tissue.",
                },
            )
        review = intake.reviews.get()
        self.assertEqual(
            (review.avoid_areas, review.pressure_limit, review.notes),
            (
                ["legs"],
                "medium",
                "No deep tissue.",
            ),
        )
        self.assertIn("keeping to medium pressure", mail.outbox[0].body)

    def test_not_suitable_needs_a_reason_and_closes_booking(self):
        intake = make_intake(self.client_profile, yes={"rash"})
        self.login(self.therapist_user)

        response = self.client.post(self.url(intake), {"decision": "not_suitable"})
        self.assertContains(response, "Please give the client a reason.")
        self.assertEqual(intake.reviews.count(), 0)

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                self.url(intake), {"decision": "not_suitable", "reason": "Please see your GP."}
            )
        self.assertEqual(can_book(self.client_profile, on=NOW.date()).code, "not_suitable")
        self.assertIn("Please see your GP.", mail.outbox[0].body)

    def test_clearance_required_decision_waits_for_the_note(self):
        intake = make_intake(self.client_profile, yes={"bruising"})
        self.login(self.therapist_user)

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url(intake), {"decision": "clearance_required"})

        self.assertEqual(can_book(self.client_profile, on=NOW.date()).code, "clearance_pending")
        response = self.client.get(reverse("intake:review_queue"))
        self.assertEqual(list(response.context["clearance"]), [intake])
        self.assertIn("a short note from your doctor", mail.outbox[0].body)

    def test_a_clearance_intake_cannot_be_cleared_before_the_note_is_recorded(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)

        response = self.client.post(self.url(intake), {"decision": "cleared"})

        self.assertContains(response, "Record the physician&#x27;s clearance for diabetes first.")
        self.assertEqual(intake.reviews.count(), 0)

    def test_no_e_mail_for_a_client_without_an_address(self):
        walk_in = self.client_profile.__class__.objects.create(
            first_name="Pat", last_name="Walker", phone="07700 900456"
        )
        intake = make_intake(walk_in, yes={"rash"})
        self.login(self.therapist_user)

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url(intake), {"decision": "cleared"})

        self.assertEqual(mail.outbox, [])

    def test_bad_decision_changes_nothing(self):
        intake = make_intake(self.client_profile, yes={"rash"})
        self.login(self.therapist_user)

        response = self.client.post(self.url(intake), {"decision": "maybe"})

        self.assertEqual(response.status_code, 200)
        intake.refresh_from_db()
        self.assertEqual(intake.decision, "")

    def test_a_therapist_cannot_decide_on_an_intake_not_waiting_for_review(self):
        intake = make_intake(self.client_profile)
        self.client_profile.care_team.add(self.therapist)
        Intake.objects.filter(pk=intake.pk).update(decision="")
        other = make_intake(self.other_client_profile, yes={"rash"})
        Intake.objects.filter(pk=other.pk).update(decision="cleared")
        self.login(self.therapist_user)

        self.assertEqual(
            self.client.post(self.url(other), {"decision": "cleared"}).status_code, 403
        )


@override_settings(MEDIA_ROOT=MEDIA)
@time_machine.travel(NOW, tick=False)
class ClearanceTests(ClinicTestCase):
    def url(self, intake):
        return reverse("intake:clearance", args=[intake.public_id])

    def data(self, **extra):
        return {"codes": ["diabetes"], "received_on": "2026-03-01", "note": "Fine.", **extra}

    def test_recording_a_clearance_with_a_pdf_opens_booking(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)
        upload = SimpleUploadedFile("Ann diabetes letter.pdf", PDF, "application/pdf")

        response = self.client.post(self.url(intake), self.data(document=upload))

        self.assertRedirects(response, reverse("intake:review", args=[intake.public_id]))
        record = intake.clearances.get()
        self.assertEqual(
            (record.codes, record.received_on, record.document_type),
            (
                ["diabetes"],
                date(2026, 3, 1),
                "application/pdf",
            ),
        )
        self.assertNotIn("diabetes", record.document.name)
        self.assertTrue(record.document.name.startswith("clearances/"))
        self.assertIs(can_book(self.client_profile, on=NOW.date()).allowed, True)

    def test_an_image_is_accepted(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)

        self.client.post(
            self.url(intake), self.data(document=SimpleUploadedFile("n.png", PNG, "image/png"))
        )

        self.assertEqual(intake.clearances.get().document_type, "image/png")

    def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)
        fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")

        response = self.client.post(self.url(intake), self.data(document=fake))

        self.assertContains(response, "Please upload a PDF, JPEG or PNG file.")
        self.assertEqual(intake.clearances.count(), 0)

    def test_a_file_over_five_megabytes_is_refused(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")

        response = self.client.post(self.url(intake), self.data(document=big))

        self.assertContains(response, "The file is larger than 5 MB.")

    def test_a_future_received_date_is_refused(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)

        response = self.client.post(self.url(intake), self.data(received_on="2026-03-03"))

        self.assertContains(response, "This date is in the future.")

    def test_clearance_carries_over_while_the_code_is_still_answered_yes(self):
        first = make_intake(self.client_profile, yes={"diabetes", "osteoporosis"})
        record_clearance(first, codes=["diabetes", "osteoporosis"], by=self.therapist_user)

        second = make_intake(self.client_profile, yes={"diabetes"})

        carried = second.clearances.get()
        self.assertEqual(carried.codes, ["diabetes"])
        self.assertEqual(carried.carried_from, first.clearances.get())
        self.assertIs(can_book(self.client_profile, on=NOW.date()).allowed, True)

    def test_clearance_does_not_cover_a_code_added_in_a_new_version(self):
        first = make_intake(self.client_profile, yes={"diabetes"})
        record_clearance(first, codes=["diabetes"], by=self.therapist_user)

        make_intake(self.client_profile, yes={"diabetes", "cancer"})

        self.assertEqual(can_book(self.client_profile, on=NOW.date()).code, "clearance_pending")

    def test_clearance_does_not_come_back_once_the_code_was_answered_no(self):
        first = make_intake(self.client_profile, yes={"diabetes"})
        record_clearance(first, codes=["diabetes"], by=self.therapist_user)
        make_intake(self.client_profile)

        third = make_intake(self.client_profile, yes={"diabetes"})

        self.assertFalse(Clearance.objects.filter(intake=third).exists())
