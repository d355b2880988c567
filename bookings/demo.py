"""Demo appointments for `manage.py seed_demo`: a past visit and the next session. Idempotent."""

from datetime import UTC, datetime, time, timedelta

from django.db import transaction

from bookings.appointments import book_appointment
from bookings.availability import next_free_slot
from bookings.errors import BookingError
from bookings.models import Appointment, Visit
from clinic import clock
from clinic.models import ClientProfile, Service, Therapist


def seed(*, location) -> list[str]:
    client = ClientProfile.objects.filter(user__email="client@example.com").first()
    therapist = Therapist.objects.filter(user__email="therapist@example.com").first()
    service = Service.objects.filter(slug="swedish-massage").first()
    room = location.rooms.order_by("name").first()
    if not (client and therapist and service and room) or client.appointments.exists():
        return []
    created = []
    with transaction.atomic():
        # A visit two weeks ago, written directly: the past is not bookable.
        day = clock.today(location) - timedelta(days=14)
        start = datetime.combine(day, time(10, 0), tzinfo=location.zone).astimezone(UTC)
        end = start + timedelta(minutes=service.duration_minutes)
        past = Appointment.objects.create(
            client=client,
            therapist=therapist,
            service=service,
            room=room,
            location=location,
            start=start,
            end=end,
            blocked_until=end + timedelta(minutes=service.buffer_minutes),
            duration_minutes=service.duration_minutes,
            price=service.price,
            status=Appointment.Status.COMPLETED,
        )
        Visit.objects.create(
            appointment=past,
            pain_score=6,
            pain_after=4,
            client_reports="Lower back stiff in the mornings, easier after a walk.",
            findings="Tight muscles either side of the lower spine, more on the left.",
            notes="Swedish massage of the lower back and hips, medium pressure.",
            plan_next="Same again next time; a short walk each day.",
            areas_worked=["lower_back", "hips"],
            technique_used=service.technique,
            pressure_used="medium",
            recorded_by=therapist.user,
            recorded_at=end,
        )
        client.care_team.add(therapist)
        created.append("appointment: a past visit for the demo client")
    found = next_free_slot(service, therapists=[therapist])
    if found:
        try:
            book_appointment(
                client=client, therapist=therapist, service=service, start=found[1], by=client.user
            )
            created.append("appointment: the demo client's next session")
        except BookingError:
            pass
    return created
