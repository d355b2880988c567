"""The reassessment that decides the next step (issue 11, part 4)."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.urls import reverse

from bookings import plans, reassessments
from bookings.errors import BookingError
from bookings.models import Appointment, NextStep, PlanStatus, Reassessment, TreatmentPlan, Visit
from bookings.progress import Progress
from intake.models import HealthDataAccess
from tests.base import ClinicTestCase, make_service, make_therapist, make_user
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 30, 12, 0)


class ReassessmentCase(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.deep = make_service("Deep tissue massage", technique="deep_tissue")
        cls.review_service = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        cls.stranger = make_therapist("stranger@example.com", location=cls.location)
        cls.intake = make_intake(cls.client_profile, pain_now=8, yes={"varicose_veins"})
        cls.client_profile.care_team.add(cls.therapist)

    def setUp(self):
        self.plan = TreatmentPlan.objects.create(
            client=self.client_profile,
            therapist=self.therapist,
            kind="acute",
            sessions_per_week=1,
            weeks=2,
            technique=self.service.technique,
            service=self.service,
            status=PlanStatus.ACTIVE,
        )
        for week, score in enumerate([7, 6]):
            session = make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, 9, 10, 0) + timedelta(weeks=week),
                status=Appointment.Status.COMPLETED,
                plan=self.plan,
                plan_sequence=week + 1,
            )
            Visit.objects.create(appointment=session, pain_score=score)
        self.review = make_appointment(
            self.client_profile,
            self.therapist,
            self.review_service,
            self.room,
            utc(2026, 3, 30, 10, 0),
            status=Appointment.Status.COMPLETED,
            plan=self.plan,
            plan_sequence=3,
            is_reassessment=True,
        )
        Visit.objects.create(appointment=self.review, pain_score=4)
        self.url = reverse("bookings:reassessment", args=[self.review.pk])

    def reassess(self, pain_now=4, function_start=8, function_now=3):
        return reassessments.record_reassessment(
            appointment=self.review,
            by=self.therapist_user,
            pain_now=pain_now,
            activity="Putting on socks",
            function_start=function_start,
            function_now=function_now,
        )

    def decide(self, step, **kwargs):
        return reassessments.decide_next_step(
            reassessment=self.reassess(**kwargs.pop("scores", {})),
            step=step,
            by=self.therapist_user,
            **kwargs,
        )


@time_machine.travel(NOW, tick=False)
class ReassessmentTests(ReassessmentCase):
    # --- The arithmetic ---------------------------------------------------------------

    def test_pain_is_compared_with_the_first_visit_of_the_course(self):
        reassessment = self.reassess()
        self.assertEqual((reassessment.pain_start, reassessment.pain_now), (7, 4))
        self.assertEqual(reassessment.pain_change.points_better, 3)
        self.assertTrue(reassessment.pain_change.meaningful)
        self.assertEqual(reassessment.function_change.points_better, 5)
        self.assertEqual(reassessment.plan, self.plan)

    def test_without_visits_the_start_is_the_health_forms_pain_now(self):
        Visit.objects.filter(appointment__plan=self.plan).exclude(appointment=self.review).delete()
        self.assertEqual(self.reassess(pain_now=7).pain_start, 8)
        self.login(self.therapist_user)
        self.assertContains(
            self.client.get(self.url), "<strong>8</strong> out of 10 (from the health form)"
        )

    def test_one_point_better_is_not_meaningful_and_two_worse_is_worse(self):
        self.assertFalse(self.reassess(pain_now=6).pain_change.meaningful)
        reassessment = self.reassess(pain_now=9)
        self.assertTrue(reassessment.pain_change.worse)
        self.assertEqual(Reassessment.objects.count(), 1)  # corrected, not duplicated

    def test_a_visit_not_yet_recorded_cannot_be_reassessed(self):
        Appointment.objects.filter(pk=self.review.pk).update(status=Appointment.Status.BOOKED)
        with self.assertRaises(BookingError):
            self.reassess()
        self.assertFalse(Reassessment.objects.exists())

    def test_the_suggestion_follows_the_change(self):
        too_early = Progress("too_early")
        stuck = Progress("not_improving")
        self.assertEqual(reassessments.suggested_step(self.reassess(4), too_early), "maintenance")
        self.assertEqual(reassessments.suggested_step(self.reassess(6), too_early), "technique")
        self.assertEqual(reassessments.suggested_step(self.reassess(6), stuck), "letter")
        self.assertEqual(reassessments.suggested_step(self.reassess(9), too_early), "letter")

    # --- Each next step ---------------------------------------------------------------

    def test_maintenance_proposes_the_plan_at_the_recommended_interval_once(self):
        decision = self.decide(NextStep.MAINTENANCE)
        follow_up = decision.plan
        self.assertEqual(
            (follow_up.kind, follow_up.status, follow_up.interval_weeks),
            ("maintenance", "proposed", 4),
        )
        self.assertEqual(follow_up.previous, self.plan)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.COMPLETED)
        again = self.decide(NextStep.ACUTE)  # a second click changes nothing
        self.assertEqual((again.step, again.plan), ("maintenance", follow_up))
        self.assertEqual(TreatmentPlan.objects.count(), 2)

    def test_pain_of_five_or_more_gets_maintenance_every_two_weeks(self):
        decision = self.decide(NextStep.MAINTENANCE, scores={"pain_now": 5})
        self.assertEqual(decision.plan.interval_weeks, 2)

    def test_another_acute_block_takes_its_cadence_from_the_pain_now(self):
        decision = self.decide(NextStep.ACUTE, scores={"pain_now": 7})
        plan = decision.plan
        self.assertEqual(
            (plan.kind, plan.status, plan.sessions_per_week, plan.weeks),
            ("acute", "proposed", 2, 4),
        )
        self.assertEqual(
            (plan.service, plan.therapist, plan.previous), (self.service, self.therapist, self.plan)
        )

    def test_a_change_of_technique_proposes_a_plan_with_the_other_service(self):
        decision = self.decide(NextStep.TECHNIQUE, service=self.deep)
        plan = decision.plan
        self.assertEqual(
            (plan.service, plan.technique.code, plan.kind), (self.deep, "deep_tissue", "acute")
        )
        # The reassessing therapist does not offer deep tissue: anyone who does.
        self.assertIsNone(plan.therapist)

    def test_a_change_of_technique_needs_another_allowed_technique(self):
        for service in (None, self.service):
            with self.subTest(service=service), self.assertRaises(BookingError):
                self.decide(NextStep.TECHNIQUE, service=service)
        self.assertEqual(TreatmentPlan.objects.count(), 1)
        self.assertEqual(Reassessment.objects.get().next_step, "")

    def test_flags_that_rule_out_firm_pressure_leave_only_the_gentle_technique(self):
        self.assertEqual(
            reassessments.other_technique_services(self.plan, self.client_profile), [self.deep]
        )
        make_intake(self.client_profile, pain_now=8, yes={"anticoagulant_medication"})
        self.assertEqual(reassessments.other_technique_services(self.plan, self.client_profile), [])

    def test_the_letter_books_nothing_and_a_plan_can_follow_it(self):
        decision = self.decide(NextStep.LETTER)
        self.assertEqual((decision.step, decision.plan), ("letter", None))
        self.assertEqual(TreatmentPlan.objects.count(), 1)
        self.assertEqual(self.decide(NextStep.MAINTENANCE).step, "maintenance")

    def test_an_unknown_step_is_refused(self):
        with self.assertRaises(BookingError):
            self.decide("massage_forever")

    # --- The pages ----------------------------------------------------------------------

    def test_recording_a_reassessment_visit_leads_to_the_reassessment_page(self):
        Visit.objects.filter(appointment=self.review).delete()
        Appointment.objects.filter(pk=self.review.pk).update(status=Appointment.Status.BOOKED)
        self.login(self.therapist_user)
        response = self.client.post(
            reverse("bookings:record_visit", args=[self.review.pk]), {"pain_score": 4, "notes": ""}
        )
        self.assertRedirects(response, self.url)

    def test_the_therapist_records_it_and_sees_the_change_logged(self):
        self.login(self.therapist_user)
        response = self.client.get(self.url)
        self.assertContains(response, "Pain at the start: <strong>7</strong>", html=False)
        self.assertContains(response, 'value="4"')  # the visit's score, as the pain now
        response = self.client.post(
            self.url,
            {"pain_now": 4, "activity": "Putting on socks", "function_start": 8, "function_now": 3},
        )
        self.assertRedirects(response, self.url)
        response = self.client.get(self.url)
        self.assertContains(response, "3 points better (a meaningful change)")
        self.assertContains(response, "Maintenance: a visit every 4 weeks (suggested)")
        details = set(HealthDataAccess.objects.values_list("action", "detail"))
        self.assertIn(("change", f"reassessment (appointment {self.review.pk})"), details)
        self.assertIn(("view", f"reassessment (appointment {self.review.pk})"), details)

    def test_bad_scores_are_refused_and_nothing_is_saved(self):
        self.login(self.therapist_user)
        response = self.client.post(
            self.url, {"pain_now": 11, "activity": " ", "function_start": 8, "function_now": -1}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Give a whole number from 0 to 10.", status_code=400)
        self.assertFalse(Reassessment.objects.exists())

    def test_one_click_next_steps_redirect_to_the_plan_or_the_letter(self):
        self.reassess(pain_now=9)
        self.login(self.therapist_user)
        next_url = reverse("bookings:reassessment_next", args=[self.review.pk])
        response = self.client.get(self.url)
        self.assertContains(response, "Letter to the client's doctor (suggested)")
        self.assertContains(response, "If pain persists or worsens, see a doctor.")
        response = self.client.post(next_url, {"step": "letter"})
        letter_url = reverse("bookings:reassessment_letter", args=[self.review.pk])
        self.assertRedirects(response, letter_url)
        letter = self.client.get(letter_url)
        self.assertContains(letter, "2 points worse (meaningfully worse)")
        self.assertContains(letter, "veins")
        self.assertContains(letter, "Theo Therapist")
        self.assertContains(letter, "bookings/letter")  # the print style sheet
        response = self.client.post(next_url, {"step": "acute"})
        follow_up = TreatmentPlan.objects.get(previous=self.plan)
        self.assertRedirects(response, follow_up.get_absolute_url())
        self.assertEqual(follow_up.kind, "acute")

    def test_a_bad_next_step_is_a_message_not_an_error(self):
        self.reassess()
        self.login(self.therapist_user)
        next_url = reverse("bookings:reassessment_next", args=[self.review.pk])
        for data in ({}, {"step": "nonsense"}, {"step": "technique", "service": "x"}):
            with self.subTest(data=data):
                self.assertRedirects(self.client.post(next_url, data), self.url)
        self.assertEqual(TreatmentPlan.objects.count(), 1)

    def test_only_the_treating_therapist_and_health_staff_reach_it(self):
        self.reassess()
        letter = reverse("bookings:reassessment_letter", args=[self.review.pk])
        for user, status in [
            (self.client_user, 403),
            (self.front_desk_user, 403),
            (self.admin_user, 403),
            (self.stranger.user, 404),
            (self.therapist_user, 200),
        ]:
            self.login(user)
            for url in (self.url, letter):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_an_ordinary_session_has_no_reassessment_page(self):
        session = Appointment.objects.filter(plan=self.plan, is_reassessment=False).first()
        self.login(self.therapist_user)
        url = reverse("bookings:reassessment", args=[session.pk])
        self.assertEqual(self.client.get(url).status_code, 404)


@time_machine.travel(NOW, tick=False)
class ReplacedPlanTests(ReassessmentCase):
    """A next step that starts a new plan cancels the old plan's visits still booked."""

    def setUp(self):
        super().setUp()
        self.ahead = [
            make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, 31, 9, 0) + timedelta(weeks=week),  # the first within the cut-off
                plan=self.plan,
                plan_sequence=4 + week,
            )
            for week in range(2)
        ]

    def statuses(self):
        return [Appointment.objects.get(pk=a.pk).status for a in self.ahead]

    def test_each_new_plan_cancels_the_old_plans_visits_once_without_charge(self):
        for step, extra in (
            (NextStep.ACUTE, {}),
            (NextStep.TECHNIQUE, {"service": self.deep}),
            (NextStep.MAINTENANCE, {}),
        ):
            with self.subTest(step=step):
                Reassessment.objects.all().delete()
                TreatmentPlan.objects.exclude(pk=self.plan.pk).delete()
                Appointment.objects.filter(pk__in=[a.pk for a in self.ahead]).update(
                    status=Appointment.Status.BOOKED, cancelled_at=None, cancel_reason=""
                )
                mail.outbox.clear()
                with self.captureOnCommitCallbacks(execute=True):
                    decision = self.decide(step, **extra)
                self.assertIsNotNone(decision.plan)
                self.assertEqual(self.statuses(), ["cancelled", "cancelled"])  # never late
                reasons = set(
                    Appointment.objects.filter(pk__in=[a.pk for a in self.ahead]).values_list(
                        "cancel_reason", flat=True
                    )
                )
                self.assertEqual(reasons, {plans.PLAN_REPLACED_REASON})
                [message] = mail.outbox  # told once, not once per visit
                self.assertIn("2 visits cancelled", message.subject)
                self.assertIn("with no charge", message.body)
                self.assertIn("Tue 31 Mar 2026", message.body)
                self.assertIn("method=CANCEL", message.attachments[0][2])

    def test_an_owner_deciding_cancels_without_charge_too(self):
        owner = make_user("owner@example.com", is_staff=True, is_superuser=True)
        with self.captureOnCommitCallbacks(execute=True):
            reassessments.decide_next_step(
                reassessment=self.reassess(), step=NextStep.ACUTE, by=owner
            )
        self.assertEqual(self.statuses(), ["cancelled", "cancelled"])

    def test_carrying_on_with_maintenance_and_the_letter_keep_the_visits(self):
        self.plan.kind = "maintenance"
        self.plan.interval_weeks = 4
        self.plan.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertIsNone(self.decide(NextStep.LETTER).plan)
            self.assertIsNone(self.decide(NextStep.MAINTENANCE).plan)
        self.assertEqual(self.statuses(), ["booked", "booked"])
        self.assertEqual(mail.outbox, [])

    def test_a_repeated_click_cancels_nothing_more_and_tells_no_one_again(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.decide(NextStep.ACUTE)
        with self.captureOnCommitCallbacks(execute=True):
            self.decide(NextStep.ACUTE)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_page_says_what_a_new_plan_does_to_the_booked_visits(self):
        self.reassess()
        self.login(self.therapist_user)
        response = self.client.get(self.url)
        self.assertContains(response, "its 2 visits still booked (31 Mar, 7 Apr) are cancelled")
        self.assertContains(response, "with no charge as the clinic changed the plan")

    def test_the_letter_names_the_therapist_and_their_registration_number(self):
        self.therapist.registration_number = "CNHC-0042117"
        self.therapist.save(update_fields=["registration_number"])
        self.reassess()
        self.login(self.therapist_user)
        letter = self.client.get(reverse("bookings:reassessment_letter", args=[self.review.pk]))
        self.assertContains(letter, "Registration number: CNHC-0042117")
        self.assertContains(letter, "Theo Therapist")
        self.therapist.registration_number = ""
        self.therapist.save(update_fields=["registration_number"])
        letter = self.client.get(reverse("bookings:reassessment_letter", args=[self.review.pk]))
        self.assertContains(letter, "Registration number: not recorded")
