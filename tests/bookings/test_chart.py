"""The chart, and the safety part on the appointment page and the visit form."""

from datetime import date

import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.chart import safety_summary
from bookings.models import Appointment, TreatmentPlan, Visit, VisitAmendment
from intake.models import Clearance, HealthDataAccess, Review
from tests.base import ClinicTestCase, make_service, make_therapist, make_user
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 10, 10, 30)  # a Tuesday, half an hour into the appointment


def grant_health_permission(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="intake", codename="view_health_data")
    )


@time_machine.travel(NOW, tick=False)
class ChartCase(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.stranger = make_therapist("stranger@example.com", location=cls.location)
        cls.owner = make_user("owner@example.com", is_staff=True, is_superuser=True)
        cls.intake = make_intake(
            cls.client_profile, yes={"varicose_veins", "anticoagulant_medication", "diabetes"}
        )
        Review.objects.create(
            intake=cls.intake,
            reviewer=cls.therapist_user,
            decision="cleared_with_changes",
            avoid_areas=["legs", "lower_back"],
            pressure_limit="light",
            notes="Keep strokes light over the calves.",
        )
        Clearance.objects.create(
            intake=cls.intake,
            codes=["diabetes"],
            received_on=date(2026, 2, 1),
            note="GP letter.",
            recorded_by=cls.therapist_user,
        )
        cls.client_profile.care_team.add(cls.therapist)
        cls.plan = TreatmentPlan.objects.create(
            client=cls.client_profile,
            therapist=cls.therapist,
            kind="acute",
            sessions_per_week=1,
            weeks=4,
            technique=cls.service.technique,
            service=cls.service,
            status="active",
        )
        past = make_appointment(
            cls.client_profile,
            cls.therapist,
            cls.service,
            cls.room,
            utc(2026, 3, 3, 10, 0),
            status=Appointment.Status.COMPLETED,
            plan=cls.plan,
            plan_sequence=1,
        )
        cls.visit = Visit.objects.create(
            appointment=past,
            pain_score=7,
            pain_after=5,
            client_reports="Stiff in the mornings.",
            notes="Gentle work on the upper back.",
            areas_worked=["upper_back"],
            recorded_by=cls.therapist_user,
            recorded_at=utc(2026, 3, 3, 11, 0),
        )
        VisitAmendment.objects.create(
            visit=cls.visit, text="Also said sleep was poor.", author_name="Theo Therapist"
        )
        cls.appointment = make_appointment(
            cls.client_profile,
            cls.therapist,
            cls.service,
            cls.room,
            utc(2026, 3, 10, 10, 0),
            plan=cls.plan,
            plan_sequence=2,
        )

    def chart_url(self, client=None):
        return reverse("bookings:chart", args=[(client or self.client_profile).pk])


class ChartPermissionTests(ChartCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.chart_url())
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_clients_get_not_found_even_for_their_own_chart(self):
        for user in (self.client_user, self.other_client_user):
            self.login(user)
            self.assertEqual(self.client.get(self.chart_url()).status_code, 404)

    def test_staff_who_may_not_see_health_data_are_refused(self):
        for user in (self.stranger.user, self.front_desk_user, self.admin_user):
            self.login(user)
            self.assertEqual(self.client.get(self.chart_url()).status_code, 403, user)
        self.assertFalse(HealthDataAccess.objects.filter(detail="chart").exists())

    def test_the_treating_therapist_the_owner_and_the_health_permission_may_read_it(self):
        grant_health_permission(self.admin_user)
        for user in (self.therapist_user, self.owner, self.admin_user):
            self.login(user)
            self.assertEqual(self.client.get(self.chart_url()).status_code, 200, user)

    def test_post_is_not_allowed(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(self.chart_url()).status_code, 405)

    def test_an_unknown_client_is_not_found(self):
        self.login(self.owner)
        self.assertEqual(self.client.get(reverse("bookings:chart", args=[9999])).status_code, 404)


class ChartContentTests(ChartCase):
    def setUp(self):
        self.login(self.therapist_user)

    def test_each_reading_is_logged(self):
        self.client.get(self.chart_url())
        row = HealthDataAccess.objects.get(detail="chart")
        self.assertEqual(
            (row.user, row.client, row.intake, row.action),
            (self.therapist_user, self.client_profile, self.intake, "view"),
        )

    def test_it_shows_the_flags_with_their_guidance(self):
        response = self.client.get(self.chart_url())
        self.assertContains(response, 'data-flag-guidance="varicose_veins"')
        self.assertContains(response, "Varicose veins")
        self.assertContains(response, "Anticoagulant medication")

    def test_it_shows_the_decision_in_words_and_the_clearance_expiry(self):
        response = self.client.get(self.chart_url())
        self.assertContains(response, "Cleared with changes")
        self.assertContains(response, "Legs, Lower back")
        self.assertNotContains(response, "lower_back")
        self.assertContains(response, "At most light")
        self.assertContains(response, "Keep strokes light over the calves.")
        self.assertContains(response, "valid until 31 Jan 2027")

    def test_it_shows_where_the_client_is_in_the_plan(self):
        response = self.client.get(self.chart_url())
        self.assertContains(response, self.plan.progress_text())
        self.assertContains(response, "Session 2 of 4")

    def test_it_shows_every_visit_newest_first_with_amendments(self):
        later = make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 6, 10, 0),
            status=Appointment.Status.COMPLETED,
        )
        Visit.objects.create(
            appointment=later, pain_score=4, notes="Second visit notes.", recorded_at=NOW
        )
        body = self.client.get(self.chart_url()).content.decode()
        self.assertLess(body.index("Second visit notes."), body.index("Gentle work"))
        self.assertIn("Stiff in the mornings.", body)
        self.assertIn("Upper back", body)
        self.assertIn("Also said sleep was poor.", body)
        # The pain line, with its table: pain before and after each visit.
        self.assertIn('data-role="after" data-score="5"', body)
        self.assertIn('<tr><th scope="row">3 Mar 2026</th><td>7</td><td>5</td>', body)

    def test_its_queries_do_not_grow_with_visits(self):
        self.client.get(self.chart_url())  # fills the cache (clinic.cached)
        with CaptureQueriesContext(connection) as one:
            self.client.get(self.chart_url())
        for day in (4, 5, 6):
            appointment = make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, day, 10, 0),
                status=Appointment.Status.COMPLETED,
            )
            visit = Visit.objects.create(appointment=appointment, pain_score=3)
            VisitAmendment.objects.create(visit=visit, text="More.")
        with CaptureQueriesContext(connection) as four:
            self.client.get(self.chart_url())
        self.assertEqual(len(one), len(four))


class SafetySummaryTests(ChartCase):
    def test_it_gathers_what_to_avoid_and_the_clearances(self):
        safety = safety_summary(self.client_profile, on=NOW.date())
        self.assertEqual(safety.avoid_areas, ["Legs", "Lower back"])
        self.assertEqual(safety.pressure_limit, "Light")
        self.assertEqual(
            {flag.code for flag in safety.flags},
            {"varicose_veins", "anticoagulant_medication", "diabetes"},
        )
        self.assertTrue(all(flag.short for flag in safety.flags))
        self.assertEqual(safety.clearance_missing, [])
        self.assertEqual(safety.clearances[0].valid_until, date(2027, 1, 31))

    def test_an_expired_clearance_is_missing(self):
        safety = safety_summary(self.client_profile, on=date(2027, 2, 1))
        self.assertEqual(safety.clearance_missing, ["Diabetes"])
        self.assertFalse(safety.clearances[0].valid)

    def test_a_client_without_a_health_form_has_no_intake(self):
        safety = safety_summary(self.other_client_profile, on=NOW.date())
        self.assertIsNone(safety.intake)
        self.assertEqual(safety.flags, [])


class SafetyOnTheAppointmentAndVisitPagesTests(ChartCase):
    def pages(self):
        return [
            reverse("bookings:appointment_detail", args=[self.appointment.pk]),
            reverse("bookings:record_visit", args=[self.appointment.pk]),
        ]

    # What follows the safety part on each page: the appointment's details, the form.
    FIRST_AFTER = (">Client</dt>", 'name="pain_score"')

    def test_the_treating_therapist_sees_the_safety_part_first_on_both_pages(self):
        self.login(self.therapist_user)
        for url, after in zip(self.pages(), self.FIRST_AFTER, strict=True):
            response = self.client.get(url)
            body = response.content.decode()
            self.assertIn("data-safety", body, url)
            self.assertIn("Legs, Lower back", body)
            self.assertIn("At most light", body)
            self.assertIn("Diabetes: valid until 31 Jan 2027", body)
            # At the top: before the appointment's details, before the form.
            self.assertLess(body.index("data-safety"), body.index(after))
            self.assertContains(response, self.chart_url())
        self.assertEqual(
            set(
                HealthDataAccess.objects.filter(client=self.client_profile).values_list(
                    "detail", flat=True
                )
            ),
            {"appointment safety", "visit form"},
        )

    def test_front_desk_the_clinic_admin_and_the_client_never_see_it(self):
        url = self.pages()[0]
        for user in (self.front_desk_user, self.admin_user, self.client_user):
            self.login(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "data-safety")
            self.assertNotContains(response, "Keep strokes light")
            self.assertNotContains(response, "varicose")
            self.assertNotContains(response, self.chart_url())
        self.assertFalse(HealthDataAccess.objects.exists())

    def test_the_owner_sees_it_on_the_appointment_page(self):
        self.login(self.owner)
        self.assertContains(self.client.get(self.pages()[0]), "data-safety")


class ChartLinkTests(ChartCase):
    def test_the_day_the_week_and_the_review_link_to_the_chart_for_the_carer(self):
        self.login(self.therapist_user)
        for url in (
            reverse("therapist_today"),
            reverse("bookings:therapist_week"),
            reverse("intake:review", args=[self.intake.public_id]),
        ):
            self.assertContains(self.client.get(url), self.chart_url(), msg_prefix=url)

    def test_a_therapist_not_in_the_care_team_gets_no_link(self):
        # The stranger has the appointment on their day, yet does not treat the client.
        self.client_profile.care_team.clear()
        self.appointment.therapist = self.stranger
        self.appointment.save(update_fields=["therapist"])
        self.login(self.stranger.user)
        for url in (reverse("therapist_today"), reverse("bookings:therapist_week")):
            response = self.client.get(url)
            self.assertContains(response, "Ann Client", msg_prefix=url)
            self.assertNotContains(response, self.chart_url(), msg_prefix=url)

    def test_the_owner_reviewing_a_form_gets_the_link_too(self):
        self.login(self.owner)
        response = self.client.get(reverse("intake:review", args=[self.intake.public_id]))
        self.assertContains(response, self.chart_url())
