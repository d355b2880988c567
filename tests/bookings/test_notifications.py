"""Appointment e-mails: sent by the background worker, text and HTML, with calendar files."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.test import override_settings
from django_tasks import default_task_backend
from icalendar import Calendar

from bookings import appointments, outbox
from bookings.models import Appointment, TreatmentPlan
from bookings.tasks import send_appointment_message, send_plan_message
from clinic.models import ClientProfile
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake
from tests.library.factories import make_article

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
MONDAY_10 = utc(2026, 3, 2, 10, 0)


def ics_of(message):
    [(name, content, mimetype)] = message.attachments
    return name, Calendar.from_ical(content), mimetype


@override_settings(SITE_URL="https://clinic.example")
@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class AppointmentMessageTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist(
            "ava@example.com",
            location=cls.location,
            first_name="Ava",
            last_name="Stone",
            hours=[(0, "09:00", "17:00"), (1, "09:00", "17:00")],
        )
        make_intake(cls.client_profile)

    def book(self, start=MONDAY_10):
        with self.captureOnCommitCallbacks(execute=True):
            return appointments.book_appointment(
                client=self.client_profile,
                therapist=self.ava,
                service=self.service,
                start=start,
                by=self.client_user,
            )

    def test_booking_sends_a_confirmation_with_text_html_and_a_calendar_file(self):
        appointment = self.book()
        [message] = mail.outbox
        self.assertEqual(message.to, ["client@example.com"])
        self.assertEqual(message.subject, "Your Swedish massage on Monday 2 March is booked")
        self.assertIn("Monday 2 March 2026, 10:00 to 11:00", message.body)
        self.assertIn(
            f"https://clinic.example/bookings/appointments/{appointment.pk}/", message.body
        )
        [(html, mimetype)] = message.alternatives
        self.assertEqual(mimetype, "text/html")
        self.assertIn("Monday 2 March 2026, 10:00 to 11:00", html)
        name, calendar, content_type = ics_of(message)
        self.assertEqual(name, "appointment.ics")
        self.assertEqual(content_type, "text/calendar; charset=utf-8; method=REQUEST")
        self.assertEqual(calendar["METHOD"], "REQUEST")

    def test_the_confirmation_links_the_aftercare_article_when_one_is_published(self):
        article = make_article("After your massage", tags=["aftercare"])
        self.book()
        [message] = mail.outbox
        self.assertIn("After your massage", message.body)
        self.assertIn(f"https://clinic.example/library/{article.slug}/", message.body)

    def test_without_an_aftercare_article_the_confirmation_says_nothing_of_it(self):
        self.book()
        self.assertNotIn("Before and after your massage", mail.outbox[0].body)

    @override_settings(TASKS=DUMMY_TASKS)
    def test_booking_enqueues_the_message_for_the_worker_instead_of_sending_it(self):
        default_task_backend.clear()
        appointment = self.book()
        self.assertEqual(mail.outbox, [])
        [result] = [
            r for r in default_task_backend.results if r.task.name == "send_appointment_message"
        ]
        self.assertEqual(result.args, [appointment.pk, "booked"])
        self.assertEqual(result.kwargs, {"start": "2026-03-02T10:00:00+00:00"})

    def test_a_client_who_does_not_want_e_mail_gets_none(self):
        ClientProfile.objects.filter(pk=self.client_profile.pk).update(contact_by_email=False)
        self.client_profile.refresh_from_db()
        self.book()
        self.assertEqual(mail.outbox, [])

    def test_a_client_without_an_address_gets_none(self):
        walk_in = ClientProfile.objects.create(
            first_name="Walter", last_name="Walkin", phone="020 7946 0999"
        )
        make_intake(walk_in)
        with self.captureOnCommitCallbacks(execute=True):
            appointments.book_appointment(
                client=walk_in,
                therapist=self.ava,
                service=self.service,
                start=MONDAY_10,
                by=self.front_desk_user,
            )
        self.assertEqual(mail.outbox, [])

    def test_a_reschedule_gives_the_new_and_old_times_and_an_updated_event(self):
        appointment = self.book()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            appointments.reschedule_appointment(
                appointment=appointment, start=utc(2026, 3, 3, 14, 0), by=self.client_user
            )
        [message] = mail.outbox
        self.assertEqual(message.subject, "Your appointment has moved to Tuesday 3 March, 14:00")
        self.assertIn("New time: Tuesday 3 March 2026, 14:00 to 15:00", message.body)
        self.assertIn("It was: Monday 2 March 2026, 10:00", message.body)
        _, calendar, _ = ics_of(message)
        [event] = calendar.walk("VEVENT")
        self.assertEqual(event.decoded("DTSTART"), utc(2026, 3, 3, 14, 0))
        self.assertGreaterEqual(event["SEQUENCE"], 1)

    def test_a_late_cancellation_says_so_and_cancels_the_calendar_event(self):
        appointment = self.book()
        mail.outbox.clear()
        with (
            time_machine.travel(utc(2026, 3, 1, 20, 0), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            appointments.cancel_appointment(appointment=appointment, by=self.client_user)
        [message] = mail.outbox
        self.assertEqual(message.subject, "Your appointment on Monday 2 March is cancelled")
        self.assertIn("counts as a late cancellation", message.body)
        self.assertIn("https://clinic.example/bookings/", message.body)
        _, calendar, content_type = ics_of(message)
        self.assertEqual(content_type, "text/calendar; charset=utf-8; method=CANCEL")
        self.assertEqual(calendar["METHOD"], "CANCEL")
        self.assertEqual(str(calendar.walk("VEVENT")[0]["STATUS"]), "CANCELLED")

    def test_a_confirmation_for_a_time_the_appointment_has_left_is_not_sent(self):
        appointment = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 3, 3, 14, 0)
        )
        sent = send_appointment_message.call(appointment.pk, "booked", start=MONDAY_10.isoformat())
        self.assertFalse(sent)
        self.assertEqual(mail.outbox, [])

    def test_a_confirmation_for_a_cancelled_appointment_is_not_sent(self):
        appointment = make_appointment(
            self.client_profile,
            self.ava,
            self.service,
            self.room,
            MONDAY_10,
            status=Appointment.Status.CANCELLED,
        )
        self.assertFalse(send_appointment_message.call(appointment.pk, "booked"))
        self.assertEqual(mail.outbox, [])

    def test_a_message_for_a_deleted_appointment_is_dropped(self):
        self.assertFalse(send_appointment_message.call(999999, "booked"))

    def test_a_plan_confirmation_lists_every_visit_in_one_calendar_file(self):
        plan_appointments = [
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
        Appointment.objects.filter(pk__in=[a.pk for a in plan_appointments]).update(plan=plan)
        self.assertTrue(outbox.plan_booked(plan))
        [message] = mail.outbox
        self.assertEqual(message.subject, "Your treatment plan is booked: 3 visits")
        self.assertIn("Mon 2 Mar 2026, 10:00: session 1 with Ava Stone", message.body)
        self.assertIn("Mon 16 Mar 2026, 10:00: session 3 with Ava Stone", message.body)
        _, calendar, _ = ics_of(message)
        self.assertEqual(len(calendar.walk("VEVENT")), 3)
        self.assertTrue(send_plan_message.call(plan.pk))

    def test_a_plan_message_for_a_deleted_plan_is_dropped(self):
        self.assertFalse(send_plan_message.call(999999))
