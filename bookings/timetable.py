"""The clinic's timetable for a date range, read in a fixed number of queries.

``Calendar`` reads working hours (with their locations), rooms and closures once, and
``Calendar.busy_time`` reads appointments and time off in one query, so that one read
serves several services and date ranges (a treatment plan's sessions and reassessment).
``bookings.availability`` asks it for free slots. Wall-clock times are built in the
location's zone with zoneinfo and compared in UTC, so a 10:00 block stays at 10:00
across daylight-saving changes.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from bookings.models import Appointment
from bookings.timeutils import as_local, local_datetime
from clinic.models import (
    ClientProfile,
    Closure,
    Location,
    Room,
    Service,
    Therapist,
    TimeOff,
    WorkingHours,
)


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


class _Busy:
    """Disjoint, sorted busy intervals (UTC) with a fast overlap test."""

    __slots__ = ("ends", "starts")

    def __init__(self, intervals: Iterable[tuple[datetime, datetime]]) -> None:
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
    location: Location
    room_ids: tuple[int, ...] = field(default=())

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)


@dataclass(frozen=True)
class BusyTime:
    """Busy intervals for a span of time, by therapist id and room id, and one client's."""

    therapists: dict[int, _Busy]
    rooms: dict[int, _Busy]
    client: _Busy = _NOTHING


def _utc_range(start: date, end: date) -> tuple[datetime, datetime]:
    # Wide enough for any zone: local days never start more than 14 hours from UTC.
    return (
        datetime.combine(start, time.min, tzinfo=UTC) - timedelta(days=1),
        datetime.combine(end, time.min, tzinfo=UTC) + timedelta(days=2),
    )


class Calendar:
    """Working hours, rooms and closures for some therapists over some dates: three queries.

    Give ``therapist_ids``, or ``offering=service`` for every active therapist who offers
    that service; those therapists come with the working-hours query (``therapists``), and
    one without working hours has no free time to offer anyway. ``services`` are the
    services whose rooms are read; ``slots()`` works for any of them, at any duration,
    from one ``busy_time()`` query for the dates, so several services and date ranges
    share the same four queries.
    """

    def __init__(
        self,
        services: Sequence[Service],
        start: date,
        end: date,
        *,
        therapist_ids: Iterable[int] | None = None,
        offering: Service | None = None,
        location: Location | None = None,
    ) -> None:
        hours = (
            WorkingHours.objects.in_force(start, end)
            .filter(location__active=True)
            .select_related("location")
        )
        if therapist_ids is None:
            assert offering is not None  # give therapist_ids or offering
            hours = hours.filter(
                therapist__techniques=offering.technique_id,
                therapist__active=True,
                therapist__user__is_active=True,
            ).select_related("therapist__user")
        else:
            hours = hours.filter(therapist_id__in=therapist_ids)
        if location is not None:
            hours = hours.filter(location=location)
        self.hours: list[WorkingHours] = list(hours)
        self.therapists: dict[int, Therapist] | None
        if therapist_ids is None:
            self.therapists = {row.therapist_id: row.therapist for row in self.hours}
            self.therapist_ids = list(self.therapists)
        else:
            self.therapists = None
            self.therapist_ids = list(therapist_ids)
        location_ids = {row.location_id for row in self.hours}
        self.rooms_by_service = self._rooms(services, location_ids)
        self.closed: set[tuple[int, date]] = set()
        if location_ids:
            for location_id, first, last in Closure.objects.filter(
                location_id__in=location_ids, start_date__lte=end, end_date__gte=start
            ).values_list("location_id", "start_date", "end_date"):
                for day in _days(max(first, start), min(last, end)):
                    self.closed.add((location_id, day))

    @staticmethod
    def _rooms(
        services: Sequence[Service], location_ids: set[int]
    ) -> dict[int, defaultdict[int, list[int]]]:
        """{service id: {location id: [room id, ...]}} for every service, in one query."""
        found: dict[int, defaultdict[int, list[int]]] = {
            service.pk: defaultdict(list) for service in services
        }
        if not location_ids:
            return found
        through = Service.rooms.through
        flags: dict[str, Exists] = {}
        for n, service in enumerate(services):
            flags[f"equipped_{n}"] = Exists(
                through.objects.filter(room_id=OuterRef("pk"), service_id=service.pk)
            )
            flags[f"restricted_{n}"] = Exists(through.objects.filter(service_id=service.pk))
        rooms = Room.objects.filter(active=True, location_id__in=location_ids).annotate(**flags)
        for row in rooms.values("pk", "location_id", *flags):
            for n, service in enumerate(services):
                # A service with rooms of its own uses only those; otherwise any active room.
                if row[f"equipped_{n}"] or not row[f"restricted_{n}"]:
                    found[service.pk][row["location_id"]].append(row["pk"])
        return found

    @property
    def room_ids(self) -> list[int]:
        return sorted(
            {
                room
                for by_location in self.rooms_by_service.values()
                for rooms in by_location.values()
                for room in rooms
            }
        )

    def blocks(self, start: date, end: date) -> Iterator[tuple[int, Location, datetime, datetime]]:
        """(therapist_id, location, block start, block end) in local time, per day."""
        by_weekday: defaultdict[int, list[WorkingHours]] = defaultdict(list)
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

    def busy_time(
        self,
        start: date,
        end: date,
        *,
        exclude_ids: Iterable[int] = (),
        client: ClientProfile | None = None,
    ) -> BusyTime:
        """One query: bookings of the therapists or rooms (or ``client``), and time off.

        The client's own bookings come in the same query, so that a plan never puts a
        client in two places at once.
        """
        start_utc, end_utc = _utc_range(start, end)
        who = Q(therapist_id__in=self.therapist_ids) | Q(room_id__in=self.room_ids)
        if client is not None:
            who |= Q(client_id=client.pk)
        appointments = (
            Appointment.objects.active()
            .filter(who)
            .overlapping(start_utc, end_utc)
            .exclude(pk__in=exclude_ids)
            .order_by()
            .values_list("start", "blocked_until", "therapist_id", "room_id", "client_id")
        )
        time_off = (
            TimeOff.objects.filter(
                therapist_id__in=self.therapist_ids, start__lt=end_utc, end__gt=start_utc
            )
            .annotate(
                no_room=Value(None, output_field=IntegerField()),
                no_client=Value(None, output_field=IntegerField()),
            )
            .order_by()
            .values_list("start", "end", "therapist_id", "no_room", "no_client")
        )
        by_therapist: defaultdict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        by_room: defaultdict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        own: list[tuple[datetime, datetime]] = []
        therapist_set = set(self.therapist_ids)
        for s, e, therapist_id, room_id, client_id in appointments.union(time_off, all=True):
            if therapist_id in therapist_set:
                by_therapist[therapist_id].append((s, e))
            if room_id is not None:
                by_room[room_id].append((s, e))
            if client is not None and client_id == client.pk:
                own.append((s, e))
        return BusyTime(
            therapists={key: _Busy(value) for key, value in by_therapist.items()},
            rooms={key: _Busy(value) for key, value in by_room.items()},
            client=_Busy(own),
        )

    def slots(
        self,
        service: Service,
        start: date,
        end: date,
        busy: BusyTime,
        *,
        duration: int | None = None,
        now: datetime | None = None,
        notice: bool = True,
    ) -> dict[int, list[Slot]]:
        """Free slots of ``service`` per therapist id, from the data already read."""
        now = now or timezone.now()
        minutes = duration or service.duration_minutes
        span = timedelta(minutes=minutes + service.buffer_minutes)
        rooms_by_location = self.rooms_by_service[service.pk]
        result: dict[int, list[Slot]] = {therapist_id: [] for therapist_id in self.therapist_ids}
        for therapist_id, block_location, block_start, block_end in self.blocks(start, end):
            rooms = rooms_by_location.get(block_location.pk, ())
            if not rooms:
                continue
            zone = block_location.zone
            step = timedelta(minutes=block_location.slot_step_minutes)
            # Staff may book inside the minimum notice, but never in the past.
            notice_hours = block_location.min_notice_hours if notice else 0
            earliest = now + timedelta(hours=notice_hours)
            latest = now + timedelta(days=block_location.booking_horizon_days)
            therapist_busy = busy.therapists.get(therapist_id, _NOTHING)
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
                if not therapist_busy.is_free(slot_start, slot_end):
                    continue
                free_rooms = tuple(
                    room
                    for room in rooms
                    if busy.rooms.get(room, _NOTHING).is_free(slot_start, slot_end)
                )
                if free_rooms:
                    result[therapist_id].append(
                        Slot(as_local(candidate, zone), therapist_id, block_location, free_rooms)
                    )
        for slots in result.values():
            slots.sort(key=lambda slot: slot.start_utc)
        return result
