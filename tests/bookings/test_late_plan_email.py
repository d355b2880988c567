"""A late "plan booked" e-mail says what was booked then, not what changed since."""

import json
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import override_settings
from django_tasks import default_task_backend

from bookings import outbox
from bookings.models import Appointment, TreatmentPlan
from bookings.tasks import send_plan_message
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
MONDAY_10 = utc(2026, 3, 2, 10, 0)


@override_settings(SITE_URL="https://clinic.example")
@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class LatePlanEmailTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, first_name="Ava", last_name="Stone"
        )
        make_intake(cls.client_profile)

    def make_plan(self):
        visits = [
            make_appointment(
                self.client_profile,
                self.ava,
                self.service,
                self.room,
                MONDAY_10 + timedelta(days=7 * week),
                plan_sequence=week + 1,
            )
            for week in range(3)
        ]
        plan = TreatmentPlan.objects.create(
            client=self.client_profile,
            kind="acute",
            sessions_per_week=1,
            weeks=3,
            technique=self.service.technique,
            service=self.service,
            status="active",
        )
        Appointment.objects.filter(pk__in=[a.pk for a in visits]).update(plan=plan)
        return plan, visits

    @override_settings(TASKS=DUMMY_TASKS)
    def test_the_visits_are_passed_to_the_task_when_it_is_enqueued(self):
        default_task_backend.clear()
        plan, visits = self.make_plan()
        self.assertTrue(outbox.plan_booked(plan))
        [result] = [r for r in default_task_backend.results if r.task.name == "send_plan_message"]
        passed = result.kwargs["visits"]
        json.dumps(passed)  # plain data: the database worker stores it as JSON
        self.assertEqual([v["id"] for v in passed], [a.pk for a in visits])
        self.assertEqual(passed[0]["therapist"], "Ava Stone")

    @override_settings(TASKS=DUMMY_TASKS)
    def test_a_late_e_mail_lists_the_visits_as_booked_with_only_open_ones_in_the_calendar(self):
        default_task_backend.clear()
        plan, visits = self.make_plan()
        outbox.plan_booked(plan)
        [result] = [r for r in default_task_backend.results if r.task.name == "send_plan_message"]
        # Before the worker gets to it, the client cancels one visit and moves another.
        Appointment.objects.filter(pk=visits[2].pk).update(status=Appointment.Status.CANCELLED)
        later = timedelta(hours=3)
        Appointment.objects.filter(pk=visits[1].pk).update(
            start=visits[1].start + later,
            end=visits[1].end + later,
            blocked_until=visits[1].blocked_until + later,
        )

        self.assertTrue(send_plan_message.call(*result.args, **result.kwargs))

        [message] = mail.outbox
        self.assertEqual(message.subject, "Your treatment plan is booked: 3 visits")
        self.assertIn("Mon 9 Mar 2026, 10:00: session 2 with Ava Stone", message.body)
        self.assertIn("Mon 16 Mar 2026, 10:00: session 3 with Ava Stone", message.body)
        self.assertNotIn("13:00", message.body)
        [(_, content, _)] = message.attachments
        self.assertEqual(str(content).count("BEGIN:VEVENT"), 2)  # the cancelled one is left out

    def test_nothing_is_sent_when_every_visit_was_cancelled_before_it_went(self):
        plan, visits = self.make_plan()
        from bookings.notifications import plan_visits

        passed = plan_visits(visits)
        Appointment.objects.filter(plan=plan).update(status=Appointment.Status.CANCELLED)
        self.assertFalse(send_plan_message.call(plan.pk, visits=passed))
        self.assertEqual(mail.outbox, [])
