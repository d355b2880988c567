"""Issue 11's writes sent twice at the same moment (two tabs, a double click reaching two
workers) on PostgreSQL: each is written once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from bookings import checks, reassessments, visits
from bookings.models import (
    Appointment,
    DayOfCheck,
    PlanStatus,
    Reassessment,
    TreatmentPlan,
    Visit,
    VisitAmendment,
)
from clinic.models import Room
from tests.base import make_client, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment
from tests.intake.factories import make_intake

WORKERS = 4


def at_once(action):
    """Run ``action`` in WORKERS threads released together; their results."""
    barrier = threading.Barrier(WORKERS)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres_only
class ParallelIssue11Tests(TransactionTestCase):
    def setUp(self):
        location = make_location()
        room = Room.objects.create(location=location, name="Room 1")
        self.ann = make_client("ann@example.com").client_profile
        make_intake(self.ann, pain_now=7)
        self.therapist = make_therapist("theo@example.com", location=location)
        self.ann.care_team.add(self.therapist)
        service = make_service()
        now = timezone.now()
        self.plan = TreatmentPlan.objects.create(
            client=self.ann,
            therapist=self.therapist,
            kind="acute",
            sessions_per_week=1,
            weeks=4,
            technique=service.technique,
            service=service,
            status=PlanStatus.ACTIVE,
        )
        self.review = make_appointment(
            self.ann,
            self.therapist,
            service,
            room,
            now - timedelta(hours=3),
            status=Appointment.Status.COMPLETED,
            plan=self.plan,
            is_reassessment=True,
        )
        self.visit = Visit.objects.create(
            appointment=self.review,
            pain_score=6,
            recorded_by=self.therapist.user,
            recorded_at=now - timedelta(hours=2),
        )
        self.today = make_appointment(
            self.ann, self.therapist, service, room, now + timedelta(minutes=30)
        )

    def test_one_amendment(self):
        at_once(
            lambda: visits.amend_visit(
                visit=self.visit, by=self.therapist.user, text="Said sleep was poor."
            )
        )
        self.assertEqual(VisitAmendment.objects.count(), 1)

    def test_one_day_of_check(self):
        answers = {**dict.fromkeys(checks.ANSWERS, False), "fever": True}
        at_once(lambda: checks.record_day_of(self.today, answers, via="link"))
        self.assertEqual(DayOfCheck.objects.count(), 1)
        self.today.refresh_from_db()
        self.assertEqual(self.today.status, Appointment.Status.HELD)

    def test_one_next_plan(self):
        reassessment = reassessments.record_reassessment(
            appointment=self.review,
            by=self.therapist.user,
            pain_now=6,
            activity="Sitting",
            function_start=7,
            function_now=6,
        )
        plans = at_once(
            lambda: (
                reassessments.decide_next_step(
                    reassessment=reassessment, step="acute", by=self.therapist.user
                ).plan
            )
        )
        self.assertEqual(len({plan.pk for plan in plans}), 1)
        self.assertEqual(TreatmentPlan.objects.filter(previous=self.plan).count(), 1)
        self.assertEqual(Reassessment.objects.get().next_step, "acute")
