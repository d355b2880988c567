"""Visit notes in SOAP form: recording, the author's 24 hours, amendments, home care."""

from datetime import timedelta

import time_machine
from django.urls import reverse

from bookings import appointments, visits
from bookings.errors import BookingError
from bookings.models import Appointment, Visit, VisitAmendment
from clinic.models import Technique
from intake.models import HealthDataAccess
from library.models import Tag
from tests.base import ClinicTestCase, make_service, make_therapist, make_user
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake
from tests.library.factories import make_article

START = utc(2026, 3, 10, 10, 0)
RECORDED = utc(2026, 3, 10, 11, 0)


class VisitNotesCase(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        with time_machine.travel(utc(2026, 3, 1), tick=False):
            make_intake(cls.client_profile, yes={"varicose_veins"})
            cls.stretches = make_article("Gentle stretches", tags=["aftercare"])
            cls.calf_massage = make_article("Self-massage for the calves", tags=["aftercare"])
            cls.calf_massage.not_for.set([Tag.objects.get_or_create(name="varicose_veins")[0]])
        # A colleague who also treats Ann, and a therapist who does not.
        cls.colleague = make_therapist("colleague@example.com", location=cls.location)
        cls.stranger = make_therapist("stranger@example.com", location=cls.location)
        cls.client_profile.care_team.add(cls.therapist, cls.colleague)
        cls.swedish = Technique.objects.get(code="swedish")

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, START
        )

    def soap_post(self, **changes):
        data = {
            "pain_score": "6",
            "pain_after": "3",
            "client_reports": "Lower back tight after gardening.",
            "findings": "Tension in the left lumbar muscles.",
            "notes": "Swedish massage, lower back and hips.",
            "plan_next": "Same again next week; walk daily.",
            "areas_worked": ["lower_back", "hips"],
            "technique_used": str(self.swedish.pk),
            "pressure_used": "medium",
            "home_care": [str(self.stretches.pk)],
        }
        data.update(changes)
        return data

    def record(self, **details):
        with time_machine.travel(RECORDED, tick=False):
            return appointments.record_visit(
                appointment=self.appointment,
                by=self.therapist_user,
                pain_score=6,
                notes="As written first.",
                **details,
            )


class RecordVisitTests(VisitNotesCase):
    def url(self):
        return reverse("bookings:record_visit", args=[self.appointment.pk])

    @time_machine.travel(RECORDED, tick=False)
    def test_the_soap_notes_are_saved_and_logged(self):
        self.login(self.therapist_user)
        response = self.client.post(self.url(), self.soap_post())
        self.assertRedirects(response, reverse("therapist_today"), fetch_redirect_response=False)
        visit = Visit.objects.get(appointment=self.appointment)
        self.assertEqual((visit.pain_score, visit.pain_after), (6, 3))
        self.assertEqual(visit.client_reports, "Lower back tight after gardening.")
        self.assertEqual(visit.findings, "Tension in the left lumbar muscles.")
        self.assertEqual(visit.notes, "Swedish massage, lower back and hips.")
        self.assertEqual(visit.plan_next, "Same again next week; walk daily.")
        self.assertEqual(visit.areas_worked, ["lower_back", "hips"])
        self.assertEqual(visit.areas_worked_labels, ["Lower back", "Hips"])
        self.assertEqual((visit.technique_used, visit.pressure_used), (self.swedish, "medium"))
        self.assertEqual(list(visit.home_care.all()), [self.stretches])
        self.assertEqual(visit.recorded_by, self.therapist_user)
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.COMPLETED)
        self.assertTrue(
            HealthDataAccess.objects.filter(
                action="change",
                detail=f"visit notes (visit {visit.pk})",
                client=self.client_profile,
            ).exists()
        )

    @time_machine.travel(RECORDED, tick=False)
    def test_the_form_shows_areas_as_words_and_labels_the_pain_before(self):
        self.login(self.therapist_user)
        response = self.client.get(self.url())
        self.assertContains(response, "Pain before the session (0–10)")
        self.assertContains(response, "Lower back")
        self.assertContains(response, "What the client reports")

    @time_machine.travel(RECORDED, tick=False)
    def test_the_pain_after_is_optional_and_checked(self):
        self.login(self.therapist_user)
        response = self.client.post(self.url(), self.soap_post(pain_after="11"))
        self.assertContains(response, "Give a whole number from 0 to 10.")
        self.assertFalse(Visit.objects.exists())
        response = self.client.post(self.url(), self.soap_post(pain_after=""))
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(Visit.objects.get().pain_after)

    @time_machine.travel(RECORDED, tick=False)
    def test_home_care_offers_only_what_the_clients_flags_allow(self):
        self.login(self.therapist_user)
        response = self.client.get(self.url())
        self.assertContains(response, "Gentle stretches")
        self.assertNotContains(response, "Self-massage for the calves")

    @time_machine.travel(RECORDED, tick=False)
    def test_a_hand_made_post_of_a_ruled_out_article_is_refused(self):
        self.login(self.therapist_user)
        response = self.client.post(
            self.url(), self.soap_post(home_care=[str(self.calf_massage.pk)])
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Visit.objects.exists())
        self.assertFalse(HealthDataAccess.objects.filter(action="change").exists())

    def test_the_domain_function_refuses_a_ruled_out_article_too(self):
        with self.assertRaises(BookingError) as refused:
            self.record(home_care=[self.calf_massage])
        self.assertEqual(refused.exception.code, "home_care")
        self.assertFalse(Visit.objects.exists())
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.BOOKED)

    def test_unknown_areas_and_pressures_are_refused(self):
        for details in ({"areas_worked": ["tail"]}, {"pressure_used": "unsure"}):
            with self.assertRaises(BookingError):
                self.record(**details)
        self.assertFalse(Visit.objects.exists())


class EditWindowTests(VisitNotesCase):
    def setUp(self):
        super().setUp()
        self.visit = self.record()

    def edit_url(self):
        return reverse("bookings:visit_edit", args=[self.visit.pk])

    def amend_url(self):
        return reverse("bookings:visit_amend", args=[self.visit.pk])

    def test_the_author_can_correct_the_notes_at_23_hours(self):
        self.login(self.therapist_user)
        with time_machine.travel(RECORDED + timedelta(hours=23), tick=False):
            self.assertEqual(self.client.get(self.edit_url()).status_code, 200)
            response = self.client.post(self.edit_url(), self.soap_post(notes="Corrected."))
        self.assertRedirects(
            response,
            reverse("bookings:chart", args=[self.client_profile.pk]),
            fetch_redirect_response=False,
        )
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.notes, "Corrected.")
        self.assertEqual(self.visit.edited_at, RECORDED + timedelta(hours=23))
        self.assertTrue(
            HealthDataAccess.objects.filter(
                action="change", detail=f"visit notes edited (visit {self.visit.pk})"
            ).exists()
        )

    def test_the_author_cannot_correct_them_at_25_hours(self):
        self.login(self.therapist_user)
        with time_machine.travel(RECORDED + timedelta(hours=25), tick=False):
            self.assertRedirects(
                self.client.get(self.edit_url()), self.amend_url(), fetch_redirect_response=False
            )
            self.client.post(self.edit_url(), self.soap_post(notes="Too late."))
            with self.assertRaises(BookingError):
                visits.edit_visit(
                    visit=self.visit, by=self.therapist_user, pain_score=1, notes="Too late."
                )
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.notes, "As written first.")
        self.assertIsNone(self.visit.edited_at)

    def test_another_therapist_cannot_edit_but_can_amend(self):
        self.login(self.colleague.user)
        with time_machine.travel(RECORDED + timedelta(hours=1), tick=False):
            self.assertRedirects(
                self.client.get(self.edit_url()), self.amend_url(), fetch_redirect_response=False
            )
            self.client.post(self.edit_url(), self.soap_post(notes="Not mine to change."))
            self.assertEqual(self.client.get(self.amend_url()).status_code, 200)
            response = self.client.post(self.amend_url(), {"text": "Client called: felt better."})
        self.assertEqual(response.status_code, 302)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.notes, "As written first.")
        amendment = VisitAmendment.objects.get(visit=self.visit)
        self.assertEqual(
            (amendment.text, amendment.author, amendment.author_name),
            ("Client called: felt better.", self.colleague.user, "Theo Therapist"),
        )
        self.assertTrue(
            HealthDataAccess.objects.filter(
                user=self.colleague.user,
                action="change",
                detail=f"visit notes amended (visit {self.visit.pk})",
            ).exists()
        )

    def test_amendments_never_overwrite_the_notes_or_each_other(self):
        with time_machine.travel(RECORDED + timedelta(days=3), tick=False):
            visits.amend_visit(visit=self.visit, by=self.therapist_user, text="First addition.")
            visits.amend_visit(visit=self.visit, by=self.colleague.user, text="Second addition.")
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.notes, "As written first.")
        self.assertEqual(
            list(self.visit.amendments.values_list("text", flat=True)),
            ["First addition.", "Second addition."],
        )
        self.login(self.therapist_user)
        response = self.client.get(reverse("bookings:chart", args=[self.client_profile.pk]))
        self.assertContains(response, "As written first.")
        self.assertContains(response, "First addition.")
        self.assertContains(response, "Second addition.")

    def test_an_empty_amendment_is_refused_and_writes_nothing(self):
        self.login(self.therapist_user)
        response = self.client.post(self.amend_url(), {"text": "   "})
        self.assertContains(response, "Write the amendment.")
        self.assertFalse(VisitAmendment.objects.exists())

    def test_those_outside_the_care_team_may_neither_edit_nor_amend(self):
        for user, status in (
            (self.stranger.user, 403),
            (self.front_desk_user, 403),
            (self.admin_user, 403),
            (self.client_user, 404),
            (self.other_client_user, 404),
        ):
            self.login(user)
            for url in (self.edit_url(), self.amend_url()):
                self.assertEqual(self.client.get(url).status_code, status, (user, url))
                self.assertEqual(
                    self.client.post(url, {"text": "Sneaky."}).status_code, status, (user, url)
                )
        with self.assertRaises(BookingError):
            visits.amend_visit(visit=self.visit, by=self.stranger.user, text="Sneaky.")
        self.assertFalse(VisitAmendment.objects.exists())

    def test_the_chart_offers_the_author_a_correction_only_within_the_window(self):
        self.login(self.therapist_user)
        chart = reverse("bookings:chart", args=[self.client_profile.pk])
        with time_machine.travel(RECORDED + timedelta(hours=2), tick=False):
            self.assertContains(self.client.get(chart), self.edit_url())
        with time_machine.travel(RECORDED + timedelta(hours=25), tick=False):
            response = self.client.get(chart)
        self.assertNotContains(response, self.edit_url())
        self.assertContains(response, self.amend_url())

    def test_opening_the_pages_is_logged(self):
        self.login(self.therapist_user)
        with time_machine.travel(RECORDED + timedelta(hours=2), tick=False):
            self.client.get(self.edit_url())
            self.client.get(self.amend_url())
        self.assertEqual(
            set(HealthDataAccess.objects.filter(action="view").values_list("detail", flat=True)),
            {f"visit {self.visit.pk} edit", f"visit {self.visit.pk} amend"},
        )


class VisitAdminTests(VisitNotesCase):
    def test_the_owner_reads_the_notes_in_words_and_the_reading_is_logged(self):
        visit = self.record(areas_worked=["lower_back"])
        visits.amend_visit(visit=visit, by=self.therapist_user, text="Added later.")
        owner = make_user("owner@example.com", is_staff=True, is_superuser=True)
        self.login(owner)
        response = self.client.get(reverse("admin:bookings_visit_change", args=[visit.pk]))
        self.assertContains(response, "Lower back")
        self.assertNotContains(response, "lower_back")
        self.assertContains(response, "Added later.")
        self.assertNotContains(response, 'name="notes"')  # read-only: nothing to save
        self.assertTrue(
            HealthDataAccess.objects.filter(user=owner, detail="admin visit notes").exists()
        )

    def test_a_clinic_admin_without_the_permission_cannot_open_it(self):
        visit = self.record()
        self.login(self.admin_user)
        response = self.client.get(reverse("admin:bookings_visit_change", args=[visit.pk]))
        self.assertEqual(response.status_code, 403)
