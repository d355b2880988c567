"""After each visit: the message 24 to 48 hours later, sent once, and what each reply does."""

import threading
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django_tasks import default_task_backend

from bookings import aftercare, appointments, outbox
from bookings.models import AftercareAnswer, AftercareCheck, Appointment, Visit
from bookings.tasks import send_aftercare, sweep_aftercare
from clinic.models import ClientProfile, Room
from intake.models import HealthDataAccess
from tests.base import ClinicTestCase, make_client, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc

TUESDAY_10 = utc(2026, 3, 3, 10, 0)  # a 60-minute session: it ends at 11:00 UTC (GMT)
ENDS = TUESDAY_10 + timedelta(hours=1)
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def make_visit(appointment, by=None):
    appointment.status = Appointment.Status.COMPLETED
    appointment.save(update_fields=["status"])
    return Visit.objects.create(appointment=appointment, pain_score=4, recorded_by=by)


class AftercareResultTests(SimpleTestCase):
    def test_feeling_better_and_normal_soreness_are_expected(self):
        for answer in (AftercareAnswer.BETTER, AftercareAnswer.SORENESS):
            result = aftercare.aftercare_result(answer)
            self.assertTrue(result.expected)
            self.assertFalse(result.concern or result.urgent)

    def test_much_worse_or_lasting_pain_is_a_concern_not_urgent(self):
        for answer in (AftercareAnswer.WORSE, AftercareAnswer.LASTING):
            result = aftercare.aftercare_result(answer)
            self.assertTrue(result.concern)
            self.assertFalse(result.urgent)

    def test_a_red_flag_is_urgent_and_a_concern(self):
        result = aftercare.aftercare_result(AftercareAnswer.RED_FLAG)
        self.assertTrue(result.urgent and result.concern)

    def test_an_unknown_answer_is_an_error(self):
        with self.assertRaises(ValueError):
            aftercare.aftercare_result("fine-ish")


@override_settings(SITE_URL="https://clinic.example")
class AftercareCase(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, first_name="Ava", last_name="Stone"
        )
        cls.location.emergency_number = "999"
        cls.location.save()

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.ava, self.service, self.room, TUESDAY_10
        )
        self.client_profile.care_team.add(self.ava)

    def sweep_at(self, when):
        with time_machine.travel(when, tick=False):
            return sweep_aftercare()


class SendingTests(AftercareCase):
    def test_sent_24_hours_after_the_session_and_only_once(self):
        make_visit(self.appointment)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=23, minutes=59)), 0)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=24)), 1)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=25)), 0)
        self.assertEqual(send_aftercare(self.appointment.pk, now=ENDS + timedelta(hours=26)), False)
        [message] = mail.outbox
        check = AftercareCheck.objects.get(appointment=self.appointment)
        self.assertEqual(check.sent_at, ENDS + timedelta(hours=24))
        self.assertEqual(message.to, ["client@example.com"])
        self.assertEqual(
            message.subject, "How are you feeling after your visit on Tuesday 3 March?"
        )
        link = f"https://clinic.example{reverse('bookings:aftercare', args=[check.token])}"
        self.assertIn(link, message.body)
        self.assertIn(link, message.alternatives[0][0])

    def test_not_sent_once_48_hours_have_passed(self):
        make_visit(self.appointment)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=48)), 0)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=47, minutes=59)), 1)

    def test_the_window_counts_real_hours_across_the_autumn_clock_change(self):
        # Saturday 24 October 2026, 16:00-17:00 BST; clocks go back on Sunday at 02:00.
        visit = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 10, 24, 15, 0)
        )
        make_visit(visit)
        # 24 hours after 17:00 BST is 16:00 GMT on Sunday, not 17:00 by the wall clock.
        self.assertEqual(self.sweep_at(utc(2026, 10, 25, 15, 59)), 0)
        self.assertEqual(self.sweep_at(utc(2026, 10, 25, 16, 0)), 1)

    def test_the_window_counts_real_hours_across_the_spring_clock_change(self):
        # Saturday 28 March 2026, 15:00-16:00 GMT; clocks go forward on Sunday at 01:00.
        visit = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 3, 28, 15, 0)
        )
        make_visit(visit)
        # 24 hours later is 17:00 BST on Sunday (16:00 UTC).
        self.assertEqual(self.sweep_at(utc(2026, 3, 29, 15, 59)), 0)
        self.assertEqual(self.sweep_at(utc(2026, 3, 29, 16, 0)), 1)
        self.assertEqual(self.sweep_at(utc(2026, 3, 30, 15, 59)), 0)  # sent already

    def test_only_a_recorded_visit_gets_one(self):
        # Booked and never recorded, or cancelled: nothing to ask about.
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=24)), 0)
        self.appointment.cancel(by=self.front_desk_user)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=24)), 0)
        self.assertFalse(AftercareCheck.objects.exists())

    def test_only_to_a_confirmed_address(self):
        walk_in = ClientProfile.objects.create(
            first_name="Wally", last_name="Walkin", email="wally@example.com", phone="020 7946 0999"
        )
        visit = make_appointment(
            walk_in, self.ava, self.service, self.room, TUESDAY_10 + timedelta(hours=2)
        )
        make_visit(visit)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=27)), 0)
        walk_in.email_confirmed = "wally@example.com"
        walk_in.save(update_fields=["email_confirmed"])
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=27)), 1)
        self.assertEqual(mail.outbox[0].to, ["wally@example.com"])

    def test_not_to_a_client_who_wants_no_e_mail(self):
        self.client_profile.contact_by_email = False
        self.client_profile.save(update_fields=["contact_by_email"])
        make_visit(self.appointment)
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=24)), 0)
        self.assertFalse(send_aftercare(self.appointment.pk, now=ENDS + timedelta(hours=24)))

    def test_a_claim_already_made_elsewhere_is_not_sent_again(self):
        make_visit(self.appointment)
        AftercareCheck.objects.create(appointment=self.appointment, sent_at=ENDS)
        self.assertFalse(send_aftercare(self.appointment.pk, now=ENDS + timedelta(hours=24)))
        self.assertEqual(mail.outbox, [])

    def test_a_failed_send_gives_the_claim_back_for_the_next_sweep(self):
        make_visit(self.appointment)
        with mock.patch(
            "bookings.notifications.deliver_aftercare", side_effect=OSError("mail server down")
        ):
            self.assertEqual(self.sweep_at(ENDS + timedelta(hours=24)), 0)
        self.assertFalse(AftercareCheck.objects.exists())
        self.assertEqual(self.sweep_at(ENDS + timedelta(hours=25)), 1)

    def test_the_reminders_command_catches_up_after_visit_messages_too(self):
        make_visit(self.appointment)
        out = StringIO()
        with time_machine.travel(ENDS + timedelta(hours=30), tick=False):
            call_command("send_reminders", stdout=out)
        self.assertIn("Sent 1 after-visit message.", out.getvalue())
        self.assertEqual(len(mail.outbox), 1)

    def test_recording_a_visit_late_sends_the_message_at_once(self):
        with (
            time_machine.travel(ENDS + timedelta(hours=30), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            appointments.record_visit(appointment=self.appointment, by=self.ava.user, pain_score=3)
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(AftercareCheck.objects.filter(appointment=self.appointment).exists())

    @override_settings(TASKS=DUMMY_TASKS)
    def test_recording_a_visit_plans_the_message_for_24_hours_after_the_session(self):
        default_task_backend.clear()
        with (
            time_machine.travel(ENDS + timedelta(minutes=5), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            appointments.record_visit(appointment=self.appointment, by=self.ava.user, pain_score=3)
        [result] = default_task_backend.results
        self.assertEqual(result.task.name, "send_aftercare_message")
        self.assertEqual(result.task.run_after, ENDS + timedelta(hours=24))
        self.assertEqual(result.args, [self.appointment.pk])

    def test_no_message_is_planned_for_a_client_without_a_confirmed_address(self):
        self.client_profile.email = "new@example.com"  # changed, not confirmed
        self.client_profile.save(update_fields=["email"])
        self.client_user.email = ""
        self.client_user.save(update_fields=["email"])
        self.assertIsNone(outbox.visit_recorded(self.appointment))


class ReplyTests(AftercareCase):
    def setUp(self):
        super().setUp()
        make_visit(self.appointment)
        self.sweep_at(ENDS + timedelta(hours=24))
        mail.outbox.clear()
        self.check = AftercareCheck.objects.get(appointment=self.appointment)
        self.url = reverse("bookings:aftercare", args=[self.check.token])
        self.traveller = time_machine.travel(ENDS + timedelta(hours=26), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def reply(self, answer, note=""):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {"answer": answer, "note": note})

    def test_the_page_asks_without_logging_in_and_lists_the_warning_signs(self):
        response = self.client.get(self.url)
        self.assertContains(response, "How do you feel since your visit?")
        self.assertContains(response, "My pain has lasted more than 48 hours since the session")
        self.assertContains(response, "new trouble passing urine")
        self.assertEqual(response["Cache-Control"], "no-store, private")

    def test_feeling_better_reassures_and_tells_nobody(self):
        response = self.reply("better")
        self.assertContains(response, "Good to hear")
        self.check.refresh_from_db()
        self.assertEqual(self.check.answer, "better")
        self.assertIsNone(self.check.therapist_told_at)
        self.assertEqual(mail.outbox, [])

    def test_normal_soreness_is_expected_with_aftercare_advice(self):
        response = self.reply("soreness")
        self.assertContains(response, "Some soreness is normal")
        self.assertContains(response, "usually fades by itself within 48 hours")
        self.assertContains(response, "Drink some water")
        self.assertEqual(mail.outbox, [])

    def _assert_therapist_told(self):
        [message] = mail.outbox
        self.assertEqual(message.to, ["ava@example.com"])
        self.assertIn("Please contact Ann C.", message.subject)
        for text in (message.body, message.alternatives[0][0]):
            self.assertIn("the reply needs you", text)
            for detail in ("worse", "48 hours", "urgent", "Knees gave way", "warning"):
                self.assertNotIn(detail, text)
        self.check.refresh_from_db()
        self.assertEqual(self.check.therapist_told_at, ENDS + timedelta(hours=26))

    def test_much_worse_pain_says_what_to_do_and_tells_the_therapist(self):
        response = self.reply("worse", "Knees gave way")
        self.assertContains(response, "What to do now")
        self.assertContains(response, "please see a doctor")
        self.assertContains(
            response,
            'Call us on <strong><a href="tel:02079460001">020 7946 0001</a></strong>',
            html=False,
        )
        self.assertNotContains(response, "Please get urgent medical care today.")
        self._assert_therapist_told()

    def test_pain_lasting_past_48_hours_says_what_to_do_and_tells_the_therapist(self):
        response = self.reply("lasting")
        self.assertContains(response, 'data-aftercare="concern"', html=False)
        self._assert_therapist_told()

    def test_a_red_flag_sends_the_client_to_urgent_care_and_tells_the_therapist(self):
        response = self.reply("red_flag")
        self.assertContains(response, "Please get medical care now")
        self.assertContains(response, "Please get urgent medical care today.")
        self.assertContains(response, 'call <a href="tel:999"><strong>999</strong></a>', html=False)
        self._assert_therapist_told()

    def test_the_same_concern_twice_tells_the_therapist_once_a_new_one_again(self):
        self.reply("worse")
        self.reply("worse")
        self.assertEqual(len(mail.outbox), 1)
        self.reply("red_flag")
        self.assertEqual(len(mail.outbox), 2)

    def test_the_reply_is_logged_without_a_user(self):
        self.reply("soreness")
        log = HealthDataAccess.objects.get(detail="after-visit reply")
        self.assertEqual((log.client, log.user, log.action), (self.client_profile, None, "change"))

    def test_no_answer_or_a_made_up_one_gets_a_message_and_changes_nothing(self):
        response = self.client.post(self.url, {})
        self.assertContains(response, "Please choose the answer that fits best.", status_code=400)
        response = self.client.post(self.url, {"answer": "fine-ish"})
        self.assertContains(response, "Please choose one of the answers listed.", status_code=400)
        self.check.refresh_from_db()
        self.assertEqual((self.check.answer, self.check.answered_at), ("", None))

    def test_the_page_never_shows_an_earlier_reply(self):
        self.reply("worse", "Knees gave way")
        response = self.client.get(self.url)
        self.assertContains(response, "we have your reply from")
        self.assertNotContains(response, "Knees gave way")
        self.assertNotContains(response, 'checked value="worse"', html=False)

    def test_the_link_closes_a_week_after_the_visit(self):
        with time_machine.travel(ENDS + timedelta(days=7), tick=False):
            response = self.reply("worse")
        self.assertContains(response, "This link has closed.")
        self.check.refresh_from_db()
        self.assertEqual(self.check.answer, "")
        self.assertEqual(mail.outbox, [])

    def test_other_tokens_do_not_open_this_reply(self):
        for token in (self.appointment.checkin_token, "not-a-real-token"):
            url = reverse("bookings:aftercare", args=[token])
            self.assertEqual(self.client.post(url, {"answer": "worse"}).status_code, 404)
        self.check.refresh_from_db()
        self.assertEqual(self.check.answer, "")

    def test_another_visits_token_answers_for_that_visit_only(self):
        other = make_appointment(
            self.other_client_profile,
            self.ava,
            self.service,
            self.room,
            TUESDAY_10 + timedelta(hours=2),
        )
        other_check = AftercareCheck.objects.create(appointment=other, sent_at=ENDS)
        self.client.post(
            reverse("bookings:aftercare", args=[other_check.token]), {"answer": "worse"}
        )
        self.check.refresh_from_db()
        other_check.refresh_from_db()
        self.assertEqual((self.check.answer, other_check.answer), ("", "worse"))

    def test_the_therapist_sees_the_reply_on_the_visit_and_on_their_day(self):
        self.reply("worse", "Knees gave way")
        self.login(self.ava.user)
        detail = self.client.get(reverse("bookings:appointment_detail", args=[self.appointment.pk]))
        self.assertContains(detail, "My pain is much worse than before the session")
        self.assertContains(detail, "In their words: Knees gave way")
        self.assertContains(detail, "Needs the therapist")
        today = self.client.get(reverse("therapist_today"))
        self.assertContains(today, "After-visit replies that need you")
        self.assertContains(today, "Ann Client, visit of 3 Mar")
        self.assertNotContains(today, "much worse")

    def test_front_desk_never_sees_the_reply(self):
        self.reply("red_flag", "Knees gave way")
        self.login(self.front_desk_user)
        detail = self.client.get(reverse("bookings:appointment_detail", args=[self.appointment.pk]))
        self.assertEqual(detail.status_code, 200)
        for text in ("Knees gave way", "warning signs", "After the visit", "Needs the therapist"):
            self.assertNotContains(detail, text)


@pytest.mark.postgres_only
class ParallelAftercareTests(TransactionTestCase):
    """Several workers on PostgreSQL: the unique row lets exactly one send."""

    def setUp(self):
        location = make_location()
        room = Room.objects.create(location=location, name="Room 1")
        client = make_client("parallel@example.com").client_profile
        therapist = make_therapist("ava@example.com", location=location)
        service = make_service()
        self.appointment = make_appointment(client, therapist, service, room, TUESDAY_10)
        make_visit(self.appointment)

    def test_workers_racing_for_one_message_send_it_exactly_once(self):
        workers = 6
        barrier = threading.Barrier(workers)
        results = []

        def worker():
            try:
                barrier.wait()
                results.append(send_aftercare(self.appointment.pk, now=ENDS + timedelta(hours=24)))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results), [False] * (workers - 1) + [True])
        self.assertEqual(len(mail.outbox), 1)
