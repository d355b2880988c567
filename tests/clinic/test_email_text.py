"""Plain-text e-mail parts (subjects and bodies) show names as typed, not HTML entities."""

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bookings import notifications
from intake.models import Review
from intake.tasks import send_decision_email
from tests.base import ClinicTestCase, make_client, make_service
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

ODD_CLINIC_NAME = "O'Brien & Co <Clinic>"


@override_settings(CLINIC_NAME=ODD_CLINIC_NAME, SITE_URL="https://clinic.example")
@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class PlainTextEmailTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.obrien = make_client(
            "obrien@example.com", first_name="Seán & Co", last_name="O'Brien"
        ).client_profile
        cls.service = make_service("Hot stones & oils")
        cls.appointment = make_appointment(
            cls.obrien, cls.therapist, cls.service, cls.room, utc(2026, 3, 2, 10, 0)
        )

    def assert_plain(self, text):
        for entity in ("&amp;", "&#x27;", "&#39;", "&lt;", "&quot;"):
            self.assertNotIn(entity, text)

    def test_the_booking_e_mail_shows_the_service_and_client_as_typed(self):
        message = notifications.deliver_appointment_message(self.appointment, "booked")
        self.assertEqual(message.subject, "Your Hot stones & oils on Monday 2 March is booked")
        self.assertIn("Hello Seán & Co,", message.body)
        self.assert_plain(message.subject + message.body)

    def test_the_reminder_subject_shows_the_service_as_typed(self):
        message = notifications.deliver_reminder(self.appointment)
        self.assertEqual(
            message.subject, "Reminder: your Hot stones & oils on Monday 2 March, 10:00"
        )
        self.assert_plain(message.subject + message.body)

    def test_the_therapist_notice_names_the_client_as_typed(self):
        message = notifications.deliver_therapist_notice(self.appointment, "call")
        self.assertEqual(
            message.subject, "Please phone Seán & Co O. before the visit on Mon 2 Mar, 10:00"
        )
        self.assert_plain(message.subject + message.body)

    def test_the_decision_e_mail_shows_the_clinic_name_as_typed(self):
        intake = make_intake(self.obrien)
        review = Review.objects.create(intake=intake, decision="cleared")
        send_decision_email.call(review.pk)
        [message] = mail.outbox
        self.assertEqual(
            message.subject, f"{ODD_CLINIC_NAME}: a therapist has read your health form"
        )
        self.assert_plain(message.subject + message.body)

    def test_the_password_reset_e_mail_shows_the_clinic_name_as_typed(self):
        self.client.post(reverse("password_reset"), {"email": "obrien@example.com"})
        [message] = mail.outbox
        self.assertEqual(message.subject, f"Reset your password at {ODD_CLINIC_NAME}")
        self.assertIn(f"at {ODD_CLINIC_NAME}.", message.body)
        self.assert_plain(message.subject + message.body)
