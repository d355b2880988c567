"""Rolling maintenance plans: renewal, pause, stop, the 12-week reassessment (issue 11, part 6)."""

import threading
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from bookings import maintenance
from bookings.appointments import record_visit
from bookings.models import Appointment, PlanStatus, TreatmentPlan
from clinic.models import Role, Room, Technique, WorkingHours
from tests.base import ClinicTestCase, make_client, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment, weekday_hours
from tests.intake.factories import make_intake

LONDON = ZoneInfo("Europe/London")
D0 = date(2026, 1, 5)  # a Monday; the plan's first visit


def at(day, hour=10):
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def week(n):
    return D0 + timedelta(weeks=n)


class RollingPlanCase(ClinicTestCase):
    """A maintenance plan every 2 weeks from D0: weeks 0, 2 and 4 done, 6 and 8 booked."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        for day in range(5):
            WorkingHours.objects.create(
                therapist=cls.therapist,
                location=cls.location,
                weekday=day,
                start_time=time(9, 0),
                end_time=time(17, 0),
            )
        make_intake(cls.client_profile, pain_now=4, onset=date(2025, 6, 1))
        cls.client_profile.care_team.add(cls.therapist)

    def setUp(self):
        self.plan = TreatmentPlan.objects.create(
            client=self.client_profile,
            therapist=self.therapist,
            kind="maintenance",
            interval_weeks=2,
            technique=self.service.technique,
            service=self.service,
            status=PlanStatus.ACTIVE,
            starts_on=D0,
        )
        # Visits every 2 weeks: weeks 0, 2 and 4 done, 6 and 8 booked.
        self.visits = [
            make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                at(week(n)),
                plan=self.plan,
                plan_sequence=index + 1,
                status="completed" if n <= 4 else "booked",
            )
            for index, n in enumerate([0, 2, 4, 6, 8])
        ]


class RollingMaintenanceTests(RollingPlanCase):
    def open_ahead(self, now):
        return list(
            self.plan.appointments.filter(status__in=Appointment.OPEN, start__gt=now).order_by(
                "start"
            )
        )

    def test_renewal_keeps_three_visits_ahead_at_the_interval_and_the_usual_time(self):
        now = at(week(4), 12)
        with self.captureOnCommitCallbacks(execute=True):
            renewal = maintenance.renew_plan(self.plan, now=now)
        [new] = renewal.booked
        self.assertEqual(new.local_start, at(week(10)))
        self.assertEqual((new.plan_sequence, new.is_reassessment, new.status), (6, False, "booked"))
        self.assertEqual(len(self.open_ahead(now)), maintenance.AHEAD)
        [message] = mail.outbox
        self.assertEqual(message.subject, "Your next maintenance visits are booked")
        self.assertIn("you can pause or stop the plan", message.body)

    def test_running_twice_books_nothing_more(self):
        now = at(week(4), 12)
        first = maintenance.renew_plan(self.plan, now=now)
        second = maintenance.renew_plan(self.plan, now=now)
        self.assertEqual((len(first.booked), len(second.booked)), (1, 0))
        self.assertEqual(self.plan.appointments.count(), 6)

    def test_the_command_renews_every_active_maintenance_plan_and_is_idempotent(self):
        out = StringIO()
        with time_machine.travel(at(week(4), 12), tick=False):
            call_command("renew_maintenance", stdout=out)
            call_command("renew_maintenance", stdout=out)
        self.assertIn("Booked 1 visit;", out.getvalue())
        self.assertIn("Booked 0 visits;", out.getvalue())
        self.assertEqual(self.plan.appointments.count(), 6)

    def test_recording_a_maintenance_visit_books_the_next_one(self):
        moment = at(week(6), 11)
        with time_machine.travel(moment, tick=False), self.captureOnCommitCallbacks(execute=True):
            record_visit(
                appointment=self.visits[3], by=self.therapist_user, pain_score=3, now=moment
            )
        starts = [a.local_start for a in self.open_ahead(moment)]
        # Weeks 8 (booked), 10 and 12 (new): always three ahead.
        self.assertEqual(starts, [at(week(8)), at(week(10)), at(week(12))])

    def test_the_first_visit_twelve_weeks_after_the_last_reassessment_is_one(self):
        self.visits[3].status = "completed"
        self.visits[3].save()
        now = at(week(6), 12)
        renewal = maintenance.renew_plan(self.plan, now=now)
        self.assertEqual(
            [(a.local_start.date(), a.is_reassessment) for a in renewal.booked],
            [(week(10), False), (week(12), True)],
        )
        # The next one counts from that reassessment.
        self.visits[4].status = "completed"
        self.visits[4].save()
        renewal = maintenance.renew_plan(self.plan, now=at(week(8), 12))
        self.assertEqual(
            [(a.local_start.date(), a.is_reassessment) for a in renewal.booked],
            [(week(14), False)],
        )

    def test_a_taken_time_moves_to_the_nearest_free_time_within_two_days(self):
        make_appointment(
            self.other_client_profile, self.therapist, self.service, self.room, at(week(10))
        )
        [new] = maintenance.renew_plan(self.plan, now=at(week(4), 12)).booked
        self.assertEqual(new.local_start.date(), week(10))
        self.assertNotEqual(new.local_start, at(week(10)))

    def test_a_paused_plan_books_nothing_and_keeps_its_visits_until_resumed(self):
        now = at(week(4), 12)
        maintenance.pause_plan(plan=self.plan, by=self.client_user, now=now)
        self.assertEqual(maintenance.renew_plan(self.plan, now=now).booked, [])
        self.assertEqual(len(self.open_ahead(now)), 2)
        with time_machine.travel(now, tick=False):
            renewal = maintenance.resume_plan(plan=self.plan, by=self.client_user)
        self.assertEqual(len(renewal.booked), 1)
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.status, self.plan.paused_at), (PlanStatus.ACTIVE, None))

    def test_stopping_cancels_the_future_visits_and_renews_nothing(self):
        now = at(week(4), 12)
        with time_machine.travel(now, tick=False):
            cancelled = maintenance.stop_plan(plan=self.plan, by=self.client_user)
        self.assertEqual(len(cancelled), 2)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.STOPPED)
        self.assertEqual(self.open_ahead(now), [])
        self.assertEqual(maintenance.renew_plan(self.plan, now=now).booked, [])
        self.assertEqual(
            self.plan.appointments.filter(status=Appointment.Status.COMPLETED).count(), 3
        )

    def test_a_day_the_health_form_refuses_is_not_booked(self):
        make_intake(self.client_profile, pain_now=4, yes={"saddle_numbness"})
        renewal = maintenance.renew_plan(self.plan, now=at(week(4), 12))
        self.assertEqual(renewal.booked, [])
        self.assertIn("health form does not allow", renewal.held_back[0])
        self.assertEqual(self.plan.appointments.count(), 5)

    def test_a_service_the_therapist_no_longer_offers_is_not_booked(self):
        self.therapist.techniques.set(Technique.objects.filter(code="deep_tissue"))
        renewal = maintenance.renew_plan(self.plan, now=at(week(4), 12))
        self.assertEqual(renewal.booked, [])
        self.assertIn("does not offer", renewal.held_back[0])

    def test_an_acute_plan_is_never_renewed(self):
        TreatmentPlan.objects.filter(pk=self.plan.pk).update(
            kind="acute", sessions_per_week=1, weeks=5
        )
        self.assertEqual(maintenance.renew_plan(self.plan, now=at(week(4), 12)).booked, [])


@time_machine.travel(datetime(2026, 2, 3, 12, 0, tzinfo=LONDON), tick=False)
class RollingPlanPageTests(RollingPlanCase):
    """The client pauses, resumes and stops the plan on the plan page."""

    def post(self, data):
        return self.client.post(reverse("bookings:plan_rolling", args=[self.plan.pk]), data)

    def test_the_client_pauses_and_resumes(self):
        self.login(self.client_user)
        page = self.client.get(self.plan.get_absolute_url())
        self.assertContains(page, "Pause the plan")
        response = self.post({"action": "pause"})
        self.assertRedirects(response, self.plan.get_absolute_url(), fetch_redirect_response=False)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.PAUSED)
        page = self.client.get(self.plan.get_absolute_url())
        self.assertContains(page, "The visits already booked stay booked")
        self.assertContains(page, "Resume the plan")
        self.post({"action": "resume"})
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.ACTIVE)

    def test_stopping_must_be_confirmed(self):
        self.login(self.client_user)
        response = self.post({"action": "stop"})
        self.assertEqual(response.status_code, 302)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.ACTIVE)
        page = self.client.get(self.plan.get_absolute_url())
        self.assertContains(page, "Tick the box to confirm")
        self.post({"action": "stop", "confirm": "on"})
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.STOPPED)
        self.assertFalse(self.plan.appointments.filter(status__in=Appointment.OPEN).exists())

    def test_bad_input_changes_nothing(self):
        self.login(self.client_user)
        for data in ({}, {"action": "explode"}, {"action": "resume"}):
            with self.subTest(data=data):
                self.assertEqual(self.post(data).status_code, 302)
                self.plan.refresh_from_db()
                self.assertEqual(self.plan.status, PlanStatus.ACTIVE)

    def test_another_client_cannot_touch_the_plan(self):
        self.login(self.other_client_user)
        self.assertEqual(self.post({"action": "pause"}).status_code, 404)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.ACTIVE)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_renewals_at_once_book_the_next_visit_once():
    """Two runs at once book the next visit once (the plan row lock; the constraints behind it)."""
    for role in Role:
        Group.objects.get_or_create(name=role)
    Technique.objects.get_or_create(code="swedish", defaults={"name": "Swedish massage"})
    location = make_location()
    room = Room.objects.create(location=location, name="Room 1")
    service = make_service()
    therapist = make_therapist("ava@example.com", location=location, hours=weekday_hours())
    client = make_client("runner@example.com").client_profile
    with time_machine.travel(at(week(0), 8), tick=False):
        make_intake(client, pain_now=4, onset=date(2025, 6, 1))
    plan = TreatmentPlan.objects.create(
        client=client,
        therapist=therapist,
        kind="maintenance",
        interval_weeks=2,
        technique=service.technique,
        service=service,
        status=PlanStatus.ACTIVE,
        starts_on=D0,
    )
    for index, n in enumerate([0, 2, 4]):
        make_appointment(
            client, therapist, service, room, at(week(n)), plan=plan, plan_sequence=index + 1
        )
    now = at(week(0), 12)
    barrier = threading.Barrier(2)
    booked = []

    def run():
        try:
            barrier.wait()
            booked.append(len(maintenance.renew_plan(plan, now=now).booked))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(booked) == [0, 1]
    assert plan.appointments.count() == 4
