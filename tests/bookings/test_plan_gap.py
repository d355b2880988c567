"""Issue 9, finding 6: the 48-hour gap holds when a plan's session is moved, not only booked."""

import time_machine

from bookings.appointments import reschedule_appointment
from bookings.errors import BookingError
from bookings.models import PlanKind, PlanStatus, TreatmentPlan
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake

MONDAY_10 = utc(2026, 3, 9, 10, 0)
THURSDAY_10 = utc(2026, 3, 12, 10, 0)


@time_machine.travel(utc(2026, 3, 2, 9, 0), tick=False)
class PlanSessionMoveGapTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())
        with time_machine.travel(utc(2026, 3, 1, 8, 0), tick=False):
            make_intake(cls.client_profile)

    def setUp(self):
        self.plan = TreatmentPlan.objects.create(
            client=self.client_profile,
            kind=PlanKind.ACUTE,
            sessions_per_week=2,
            weeks=2,
            service=self.service,
            technique=self.service.technique,
            status=PlanStatus.ACTIVE,
        )
        self.first = make_appointment(
            self.client_profile, self.ava, self.service, self.room, MONDAY_10, plan=self.plan
        )
        self.second = make_appointment(
            self.client_profile, self.ava, self.service, self.room, THURSDAY_10, plan=self.plan
        )

    def test_moving_a_twice_weekly_session_closer_than_48_hours_to_another_is_refused(self):
        with self.assertRaises(BookingError) as raised:
            reschedule_appointment(
                appointment=self.second, start=utc(2026, 3, 10, 14, 0), by=self.client_user
            )

        assert raised.exception.code == "gap"
        self.second.refresh_from_db()
        assert self.second.start == THURSDAY_10

    def test_moving_a_session_closer_than_48_hours_to_the_next_one_is_refused(self):
        with self.assertRaises(BookingError) as raised:
            reschedule_appointment(
                appointment=self.first, start=utc(2026, 3, 11, 10, 0), by=self.client_user
            )

        assert raised.exception.code == "gap"

    def test_moving_a_session_to_48_hours_after_the_one_before_is_allowed(self):
        moved = reschedule_appointment(
            appointment=self.second, start=utc(2026, 3, 11, 10, 0), by=self.client_user
        )

        assert moved.start == utc(2026, 3, 11, 10, 0)

    def test_a_cancelled_session_does_not_count(self):
        self.first.cancel(by=self.client_user)

        moved = reschedule_appointment(
            appointment=self.second, start=utc(2026, 3, 10, 10, 0), by=self.client_user
        )

        assert moved.start == utc(2026, 3, 10, 10, 0)
