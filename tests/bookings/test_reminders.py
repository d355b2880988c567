"""Reminders: sent once inside the window before the visit, caught up after a gap."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django_tasks import default_task_backend

from bookings import notifications, outbox
from bookings.models import Appointment
from bookings.tasks import (
    claim_reminder,
    remind,
    send_reminder,
    sweep_reminders,
)
from clinic.models import ClientProfile, Room
from tests.base import ClinicTestCase, make_client, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc

TUESDAY_10 = utc(2026, 3, 3, 10, 0)
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@override_settings(SITE_URL="https://clinic.example")
class ReminderTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist("ava@example.com", location=cls.location, first_name="Ava")

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.ava, self.service, self.room, TUESDAY_10
        )

    def sweep_at(self, when):
        with time_machine.travel(when, tick=False):
            return sweep_reminders()

    def test_the_sweep_sends_a_due_reminder_once(self):
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 11, 0)), 1)
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 11, 5)), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.reminder_sent_at, utc(2026, 3, 2, 11, 0))

    def test_the_reminder_asks_about_changes_and_links_the_check_in(self):
        self.sweep_at(utc(2026, 3, 2, 11, 0))
        [message] = mail.outbox
        self.assertEqual(message.to, ["client@example.com"])
        self.assertEqual(
            message.subject, "Reminder: your Swedish massage on Tuesday 3 March, 10:00"
        )
        self.assertIn("Has anything changed in your health", message.body)
        link = f"https://clinic.example/bookings/checkin/{self.appointment.checkin_token}/"
        self.assertIn(link, message.body)
        self.assertIn(link, message.alternatives[0][0])

    def test_nothing_is_sent_before_the_window_opens(self):
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 9, 59)), 0)
        self.assertEqual(mail.outbox, [])

    def test_a_sweep_after_a_gap_catches_up_on_a_missed_reminder(self):
        # No worker ran from 10:00 on Monday (the reminder's time) until 21:30.
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 21, 30)), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_visit_that_has_started_gets_no_late_reminder(self):
        self.assertEqual(self.sweep_at(utc(2026, 3, 3, 10, 0)), 0)
        self.assertEqual(mail.outbox, [])

    @override_settings(BOOKINGS_REMINDER_HOURS=48)
    def test_the_window_follows_the_setting(self):
        self.assertEqual(self.sweep_at(utc(2026, 3, 1, 11, 0)), 1)

    def test_a_cancelled_visit_gets_no_reminder(self):
        self.appointment.cancel(by=self.client_user)
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 11, 0)), 0)
        with time_machine.travel(utc(2026, 3, 2, 11, 0), tick=False):
            self.assertFalse(send_reminder.call(self.appointment.pk))
        self.assertEqual(mail.outbox, [])

    def test_a_reminder_meant_for_the_old_time_of_a_moved_visit_is_dropped(self):
        new_start = TUESDAY_10 + timedelta(days=2)
        Appointment.objects.filter(pk=self.appointment.pk).update(
            start=new_start,
            end=new_start + timedelta(hours=1),
            blocked_until=new_start + timedelta(minutes=75),
        )
        with time_machine.travel(utc(2026, 3, 2, 11, 0), tick=False):
            self.assertFalse(send_reminder.call(self.appointment.pk, start=TUESDAY_10.isoformat()))
            self.assertEqual(sweep_reminders(), 0)
        self.assertEqual(mail.outbox, [])
        # The new time gets its own reminder the day before it.
        self.assertEqual(self.sweep_at(utc(2026, 3, 4, 11, 0)), 1)

    def test_clients_with_reminders_off_get_none(self):
        ClientProfile.objects.filter(pk=self.client_profile.pk).update(reminders=False)
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 11, 0)), 0)
        with time_machine.travel(utc(2026, 3, 2, 11, 0), tick=False):
            self.assertFalse(send_reminder.call(self.appointment.pk))
        self.assertEqual(mail.outbox, [])

    def test_clients_without_an_address_get_none(self):
        walk_in = ClientProfile.objects.create(
            first_name="Walter", last_name="Walkin", phone="020 7946 0999"
        )
        appointment = make_appointment(
            walk_in, self.ava, self.service, self.room, TUESDAY_10 + timedelta(hours=2)
        )
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 11, 0)), 1)
        self.assertEqual(mail.outbox[0].to, ["client@example.com"])
        appointment.refresh_from_db()
        self.assertIsNone(appointment.reminder_sent_at)

    def test_a_claim_succeeds_once(self):
        now = utc(2026, 3, 2, 11, 0)
        self.assertTrue(claim_reminder(self.appointment.pk, TUESDAY_10, now))
        self.assertFalse(claim_reminder(self.appointment.pk, TUESDAY_10, now))

    def test_a_claim_for_another_start_fails(self):
        now = utc(2026, 3, 2, 11, 0)
        self.assertFalse(claim_reminder(self.appointment.pk, TUESDAY_10 + timedelta(hours=1), now))

    def test_two_workers_running_the_same_reminder_send_it_once(self):
        with time_machine.travel(utc(2026, 3, 2, 11, 0), tick=False):
            first = send_reminder.call(self.appointment.pk, start=TUESDAY_10.isoformat())
            second = send_reminder.call(self.appointment.pk, start=TUESDAY_10.isoformat())
        self.assertEqual((first, second), (True, False))
        self.assertEqual(len(mail.outbox), 1)

    def test_a_failed_send_gives_the_claim_back_for_the_next_sweep(self):
        original = notifications.deliver_reminder

        def broken(appointment):
            raise ConnectionError("mail server down")

        notifications.deliver_reminder = broken
        try:
            with time_machine.travel(utc(2026, 3, 2, 11, 0), tick=False):
                self.assertEqual(sweep_reminders(), 0)
        finally:
            notifications.deliver_reminder = original
        self.appointment.refresh_from_db()
        self.assertIsNone(self.appointment.reminder_sent_at)
        self.assertEqual(self.sweep_at(utc(2026, 3, 2, 11, 5)), 1)

    def test_the_command_sweeps_and_says_how_many_it_sent(self):
        out = StringIO()
        with time_machine.travel(utc(2026, 3, 2, 11, 0), tick=False):
            call_command("send_reminders", stdout=out)
        self.assertEqual(out.getvalue().splitlines()[0], "Sent 1 reminder.")
        self.assertEqual(len(mail.outbox), 1)

    @override_settings(TASKS=DUMMY_TASKS)
    def test_booking_plans_the_reminder_for_the_day_before_when_the_backend_can_wait(self):
        default_task_backend.clear()
        with time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False):
            outbox.schedule_reminder(self.appointment)
        [result] = default_task_backend.results
        self.assertEqual(result.task.name, "send_reminder")
        self.assertEqual(result.task.run_after, utc(2026, 3, 2, 10, 0))
        self.assertEqual(result.args, [self.appointment.pk])
        self.assertEqual(result.kwargs, {"start": TUESDAY_10.isoformat()})

    def test_with_a_backend_that_cannot_wait_the_sweep_does_the_work(self):
        # The immediate backend (tests' default) runs tasks at once: nothing to plan.
        with time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False):
            self.assertIsNone(outbox.schedule_reminder(self.appointment))
        self.assertEqual(mail.outbox, [])


@pytest.mark.postgres_only
class ParallelReminderTests(TransactionTestCase):
    """Several workers on PostgreSQL: the conditional UPDATE lets exactly one send."""

    def setUp(self):
        location = make_location()
        room = Room.objects.create(location=location, name="Room 1")
        client = make_client("parallel@example.com").client_profile
        therapist = make_therapist("ava@example.com", location=location)
        service = make_service()
        self.appointment = make_appointment(client, therapist, service, room, TUESDAY_10)

    def test_workers_racing_for_one_reminder_send_it_exactly_once(self):
        workers = 6
        barrier = threading.Barrier(workers)
        results = []

        def worker():
            try:
                barrier.wait()
                results.append(remind(self.appointment.pk, now=utc(2026, 3, 2, 11, 0)))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results), [False] * (workers - 1) + [True])
        self.assertEqual(len(mail.outbox), 1)
