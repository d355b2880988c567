"""When can a service be booked? Free slots from timetables, time off, closures and bookings.

Public API (DESIGN.md): ``free_slots(therapist, service, start=date_a, end=date_b)`` gives
sorted aware datetimes in the location's zone. ``next_free_slot`` finds the soonest start
across therapists, ``nearest_free_slots`` the times closest to a wanted one.

Everything is computed from a fixed number of queries whatever the date range or the
number of appointments: working hours (with their locations), rooms, closures, and one
query for busy time (appointments of the therapists and the candidate rooms, plus the
therapists' time off). Wall-clock times are built in the location's zone with zoneinfo
and compared in UTC, so a 10:00 block stays at 10:00 across daylight-saving changes.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from clinic.models import Closure, Room, Service, Therapist, TimeOff, WorkingHours

# How far next_free_slot looks in its first window; each next window is twice as long.
_FIRST_WINDOW_DAYS = 28
# The furthest ahead next_free_slot searches; each location's own horizon still applies.
_MAX_HORIZON_DAYS = 366


class LocalDateTime(datetime):
    """An aware datetime that templates show as it is, not in the server's time zone."""

    # Django's templates convert aware datetimes to the current zone unless told not to.
    convert_to_local_time = False


def as_local(value: datetime, zone) -> LocalDateTime:
    """``value`` in ``zone``, shown by templates in that zone."""
    local = value.astimezone(zone)
    return LocalDateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        local.tzinfo,
        fold=local.fold,
    )


def local_datetime(day: date, wall: time, zone) -> datetime | None:
    """``day`` at ``wall`` in ``zone``, or None when that wall-clock time does not exist.

    In the spring-forward gap (01:30 on the last Sunday of March in London) the clock
    never shows that time, so no slot starts there. In the autumn repeat the first
    (summer-time) occurrence is used (fold=0).
    """
    candidate = datetime.combine(day, wall, tzinfo=zone)
    round_trip = candidate.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        return None
    return candidate


def local_day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    """UTC start and end of the local calendar day ``day`` (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


class _Busy:
    """Disjoint, sorted busy intervals (UTC) with a fast overlap test."""

    __slots__ = ("ends", "starts")

    def __init__(self, intervals):
        merged: list[list[datetime]] = []
        for s, e in sorted(intervals):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def is_free(self, start: datetime, end: datetime) -> bool:
        # The last busy interval starting before ``end`` is the only one that can overlap.
        index = bisect.bisect_left(self.starts, end) - 1
        return index < 0 or self.ends[index] <= start


_NOTHING = _Busy(())


@dataclass(frozen=True)
class Slot:
    """A bookable start: who, where, and the rooms free for the whole booked range."""

    start: datetime  # aware, in the location's zone
    therapist_id: int
    location: object
    room_ids: tuple[int, ...] = field(default=())

    @property
    def start_utc(self):
        return self.start.astimezone(UTC)


def _busy_maps(therapist_ids, room_ids, start_utc, end_utc, exclude_ids=()):
    """One query: appointments of the therapists or rooms, and the therapists' time off."""
    from bookings.models import Appointment

    appointments = (
        Appointment.objects.active()
        .filter(Q(therapist_id__in=therapist_ids) | Q(room_id__in=room_ids))
        .overlapping(start_utc, end_utc)
        .exclude(pk__in=exclude_ids)
        .order_by()
        .values_list("start", "blocked_until", "therapist_id", "room_id")
    )
    time_off = (
        TimeOff.objects.filter(therapist_id__in=therapist_ids, start__lt=end_utc, end__gt=start_utc)
        .annotate(no_room=Value(None, output_field=IntegerField()))
        .order_by()
        .values_list("start", "end", "therapist_id", "no_room")
    )
    by_therapist = defaultdict(list)
    by_room = defaultdict(list)
    therapist_set = set(therapist_ids)
    for s, e, therapist_id, room_id in appointments.union(time_off, all=True):
        if therapist_id in therapist_set:
            by_therapist[therapist_id].append((s, e))
        if room_id is not None:
            by_room[room_id].append((s, e))
    return (
        {key: _Busy(value) for key, value in by_therapist.items()},
        {key: _Busy(value) for key, value in by_room.items()},
    )


class _Timetable:
    """Working hours, rooms and closures for some therapists over some dates (3 queries)."""

    def __init__(self, therapist_ids, service, start: date, end: date, location=None):
        # A day's margin either side: a location's zone may be a day off the server's.
        hours = (
            WorkingHours.objects.in_force(start, end)
            .filter(therapist_id__in=therapist_ids, location__active=True)
            .select_related("location")
        )
        if location is not None:
            hours = hours.filter(location=location)
        self.hours = list(hours)
        location_ids = {row.location_id for row in self.hours}
        through = Service.rooms.through
        rooms = Room.objects.filter(active=True, location_id__in=location_ids).annotate(
            equipped=Exists(through.objects.filter(room_id=OuterRef("pk"), service_id=service.pk)),
            service_has_rooms=Exists(through.objects.filter(service_id=service.pk)),
        )
        self.rooms_by_location = defaultdict(list)
        for room in rooms.values_list("pk", "location_id", "equipped", "service_has_rooms"):
            room_id, location_id, equipped, restricted = room
            # A service with rooms of its own uses only those; otherwise any active room.
            if equipped or not restricted:
                self.rooms_by_location[location_id].append(room_id)
        self.closed = set()
        if location_ids:
            for location_id, first, last in Closure.objects.filter(
                location_id__in=location_ids, start_date__lte=end, end_date__gte=start
            ).values_list("location_id", "start_date", "end_date"):
                for day in _days(max(first, start), min(last, end)):
                    self.closed.add((location_id, day))

    @property
    def room_ids(self):
        return [room for rooms in self.rooms_by_location.values() for room in rooms]

    def blocks(self, start: date, end: date):
        """(therapist_id, location, block start, block end) in local time, per day."""
        by_weekday = defaultdict(list)
        for row in self.hours:
            by_weekday[row.weekday].append(row)
        for day in _days(start, end):
            for row in by_weekday.get(day.weekday(), ()):
                if row.valid_from and day < row.valid_from:
                    continue
                if row.valid_until and day > row.valid_until:
                    continue
                if (row.location_id, day) in self.closed:
                    continue
                zone = row.location.zone
                block_start = datetime.combine(day, row.start_time, tzinfo=zone)
                block_end = datetime.combine(day, row.end_time, tzinfo=zone)
                yield row.therapist_id, row.location, block_start, block_end


def _utc_range(start: date, end: date):
    # Wide enough for any zone: local days never start more than 14 hours from UTC.
    return (
        datetime.combine(start, time.min, tzinfo=UTC) - timedelta(days=1),
        datetime.combine(end, time.min, tzinfo=UTC) + timedelta(days=2),
    )


def _slots(
    therapist_ids,
    service,
    start: date,
    end: date,
    *,
    duration=None,
    location=None,
    now=None,
    notice=True,
    exclude_ids=(),
    timetable=None,
) -> dict[int, list[Slot]]:
    """Free slots per therapist id, from four queries in all (one with a ``timetable``)."""
    now = now or timezone.now()
    minutes = duration or service.duration_minutes
    span = timedelta(minutes=minutes + service.buffer_minutes)
    if timetable is None:
        timetable = _Timetable(therapist_ids, service, start, end, location)
    result: dict[int, list[Slot]] = {therapist_id: [] for therapist_id in therapist_ids}
    if not timetable.hours:
        return result
    start_utc, end_utc = _utc_range(start, end)
    therapist_busy, room_busy = _busy_maps(
        therapist_ids, timetable.room_ids, start_utc, end_utc, exclude_ids
    )
    for therapist_id, block_location, block_start, block_end in timetable.blocks(start, end):
        rooms = timetable.rooms_by_location.get(block_location.pk, ())
        if not rooms:
            continue
        zone = block_location.zone
        step = timedelta(minutes=block_location.slot_step_minutes)
        # Staff may book inside the minimum notice, but never in the past.
        notice_hours = block_location.min_notice_hours if notice else 0
        earliest = now + timedelta(hours=notice_hours)
        latest = now + timedelta(days=block_location.booking_horizon_days)
        busy = therapist_busy.get(therapist_id, _NOTHING)
        block_end_utc = block_end.astimezone(UTC)
        wall = block_start.replace(tzinfo=None)
        wall_end = block_end.replace(tzinfo=None)
        while wall < wall_end:
            candidate = local_datetime(wall.date(), wall.time(), zone)
            wall += step
            if candidate is None:
                continue
            slot_start = candidate.astimezone(UTC)
            slot_end = slot_start + span
            if slot_end > block_end_utc:
                break
            if slot_start < earliest:
                continue
            if slot_start > latest:
                break
            if not busy.is_free(slot_start, slot_end):
                continue
            free_rooms = tuple(
                room
                for room in rooms
                if room_busy.get(room, _NOTHING).is_free(slot_start, slot_end)
            )
            if free_rooms:
                result[therapist_id].append(
                    Slot(as_local(candidate, zone), therapist_id, block_location, free_rooms)
                )
    for slots in result.values():
        slots.sort(key=lambda slot: slot.start_utc)
    return result


def free_slots(
    therapist,
    service,
    start: date,
    end: date,
    *,
    duration=None,
    location=None,
    now=None,
    notice=True,
) -> list[datetime]:
    """Sorted aware datetimes (in the location's zone) at which ``service`` can start.

    ``start`` and ``end`` are dates, both included. A start is offered when the therapist
    and a suitable room (the service's rooms, or any active room at the location if it
    names none) are free from it until duration + buffer later, that span lies inside the
    working block, the location is open that day, and it is at least the location's
    minimum notice and at most its booking horizon from ``now``. ``duration`` (minutes)
    overrides the service's length; ``location`` limits the search to one location;
    ``notice=False`` lets staff book inside the minimum notice. Four SQL queries.
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
    therapist, service, start: datetime, *, duration=None, now=None, notice=True, exclude_ids=()
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


def slots_by_therapist(therapists, service, start: date, end: date, **options):
    """{therapist: [Slot, ...]} for several therapists from the same four queries."""
    therapists = list(therapists)
    found = _slots([t.pk for t in therapists], service, start, end, **options)
    return {therapist: found.get(therapist.pk, []) for therapist in therapists}


def nearest_free_slots(
    therapist,
    service,
    around: datetime,
    *,
    days=2,
    limit=3,
    duration=None,
    now=None,
    notice=True,
    exclude_ids=(),
) -> list[datetime]:
    """Free starts within ``days`` of ``around``'s date, nearest first (a tie: the earlier)."""
    day = around.astimezone(UTC).date()
    slots = _slots(
        [therapist.pk],
        service,
        day - timedelta(days=days),
        day + timedelta(days=days),
        duration=duration,
        now=now,
        notice=notice,
        exclude_ids=exclude_ids,
    )[therapist.pk]
    around_utc = around.astimezone(UTC)
    ranked = sorted(slots, key=lambda slot: (abs(slot.start_utc - around_utc), slot.start_utc))
    return [slot.start for slot in ranked[:limit]]


def therapists_for(service):
    return Therapist.objects.active().offering(service).select_related("user")


def next_free_slot(service, *, after=None, therapists=None, now=None):
    """(therapist, start) of the soonest free start for ``service``, or None.

    Looks across ``therapists`` (default: every active therapist offering the service)
    from ``after`` (default now) in windows of 7, 14, 28... days. The timetables are read
    once (three queries) and each window costs one more, whatever the number of therapists
    or appointments.
    """
    now = now or timezone.now()
    after = after or now
    therapists = list(therapists if therapists is not None else therapists_for(service))
    if not therapists:
        return None
    by_pk = {t.pk: t for t in therapists}
    first = timezone.localdate(after, UTC) - timedelta(days=1)
    # Each location's own horizon applies slot by slot; this only bounds the search.
    last = timezone.localdate(now, UTC) + timedelta(days=_MAX_HORIZON_DAYS + 1)
    timetable = _Timetable(list(by_pk), service, first, last)
    window = _FIRST_WINDOW_DAYS
    while first <= last:
        window_end = min(first + timedelta(days=window - 1), last)
        found = _slots(list(by_pk), service, first, window_end, now=now, timetable=timetable)
        best = min(
            (slot for slots in found.values() for slot in slots if slot.start_utc >= after),
            key=lambda slot: (slot.start_utc, slot.therapist_id),
            default=None,
        )
        if best is not None:
            return by_pk[best.therapist_id], best.start
        first = window_end + timedelta(days=1)
        window *= 2
    return None
