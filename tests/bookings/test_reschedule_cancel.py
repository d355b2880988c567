from datetime import UTC

import time_machine

from bookings.appointments import cancel_appointment, mark_no_show, reschedule_appointment
from bookings.availability import free_slots
from bookings.errors import BookingError, SlotTaken
from bookings.models import Appointment
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake

START = utc(2026, 3, 10, 10, 0)  # Tuesday; the 24-hour cut-off is Monday 10:00


class RescheduleAndCancelTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())
        with time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False):
            make_intake(cls.client_profile)

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.ava, self.service, self.room, START
        )

    def test_a_client_moves_an_appointment_before_the_cutoff(self):
        with time_machine.travel(utc(2026, 3, 9, 9, 59), tick=False):
            moved = reschedule_appointment(
                appointment=self.appointment, start=utc(2026, 3, 10, 10, 30), by=self.client_user
            )
        self.assertEqual(moved.start, utc(2026, 3, 10, 10, 30))
        self.assertEqual(moved.blocked_until, utc(2026, 3, 10, 11, 45))

    def test_a_client_cannot_move_an_appointment_after_the_cutoff(self):
        with (
            time_machine.travel(utc(2026, 3, 9, 10, 0), tick=False),
            self.assertRaises(BookingError) as raised,
        ):
            reschedule_appointment(
                appointment=self.appointment, start=utc(2026, 3, 11, 10, 0), by=self.client_user
            )
        self.assertEqual(raised.exception.code, "too_late")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.start, START)

    @time_machine.travel(utc(2026, 3, 10, 8, 0), tick=False)
    def test_front_desk_moves_after_the_cutoff_with_a_reason(self):
        new_start = utc(2026, 3, 10, 14, 0)
        with self.assertRaises(BookingError) as raised:
            reschedule_appointment(
                appointment=self.appointment, start=new_start, by=self.front_desk_user
            )
        self.assertEqual(raised.exception.code, "reason_required")
        moved = reschedule_appointment(
            appointment=self.appointment,
            start=new_start,
            by=self.front_desk_user,
            reason="Client phoned: stuck at work.",
        )
        self.assertEqual(moved.start, new_start)

    def test_moving_onto_a_taken_time_is_refused(self):
        make_appointment(
            self.other_client_profile, self.ava, self.service, self.room, utc(2026, 3, 11, 10, 0)
        )
        with (
            time_machine.travel(utc(2026, 3, 2, 8, 0), tick=False),
            self.assertRaises(SlotTaken),
        ):
            reschedule_appointment(
                appointment=self.appointment, start=utc(2026, 3, 11, 10, 0), by=self.client_user
            )

    def test_a_client_cancels_before_the_cutoff_without_it_being_late(self):
        with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
            cancel_appointment(appointment=self.appointment, by=self.client_user)
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.CANCELLED)
        self.assertEqual(self.appointment.cancelled_at, utc(2026, 3, 9, 9, 0))

    def test_a_client_cancelling_after_the_cutoff_is_marked_late(self):
        with time_machine.travel(utc(2026, 3, 9, 12, 0), tick=False):
            cancel_appointment(appointment=self.appointment, by=self.client_user)
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.LATE_CANCELLED)

    @time_machine.travel(utc(2026, 3, 10, 9, 0), tick=False)
    def test_staff_must_give_a_reason_to_cancel(self):
        with self.assertRaises(BookingError) as raised:
            cancel_appointment(appointment=self.appointment, by=self.therapist_user)
        self.assertEqual(raised.exception.code, "reason_required")
        cancel_appointment(appointment=self.appointment, by=self.therapist_user, reason="Ill.")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.CANCELLED)

    def test_cancelled_time_is_free_at_once(self):
        with time_machine.travel(utc(2026, 3, 2, 8, 0), tick=False):
            day = START.date()
            before = free_slots(self.ava, self.service, start=day, end=day)
            cancel_appointment(appointment=self.appointment, by=self.client_user)
            after = free_slots(self.ava, self.service, start=day, end=day)
        self.assertNotIn(START, [s.astimezone(UTC) for s in before])
        self.assertIn(START, [s.astimezone(UTC) for s in after])

    def test_a_no_show_can_be_marked_only_after_the_start(self):
        with (
            time_machine.travel(utc(2026, 3, 10, 9, 59), tick=False),
            self.assertRaises(BookingError),
        ):
            mark_no_show(appointment=self.appointment, by=self.front_desk_user)
        with time_machine.travel(utc(2026, 3, 10, 10, 20), tick=False):
            mark_no_show(appointment=self.appointment, by=self.front_desk_user)
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.NO_SHOW)
