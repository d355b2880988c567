"""Booking a plan reads once, checks in memory and writes in bulk (issue 9, item 10)."""

from datetime import date, time
from unittest import mock

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import outbox
from bookings.errors import NotAllowed
from bookings.models import Appointment
from bookings.planning import recommend_plan
from bookings.plans import book_plan
from bookings.proposals import propose_plan
from clinic import cached
from clinic.models import User
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import utc, weekday_hours
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)  # Monday
MONDAY = date(2026, 3, 9)


@time_machine.travel(NOW, tick=False)
class PlanBookingQueryCountTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.review = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())
        with time_machine.travel(NOW, tick=False):
            make_intake(cls.client_profile, onset=date(2026, 2, 16), pain_now=8)

    def proposal(self, score):
        return propose_plan(
            client=self.client_profile,
            recommendation=recommend_plan(pain_weeks=2, pain_score=score),
            service=self.service,
            therapist=self.ava,
            weekdays=[0, 3],
            preferred_time=time(10, 0),
            first_day=MONDAY,
        )

    def book(self, proposal):
        # A fresh user each time: the roles read to tell staff from clients count too.
        by = User.objects.get(pk=self.client_user.pk)
        with CaptureQueriesContext(connection) as queries:
            plan = book_plan(proposal=proposal, client=self.client_profile, by=by)
        return plan, len(queries.captured_queries)

    def test_a_nine_session_plan_books_in_as_many_queries_as_a_four_session_plan(self):
        short = self.proposal(score=5)  # once a week for 3 weeks, then a reassessment
        long = self.proposal(score=8)  # twice a week for 4 weeks, then a reassessment
        self.assertEqual((len(short.sessions), len(long.sessions)), (4, 9))
        cached.main_location()  # both bookings find the main location in the cache
        short_plan, short_count = self.book(short)
        short_plan.appointments.update(status="cancelled")
        long_plan, long_count = self.book(long)
        self.assertEqual(long_plan.appointments.count(), 9)
        self.assertEqual(short_count, long_count)

    def test_booking_a_plan_takes_eighteen_queries(self):
        # Services, therapists, whether each therapist offers each service (two pairs:
        # the sessions and the reassessment), the staff roles; this plan booked already?;
        # the health form once for every day (intake, its flags, the main location's
        # zone for its completion day); working hours, then busy time (with closures and
        # rooms); the
        # plan and its history; the sessions and their history; the care team.
        proposal = self.proposal(score=8)
        by = User.objects.get(pk=self.client_user.pk)
        with self.assertNumQueries(18):
            book_plan(proposal=proposal, client=self.client_profile, by=by)

    def test_every_session_gets_its_reminder_once_the_plan_commits(self):
        proposal = self.proposal(score=8)
        with (
            mock.patch.object(outbox, "schedule_reminder") as schedule,
            self.captureOnCommitCallbacks(execute=True),
        ):
            plan = book_plan(proposal=proposal, client=self.client_profile, by=self.client_user)
            self.assertEqual(schedule.call_count, 0)
        self.assertEqual(
            sorted(call.args[0].pk for call in schedule.call_args_list),
            sorted(plan.appointments.values_list("pk", flat=True)),
        )
        self.assertEqual(schedule.call_count, 9)

    def test_each_session_is_written_with_its_history_and_the_therapist_joins_the_care_team(self):
        plan = book_plan(
            proposal=self.proposal(score=5), client=self.client_profile, by=self.client_user
        )
        for appointment in plan.appointments.all():
            self.assertEqual(appointment.history.count(), 1)
        self.assertEqual(list(self.client_profile.care_team.all()), [self.ava])


@time_machine.travel(NOW, tick=False)
class PlanEligibilityTests(ClinicTestCase):
    """The health form is asked about the first and the last day: each rule still holds."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.review = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())

    def book(self):
        proposal = propose_plan(
            client=self.client_profile,
            recommendation=recommend_plan(pain_weeks=2, pain_score=8),
            service=self.service,
            therapist=self.ava,
            weekdays=[0, 3],
            preferred_time=time(10, 0),
            first_day=MONDAY,
        )
        return book_plan(proposal=proposal, client=self.client_profile, by=self.client_user)

    def test_a_plan_that_runs_past_the_health_forms_expiry_books_nothing(self):
        make_intake(self.client_profile, completed_at=utc(2025, 3, 20, 9, 0))
        with self.assertRaises(NotAllowed) as raised:
            self.book()
        self.assertEqual(raised.exception.code, "expired")
        self.assertFalse(Appointment.objects.exists())

    def test_a_plan_that_starts_inside_the_defer_period_books_nothing(self):
        make_intake(self.client_profile, yes={"fever"}, completed_at=utc(2026, 3, 4, 9, 0))
        with self.assertRaises(NotAllowed) as raised:
            self.book()
        self.assertEqual(raised.exception.code, "defer")
        self.assertFalse(Appointment.objects.exists())

    def test_after_the_defer_period_every_session_waits_for_the_checkin(self):
        make_intake(self.client_profile, yes={"fever"}, completed_at=utc(2026, 3, 2, 7, 0))
        plan = self.book()
        self.assertEqual(set(plan.appointments.values_list("status", flat=True)), {"held"})
