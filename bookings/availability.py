"""When can a service be booked? Free slots from timetables, time off, closures and bookings.

Public API (DESIGN.md): ``free_slots(therapist, service, start=date_a, end=date_b)`` gives
sorted aware datetimes in the location's zone. ``next_free_slot`` finds the soonest start
across therapists, ``nearest_free_slots`` the times closest to a wanted one.

Everything is computed from two queries whatever the date range or the number of
appointments: working hours (with their locations, for active therapists, and whether
each offers the service), and one for busy time (appointments of the therapists and the
locations' rooms, the therapists' time off, closures, and the rooms themselves).
``bookings.timetable.Calendar`` holds what those queries read, so that one read serves
several services and date ranges (a treatment plan's sessions and reassessment). An
inactive therapist, or one who does not offer the service, has no free time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from bookings.timetable import Calendar, Slot, check_duration, epoch
from bookings.timeutils import LocalDateTime
from clinic.models import Closure, Location, Service, Therapist

if TYPE_CHECKING:
    from bookings.models import Appointment

# How far next_free_slot looks in its first window (the day before ``after``'s UTC date
# and that day, so that every zone's local day is covered); the windows grow from there,
# so the cost follows the days actually searched.
_FIRST_WINDOW_DAYS = 2
# Each window is four times as long as the one before: each costs a round trip to the
# database, which on a busy machine costs more than reading a few more days.
_GROWTH = 4
# The furthest ahead next_free_slot searches; each location's own horizon still applies.
_MAX_HORIZON_DAYS = 366


def _slots(
    therapist_ids: Sequence[int],
    service: Service,
    start: date,
    end: date,
    *,
    duration: int | None = None,
    location: Location | None = None,
    now: datetime | None = None,
    notice: bool = True,
    exclude_ids: Iterable[int] = (),
) -> dict[int, list[Slot]]:
    """Free slots per therapist id, from two queries in all (one without working hours)."""
    check_duration(duration)
    calendar = Calendar([service], start, end, therapist_ids=therapist_ids, location=location)
    if not calendar.hours:
        return {therapist_id: [] for therapist_id in therapist_ids}
    busy = calendar.busy_time(start, end, exclude_ids=exclude_ids)
    return calendar.slots(service, start, end, busy, duration=duration, now=now, notice=notice)


def slots_for_move(
    appointment: Appointment, day: date, *, notice: bool = True, now: datetime | None = None
) -> list[datetime]:
    """Free starts on ``day`` for this appointment's therapist, ignoring its own booking."""
    found = _slots(
        [appointment.therapist_id],
        appointment.service,
        day,
        day,
        duration=appointment.duration_minutes,
        now=now,
        notice=notice,
        exclude_ids=[appointment.pk],
    )
    return [
        slot.start
        for slot in found[appointment.therapist_id]
        if slot.start_utc != appointment.start
    ]


def free_slots(
    therapist: Therapist,
    service: Service,
    start: date,
    end: date,
    *,
    duration: int | None = None,
    location: Location | None = None,
    now: datetime | None = None,
    notice: bool = True,
) -> list[datetime]:
    """Sorted aware datetimes (in the location's zone) at which ``service`` can start.

    ``start`` and ``end`` are dates, both included. A start is offered when the therapist
    and a suitable room (the service's rooms, or any active room at the location if it
    names none) are free from it until duration + buffer later, that span lies inside the
    working block, the location is open that day, and it is at least the location's
    minimum notice and at most its booking horizon from ``now``. ``duration`` (minutes)
    overrides the service's length (a positive number: anything else is a ``ValueError``);
    ``location`` limits the search to one location; ``notice=False`` lets staff book
    inside the minimum notice. An inactive therapist, or one who does not offer the
    service's technique, gets none. Two SQL queries.
    """
    slots = _slots(
        [therapist.pk],
        service,
        start,
        end,
        duration=duration,
        location=location,
        now=now,
        notice=notice,
    )
    return [slot.start for slot in slots[therapist.pk]]


def find_slot(
    therapist: Therapist,
    service: Service,
    start: datetime,
    *,
    duration: int | None = None,
    now: datetime | None = None,
    notice: bool = True,
    exclude_ids: Iterable[int] = (),
) -> Slot | None:
    """The free slot starting exactly at ``start`` for ``therapist``, or None."""
    start_utc = start.astimezone(UTC)
    # The slot's local date depends on the location's zone, so look a day either side.
    day = start_utc.date()
    slots = _slots(
        [therapist.pk],
        service,
        day - timedelta(days=1),
        day + timedelta(days=1),
        duration=duration,
        now=now,
        notice=notice,
        exclude_ids=exclude_ids,
    )[therapist.pk]
    return next((slot for slot in slots if slot.start_utc == start_utc), None)


def slots_by_therapist(
    therapists: Iterable[Therapist], service: Service, start: date, end: date, **options: Any
) -> dict[Therapist, list[Slot]]:
    """{therapist: [Slot, ...]} for several therapists from the same four queries."""
    chosen = list(therapists)
    found = _slots([t.pk for t in chosen], service, start, end, **options)
    return {therapist: found.get(therapist.pk, []) for therapist in chosen}


def slots_offering(
    service: Service, start: date, end: date, **options: Any
) -> dict[int, list[Slot]]:
    """{therapist id: [Slot, ...]} for every active therapist offering ``service`` who
    works on those dates, from two queries (the therapists come with their hours)."""
    calendar = Calendar([service], start, end, offering=service)
    if not calendar.hours:
        return {}
    busy = calendar.busy_time(start, end)
    return calendar.slots(service, start, end, busy, **options)


def nearest_free_slots(
    therapist: Therapist,
    service: Service,
    around: datetime,
    *,
    days: int = 2,
    limit: int = 3,
    duration: int | None = None,
    now: datetime | None = None,
    notice: bool = True,
    exclude_ids: Iterable[int] = (),
) -> list[datetime]:
    """Free starts within ``days`` of ``around``'s date, nearest first (a tie: the earlier).

    The date is the one at the slot's location (Monday 09:00 in Auckland is Sunday in
    UTC): a slot is kept when its local date is within ``days`` of ``around``'s local
    date in the same zone.
    """
    day = around.astimezone(UTC).date()
    # Local dates are within a day of the UTC date: read one more day each side.
    slots = _slots(
        [therapist.pk],
        service,
        day - timedelta(days=days + 1),
        day + timedelta(days=days + 1),
        duration=duration,
        now=now,
        notice=notice,
        exclude_ids=exclude_ids,
    )[therapist.pk]
    around_utc = around.astimezone(UTC)
    slots = [
        slot
        for slot in slots
        if abs((slot.start.date() - around.astimezone(slot.start.tzinfo).date()).days) <= days
    ]
    ranked = sorted(slots, key=lambda slot: (abs(slot.start_utc - around_utc), slot.start_utc))
    return [slot.start for slot in ranked[:limit]]


def therapists_for(service: Service) -> QuerySet[Therapist]:
    """Active therapists who offer ``service``, with their user rows."""
    therapists: QuerySet[Therapist] = (
        Therapist.objects.active().offering(service).select_related("user")
    )
    return therapists


def next_free_slot(
    service: Service,
    *,
    after: datetime | None = None,
    therapists: Iterable[Therapist] | None = None,
    now: datetime | None = None,
) -> tuple[Therapist, datetime] | None:
    """(therapist, start) of the soonest free start for ``service``, or None.

    Looks across ``therapists`` (default: every active therapist offering the service)
    from ``after`` (default now). The timetables are read once (one query); then windows
    of 2, 8, 32... days are searched, one busy-time query each, day by day, stopping at
    the first day on which any therapist has a start: three queries when it is on the
    day of ``after`` or the next; one more to fetch the therapist when none were given.
    """
    now = now or timezone.now()
    after = after or now
    first = timezone.localdate(after, UTC) - timedelta(days=1)
    # Each location's own horizon applies slot by slot; this only bounds the search.
    last = timezone.localdate(now, UTC) + timedelta(days=_MAX_HORIZON_DAYS + 1)
    by_pk: dict[int, Therapist] | None = None
    if therapists is None:
        calendar = Calendar([service], first, last, offering=service)
    else:
        by_pk = {t.pk: t for t in therapists}
        if not by_pk:
            return None
        calendar = Calendar([service], first, last, therapist_ids=list(by_pk))
    if not calendar.hours:
        return None
    after_epoch = epoch(after)
    window = _FIRST_WINDOW_DAYS
    while first <= last:
        window_end = min(first + timedelta(days=window - 1), last)
        # Two more days of busy time: with several zones a later local day may come first.
        busy = calendar.busy_time(first, window_end + timedelta(days=2))
        found = calendar.first_free(service, first, window_end, busy, after=after_epoch, now=now)
        if found is not None:
            at, therapist_id, location = found
            if by_pk is not None:
                therapist = by_pk[therapist_id]
            else:
                therapist = Therapist.objects.select_related("user").get(pk=therapist_id)
            return therapist, LocalDateTime.fromtimestamp(at, location.zone)
        first = window_end + timedelta(days=1)
        window *= _GROWTH
    return None


def unavailable_reason(
    therapist: Therapist,
    service: Service,
    start: datetime,
    *,
    duration: int | None = None,
    now: datetime | None = None,
    notice: bool = True,
) -> str:
    """Why ``start`` is not a free start for ``therapist``: a code of ``bookings.errors``.

    Asked only after ``find_slot`` found nothing, so that the person booking is told the
    true reason: ``past``, ``notice`` (inside the minimum notice), ``horizon`` (beyond
    the booking horizon), ``closed`` (the location is closed that day),
    ``out_of_hours`` (not inside a working block), ``off_grid`` (inside a block but not
    one of its start times), else ``taken``. The same Calendar rules as ``free_slots``.
    """
    now = now or timezone.now()
    start_utc = start.astimezone(UTC)
    if start_utc < now:
        return "past"
    minutes = duration or service.duration_minutes
    span = timedelta(minutes=minutes + service.buffer_minutes)
    day = start_utc.date()
    first, last = day - timedelta(days=1), day + timedelta(days=1)
    calendar = Calendar([service], first, last, therapist_ids=[therapist.pk])
    # A closed day says so, whether or not the time was inside the therapist's hours.
    for location in calendar.locations.values():
        local_day = start_utc.astimezone(location.zone).date()
        works = any(
            block.location_id == location.pk
            for block in calendar.by_weekday.get(local_day.weekday(), ())
        )
        if (
            works
            and Closure.objects.filter(
                location=location, start_date__lte=local_day, end_date__gte=local_day
            ).exists()
        ):
            return "closed"
    for _, location, block_start, block_end in calendar.blocks(first, last):
        if not (block_start <= start_utc and start_utc + span <= block_end):
            continue
        if notice and start_utc < now + timedelta(hours=location.min_notice_hours):
            return "notice"
        if start_utc > now + timedelta(days=location.booking_horizon_days):
            return "horizon"
        # The grid is counted in wall-clock minutes from the block's start, as slots are.
        wall = start_utc.astimezone(location.zone).replace(tzinfo=None)
        offset = wall - block_start.replace(tzinfo=None)
        if offset % timedelta(minutes=location.slot_step_minutes):
            return "off_grid"
        return "taken"
    return "out_of_hours"
