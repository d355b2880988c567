"""Builders shared by the bookings tests."""

from datetime import UTC, datetime, timedelta

from bookings.models import Appointment


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def make_appointment(
    client, therapist, service, room, start, *, minutes=None, status="booked", **fields
):
    """An appointment written straight to the table (no availability check)."""
    minutes = minutes or service.duration_minutes
    end = start + timedelta(minutes=minutes)
    return Appointment.objects.create(
        client=client,
        therapist=therapist,
        service=service,
        room=room,
        location=room.location,
        start=start,
        end=end,
        blocked_until=end + timedelta(minutes=service.buffer_minutes),
        duration_minutes=minutes,
        price=service.price,
        status=status,
        **fields,
    )


def weekday_hours(start="09:00", end="17:00"):
    return [(day, start, end) for day in range(5)]


class BookingViewCase:
    """Mixin for ClinicTestCase: the shared therapist works weekdays 09:00-17:00."""

    @classmethod
    def add_clinic(cls):
        from datetime import time

        from clinic.models import WorkingHours
        from tests.base import make_service

        cls.service = make_service()
        for day in range(5):
            WorkingHours.objects.create(
                therapist=cls.therapist,
                location=cls.location,
                weekday=day,
                start_time=time(9, 0),
                end_time=time(17, 0),
            )
