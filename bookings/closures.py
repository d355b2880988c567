"""Closing a day that has bookings: who is affected, and moving or cancelling them.

A closure (``clinic.models.Closure``) stops new bookings at once (``timetable.Calendar``
skips closed days), but appointments already booked on those days stay until staff
decide. ``appointments_in`` finds them; ``move_out`` moves each to the nearest free
time with the same therapist and service, ``cancel_in`` cancels them. Both use the one
workflow for each change (``appointments.reschedule_appointment`` /
``cancel_appointment``), so the checks and the client's e-mail are those of any move or
cancellation. ``closures_on`` tells the booking page that a day is closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from bookings import appointments, notifications
from bookings.availability import nearest_free_slots
from bookings.errors import BookingError
from bookings.models import Appointment
from bookings.timeutils import local_day_bounds
from clinic.models import Closure, Therapist, User

# How far either side of a closure ``move_out`` looks for the nearest free time.
SEARCH_DAYS_AROUND = 14


@dataclass
class ClosureOutcome:
    """What ``move_out`` or ``cancel_in`` did, appointment by appointment."""

    moved: list[tuple[Appointment, datetime]] = field(default_factory=list)  # (it, old start)
    cancelled: list[Appointment] = field(default_factory=list)
    left: list[tuple[Appointment, str]] = field(default_factory=list)  # (it, why not)

    @property
    def not_emailed(self) -> list[Appointment]:
        """Changed appointments whose client gets no e-mail: staff should call them."""
        changed = [a for a, _ in self.moved] + self.cancelled
        return [a for a in changed if not notifications.wants_email(a.client)]


def closure_reason(closure: Closure) -> str:
    """The reason given to the client (and kept on the appointment) for the change."""
    if closure.start_date == closure.end_date:
        days = f"on {closure.start_date:%-d %B %Y}"
    else:
        days = f"from {closure.start_date:%-d %B} to {closure.end_date:%-d %B %Y}"
    because = f" ({closure.reason})" if closure.reason else ""
    return f"The clinic is closed {days}{because}."


def appointments_in(closure: Closure, *, now: datetime | None = None) -> QuerySet[Appointment]:
    """Open appointments at the closure's location on its days (local dates), from now on."""
    now = now or timezone.now()
    zone = closure.location.zone
    first, _ = local_day_bounds(closure.start_date, zone)
    _, last = local_day_bounds(closure.end_date, zone)
    found: QuerySet[Appointment] = (
        Appointment.objects.filter(
            location_id=closure.location_id,
            status__in=Appointment.OPEN,
            start__lt=last,
            end__gt=max(first, now),
        )
        .select_related("client", "therapist__user", "service", "location", "room")
        .order_by("start")
    )
    return found


def move_out(*, closure: Closure, by: User, now: datetime | None = None) -> ClosureOutcome:
    """Move each open appointment in ``closure`` to the nearest free time (same therapist,
    same service); one that cannot move anywhere near stays booked, listed in ``left``."""
    now = now or timezone.now()
    outcome = ClosureOutcome()
    reason = closure_reason(closure)
    days = (closure.end_date - closure.start_date).days + SEARCH_DAYS_AROUND
    for appointment in appointments_in(closure, now=now):
        old_start = appointment.start
        candidates = nearest_free_slots(
            appointment.therapist,
            appointment.service,
            appointment.start,
            days=days,
            limit=10,
            duration=appointment.duration_minutes,
            now=now,
            notice=False,
            exclude_ids=[appointment.pk],
        )
        why = "There is no free time with the same therapist within two weeks."
        for start in candidates:
            try:
                moved = appointments.reschedule_appointment(
                    appointment=appointment, start=start, by=by, reason=reason, now=now
                )
            except BookingError as error:
                why = error.message
                continue
            outcome.moved.append((moved, old_start))
            break
        else:
            outcome.left.append((appointment, why))
    return outcome


def cancel_in(*, closure: Closure, by: User, now: datetime | None = None) -> ClosureOutcome:
    """Cancel each open appointment in ``closure``; each client is told as for any
    cancellation by staff (no late-cancellation charge)."""
    now = now or timezone.now()
    outcome = ClosureOutcome()
    reason = closure_reason(closure)
    for appointment in appointments_in(closure, now=now):
        try:
            appointments.cancel_appointment(appointment=appointment, by=by, reason=reason, now=now)
        except BookingError as error:
            outcome.left.append((appointment, error.message))
        else:
            outcome.cancelled.append(appointment)
    return outcome


def closures_on(day: date, therapists: Iterable[Therapist]) -> list[Closure]:
    """Closures on ``day`` at the active locations where ``therapists`` work."""
    return list(
        Closure.objects.filter(
            location__active=True,
            location__therapists__in=list(therapists),
            start_date__lte=day,
            end_date__gte=day,
        )
        .select_related("location")
        .distinct()
    )
