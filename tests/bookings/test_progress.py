"""The course rule: not improving after 4 weeks, or worse, is told once (issue 11, part 5)."""

from datetime import date, timedelta
from unittest import TestCase

import time_machine
from django.core import mail
from django.urls import reverse

from bookings import progress
from bookings.appointments import record_visit
from bookings.models import Appointment, PlanStatus, TreatmentPlan
from bookings.progress import MEANINGFUL_CHANGE, change, course_progress
from tests.base import ClinicTestCase, make_service
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

MONDAY = date(2026, 3, 2)


def weekly(*scores, first=MONDAY):
    return [(first + timedelta(weeks=i), score) for i, score in enumerate(scores)]


class ChangeArithmeticTests(TestCase):
    def test_two_points_better_is_the_meaningful_change(self):
        self.assertEqual(MEANINGFUL_CHANGE, 2)
        self.assertTrue(change(6, 4).meaningful)
        self.assertFalse(change(6, 5).meaningful)
        self.assertEqual(change(7, 3).points_better, 4)
        self.assertEqual(change(7, 3).text(), "4 points better (a meaningful change)")
        self.assertEqual(change(5, 4).text(), "1 point better (less than a meaningful change)")
        self.assertEqual(change(5, 5).text(), "no change")

    def test_two_points_higher_is_worse(self):
        self.assertTrue(change(3, 5).worse)
        self.assertFalse(change(3, 4).worse)
        self.assertEqual(change(3, 6).text(), "3 points worse (meaningfully worse)")

    def test_scores_outside_the_scale_are_refused(self):
        for start, now in [(11, 2), (-1, 2), (2, 5.5), (True, 2), ("3", 2)]:
            with self.subTest(start=start, now=now), self.assertRaises(ValueError):
                change(start, now)


class CourseProgressTests(TestCase):
    def test_no_visits_is_no_scores(self):
        self.assertEqual(course_progress([], MONDAY).status, progress.NO_SCORES)

    def test_before_four_weeks_an_unchanged_course_is_too_early(self):
        scores = weekly(6, 6, 5, 6)
        result = course_progress(scores, MONDAY + timedelta(days=27))
        self.assertEqual(result.status, progress.TOO_EARLY)
        self.assertFalse(result.needs_review)

    def test_at_four_weeks_without_the_meaningful_change_it_is_not_improving(self):
        scores = weekly(6, 6, 5, 6, 5)
        result = course_progress(scores, MONDAY + timedelta(weeks=4))
        self.assertEqual(result.status, progress.NOT_IMPROVING)
        self.assertTrue(result.needs_review)
        self.assertEqual((result.baseline, result.latest), (6, 5))

    def test_the_meaningful_change_is_improving_at_any_time(self):
        self.assertEqual(
            course_progress(weekly(6, 4), MONDAY + timedelta(weeks=1)).status, progress.IMPROVING
        )
        self.assertEqual(
            course_progress(weekly(6, 6, 5, 5, 4), MONDAY + timedelta(weeks=6)).status,
            progress.IMPROVING,
        )

    def test_worse_by_the_meaningful_change_is_worse_at_once(self):
        result = course_progress(weekly(4, 6), MONDAY + timedelta(weeks=1))
        self.assertEqual(result.status, progress.WORSE)
        self.assertTrue(result.needs_review)
        self.assertEqual(
            course_progress(weekly(4, 5), MONDAY + timedelta(weeks=1)).status, progress.TOO_EARLY
        )

    def test_the_order_of_the_scores_does_not_matter_and_a_baseline_can_be_given(self):
        scores = list(reversed(weekly(6, 6, 3)))
        self.assertEqual(course_progress(scores, MONDAY).latest, 3)
        self.assertEqual(
            course_progress(weekly(4), MONDAY + timedelta(weeks=5), baseline=7).status,
            progress.IMPROVING,
        )

    def test_a_bad_score_is_refused(self):
        with self.assertRaises(ValueError):
            course_progress([(MONDAY, 12)], MONDAY)

    def test_twelve_weeks_since_the_last_reassessment_makes_one_due(self):
        self.assertFalse(progress.reassessment_due(MONDAY, MONDAY + timedelta(days=83)))
        self.assertTrue(progress.reassessment_due(MONDAY, MONDAY + timedelta(weeks=12)))


class CourseReviewTests(ClinicTestCase):
    """Recording visits runs the rule; the therapist and the client are told once."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        make_intake(cls.client_profile, pain_now=6)
        cls.client_profile.care_team.add(cls.therapist)

    def setUp(self):
        self.plan = TreatmentPlan.objects.create(
            client=self.client_profile,
            therapist=self.therapist,
            kind="acute",
            sessions_per_week=1,
            weeks=6,
            technique=self.service.technique,
            service=self.service,
            status=PlanStatus.ACTIVE,
        )
        self.visits = [
            make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, 2, 10, 0) + timedelta(weeks=week),
                plan=self.plan,
                plan_sequence=week + 1,
            )
            for week in range(6)
        ]

    def record(self, week, score):
        appointment = self.visits[week]
        moment = appointment.start + timedelta(minutes=50)
        with time_machine.travel(moment, tick=False), self.captureOnCommitCallbacks(execute=True):
            record_visit(
                appointment=appointment, by=self.therapist_user, pain_score=score, now=moment
            )
        self.plan.refresh_from_db()

    def test_four_weeks_without_improving_tells_the_therapist_and_the_client_once(self):
        for week, score in enumerate([6, 6, 5, 6]):
            self.record(week, score)
        self.assertEqual(self.plan.course_alert, "")
        self.assertEqual(mail.outbox, [])
        self.record(4, 5)  # 4 weeks after the first visit, 1 point better
        self.assertEqual(self.plan.course_alert, "not_improving")
        self.assertEqual(self.plan.course_alert_at, self.visits[4].start + timedelta(minutes=50))
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["client@example.com", "therapist@example.com"]
        )
        client_mail = next(m for m in mail.outbox if m.to == ["client@example.com"])
        self.assertIn("If pain persists or worsens, see a doctor", client_mail.body)
        therapist_mail = next(m for m in mail.outbox if m.to == ["therapist@example.com"])
        self.assertNotIn("pain", therapist_mail.body.lower())  # no health detail by e-mail
        self.record(5, 7)  # now worse too: already told about this plan
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(self.plan.course_alert, "not_improving")

    def test_worse_by_the_meaningful_change_is_told_at_once(self):
        self.record(0, 4)
        self.record(1, 6)
        self.assertEqual(self.plan.course_alert, "worse")
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("higher than when your treatment began", mail.outbox[-1].body)

    def test_an_improving_course_tells_nobody(self):
        for week, score in enumerate([6, 5, 4, 4, 4]):
            self.record(week, score)
        self.assertEqual(self.plan.course_alert, "")
        self.assertEqual(mail.outbox, [])

    def test_the_notice_shows_to_the_client_and_the_therapist_never_to_front_desk(self):
        self.record(0, 4)
        self.record(1, 7)
        self.login(self.client_user)
        self.assertContains(self.client.get("/dashboard/"), "Pain is worse than at the start")
        self.assertContains(
            self.client.get(self.plan.get_absolute_url()), "If pain persists or worsens"
        )
        self.login(self.therapist_user)
        self.assertContains(
            self.client.get(self.plan.get_absolute_url()), "Pain is worse than at the start"
        )
        self.login(self.front_desk_user)
        response = self.client.get(self.plan.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Pain is worse")
        self.assertNotContains(response, "see a doctor")

    def test_a_visit_outside_any_plan_reviews_nothing(self):
        single = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 2, 2, 10, 0)
        )
        moment = single.start + timedelta(minutes=5)
        with self.captureOnCommitCallbacks(execute=True):
            record_visit(appointment=single, by=self.therapist_user, pain_score=9, now=moment)
        self.assertEqual(Appointment.objects.get(pk=single.pk).status, Appointment.Status.COMPLETED)
        self.assertEqual(mail.outbox, [])

    def test_a_flagged_course_can_be_reassessed_at_once_with_a_letter_suggested(self):
        self.record(0, 4)
        self.record(1, 7)
        self.login(self.therapist_user)
        page = self.client.get(self.plan.get_absolute_url())
        url = reverse("bookings:reassessment", args=[self.visits[1].pk])
        self.assertContains(page, url)
        response = self.client.post(
            url, {"pain_now": 7, "activity": "Sitting", "function_start": 5, "function_now": 6}
        )
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertContains(page, "Letter to the client's doctor (suggested)")
        # A plan whose course is fine has no reassessment page for its ordinary visits.
        TreatmentPlan.objects.filter(pk=self.plan.pk).update(course_alert="")
        self.assertEqual(self.client.get(url).status_code, 404)
