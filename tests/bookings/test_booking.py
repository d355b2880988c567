from datetime import UTC
from unittest import mock

import time_machine

from bookings.appointments import book_appointment
from bookings.errors import NotAllowed, SlotTaken
from bookings.models import Appointment, HoldCode
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake, record_clearance

NOW = utc(2026, 3, 2, 8, 0)  # Monday morning, GMT


@time_machine.travel(NOW, tick=False)
class BookOneSessionTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())

    def book(self, client=None, start=None, by=None):
        client = client or self.client_profile
        return book_appointment(
            client=client,
            therapist=self.ava,
            service=self.service,
            start=start or utc(2026, 3, 10, 10, 0),
            by=by or client.user,
        )

    def test_a_cleared_client_books_and_the_times_are_recorded_as_booked(self):
        make_intake(self.client_profile)
        appointment = self.book()
        self.assertEqual(appointment.status, Appointment.Status.BOOKED)
        self.assertEqual(appointment.start, utc(2026, 3, 10, 10, 0))
        self.assertEqual(appointment.end, utc(2026, 3, 10, 11, 0))
        self.assertEqual(appointment.blocked_until, utc(2026, 3, 10, 11, 15))
        self.assertEqual(
            (appointment.duration_minutes, appointment.price), (60, self.service.price)
        )
        self.assertEqual(appointment.room, self.room)
        self.assertEqual(appointment.location, self.location)

    def test_booking_adds_the_therapist_to_the_clients_care_team(self):
        make_intake(self.client_profile)
        self.book()
        self.assertIn(self.ava, self.client_profile.care_team.all())

    def test_the_confirmation_hook_runs_only_after_the_transaction_commits(self):
        make_intake(self.client_profile)
        with mock.patch("bookings.outbox.appointment_booked") as hook:
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                appointment = self.book()
            hook.assert_not_called()
            for callback in callbacks:
                callback()
        hook.assert_called_once_with(appointment)

    def test_a_taken_slot_raises_slot_taken_and_writes_nothing(self):
        make_intake(self.client_profile)
        make_appointment(
            self.other_client_profile, self.ava, self.service, self.room, utc(2026, 3, 10, 10, 0)
        )
        with self.assertRaises(SlotTaken) as raised:
            self.book()
        self.assertEqual(Appointment.objects.count(), 1)
        # Taken 10:00-11:15; nothing fits before it in a 09:00 block.
        self.assertEqual(
            [start.astimezone(UTC) for start in raised.exception.alternatives()],
            [utc(2026, 3, 10, 11, 30), utc(2026, 3, 10, 12, 0), utc(2026, 3, 10, 12, 30)],
        )

    def test_a_time_outside_working_hours_is_refused(self):
        make_intake(self.client_profile)
        with self.assertRaises(SlotTaken):
            self.book(start=utc(2026, 3, 10, 18, 0))

    def test_a_client_cannot_hold_two_appointments_at_once(self):
        make_intake(self.client_profile)
        ben = make_therapist("ben@example.com", location=self.location, hours=weekday_hours())
        from clinic.models import Room

        room_2 = Room.objects.create(location=self.location, name="Room 2")
        make_appointment(self.client_profile, ben, self.service, room_2, utc(2026, 3, 10, 10, 30))
        with self.assertRaises(SlotTaken):
            self.book()

    def test_front_desk_books_on_a_clients_behalf(self):
        make_intake(self.client_profile)
        appointment = self.book(by=self.front_desk_user)
        self.assertEqual(appointment.created_by, self.front_desk_user)

    def test_the_slot_start_keeps_its_meaning_whatever_zone_it_is_given_in(self):
        make_intake(self.client_profile)
        appointment = self.book(start=utc(2026, 3, 10, 10, 0).astimezone(UTC))
        self.assertEqual(appointment.local_start.hour, 10)


@time_machine.travel(NOW, tick=False)
class BookingGatedByIntakeTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())

    def book(self, start=None):
        return book_appointment(
            client=self.client_profile,
            therapist=self.ava,
            service=self.service,
            start=start or utc(2026, 3, 4, 10, 0),
            by=self.client_user,
        )

    def assert_refused(self, code):
        with self.assertRaises(NotAllowed) as raised:
            self.book()
        self.assertEqual(raised.exception.eligibility.code, code)
        self.assertFalse(Appointment.objects.exists())

    def test_a_client_without_a_health_form_cannot_book(self):
        self.assert_refused("no_intake")

    def test_a_red_flag_blocks_booking(self):
        make_intake(self.client_profile, yes={"saddle_numbness"})
        self.assert_refused("refer")

    def test_a_deferring_condition_blocks_the_next_seven_days(self):
        make_intake(self.client_profile, yes={"fever"})
        self.assert_refused("defer")

    def test_a_deferred_client_books_later_on_hold_for_the_check_in(self):
        make_intake(self.client_profile, yes={"fever"})
        appointment = self.book(start=utc(2026, 3, 10, 10, 0))
        self.assertEqual(appointment.status, Appointment.Status.HELD)
        self.assertEqual(appointment.hold_code, HoldCode.CHECKIN)

    def test_clearance_pending_blocks_booking(self):
        make_intake(self.client_profile, yes={"diabetes"})
        self.assert_refused("clearance_pending")

    def test_a_recorded_clearance_opens_booking(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        record_clearance(intake, codes=["diabetes"], by=self.therapist_user)
        self.assertEqual(self.book().status, Appointment.Status.BOOKED)

    def test_a_review_outcome_books_while_the_therapist_reviews(self):
        make_intake(self.client_profile, yes={"varicose_veins"})
        self.assertEqual(self.book().status, Appointment.Status.BOOKED)
