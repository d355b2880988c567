"""The calendar files attached to clients' e-mails (RFC 5545 through icalendar)."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from icalendar import Calendar

from bookings import appointments, calendars
from bookings.models import Appointment
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake


def parse(data):
    calendar = Calendar.from_ical(data)
    return calendar, calendar.walk("VEVENT")


@override_settings(SITE_URL="https://clinic.example")
@time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False)
class ClientInvitationTests(ClinicTestCase):
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

    def book(self):
        return appointments.book_appointment(
            client=self.client_profile,
            therapist=self.ava,
            service=self.service,
            start=utc(2026, 3, 2, 10, 0),
            by=self.client_user,
        )

    def test_a_booking_is_a_request_for_one_event_in_utc(self):
        appointment = self.book()
        calendar, events = parse(calendars.client_invitation(appointment))
        self.assertEqual(calendar["METHOD"], "REQUEST")
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertEqual(str(event["UID"]), f"appointment-{appointment.pk}@clinic.example")
        self.assertEqual(event.decoded("DTSTART"), utc(2026, 3, 2, 10, 0))
        self.assertEqual(event.decoded("DTEND"), utc(2026, 3, 2, 11, 0))
        self.assertIn(b"DTSTART:20260302T100000Z", calendars.client_invitation(appointment))
        self.assertEqual(str(event["SUMMARY"]), "Swedish massage with Ava Stone")
        self.assertEqual(str(event["LOCATION"]), "Test Clinic, 1 Test Street")
        self.assertIn(f"/bookings/appointments/{appointment.pk}/", str(event["DESCRIPTION"]))
        self.assertEqual(event["SEQUENCE"], 0)
        self.assertEqual(str(event["STATUS"]), "CONFIRMED")

    def test_summer_time_visits_are_still_written_in_utc(self):
        appointment = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 7, 6, 9, 0)
        )
        # 10:00 in London in July is 09:00 UTC.
        self.assertIn(b"DTSTART:20260706T090000Z", calendars.client_invitation(appointment))

    def test_a_reschedule_keeps_the_uid_and_raises_the_sequence(self):
        appointment = self.book()
        _, [before] = parse(calendars.client_invitation(appointment))
        moved = appointments.reschedule_appointment(
            appointment=appointment, start=utc(2026, 3, 3, 14, 0), by=self.client_user
        )
        _, [after] = parse(calendars.client_invitation(moved))
        self.assertEqual(after["UID"], before["UID"])
        self.assertGreater(after["SEQUENCE"], before["SEQUENCE"])
        self.assertEqual(after.decoded("DTSTART"), utc(2026, 3, 3, 14, 0))

    def test_a_cancellation_cancels_the_same_event_with_a_higher_sequence(self):
        appointment = self.book()
        _, [before] = parse(calendars.client_invitation(appointment))
        cancelled = appointments.cancel_appointment(appointment=appointment, by=self.client_user)
        calendar, [event] = parse(calendars.client_invitation(cancelled, cancelled=True))
        self.assertEqual(calendar["METHOD"], "CANCEL")
        self.assertEqual(str(event["STATUS"]), "CANCELLED")
        self.assertEqual(event["UID"], before["UID"])
        self.assertGreater(event["SEQUENCE"], before["SEQUENCE"])

    def test_a_visit_on_hold_is_tentative(self):
        appointment = make_appointment(
            self.client_profile,
            self.ava,
            self.service,
            self.room,
            utc(2026, 3, 2, 10, 0),
            status=Appointment.Status.HELD,
        )
        _, [event] = parse(calendars.client_invitation(appointment))
        self.assertEqual(str(event["STATUS"]), "TENTATIVE")

    def test_several_visits_go_in_one_file_with_their_own_uids(self):
        first = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 3, 2, 10, 0)
        )
        second = make_appointment(
            self.client_profile,
            self.ava,
            self.service,
            self.room,
            utc(2026, 3, 2, 10, 0) + timedelta(days=7),
        )
        _, events = parse(calendars.client_invitation([first, second]))
        self.assertEqual(
            [str(event["UID"]) for event in events],
            [f"appointment-{first.pk}@clinic.example", f"appointment-{second.pk}@clinic.example"],
        )
