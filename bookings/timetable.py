"""The clinic's timetable for a date range, read in two queries.

``Calendar`` reads the working hours in force (with their locations, and whether each
therapist offers each service) in one query; ``Calendar.busy_time`` reads, in one more,
everything that takes time away for a span of dates: appointments and time off, plus the
closures and the rooms (with the services they are equipped for) of the locations
worked at. One read serves several services and date ranges (a treatment plan's sessions
and reassessment). ``bookings.availability`` asks it for free slots.

Inside the sweep every instant is a plain number: seconds since the Unix epoch (UTC).
The database hands back busy intervals as such numbers (no timestamp parsing), each
working block is converted to UTC once, and only the offered starts become datetimes,
in the location's zone. A block whose UTC offset changes inside it (a daylight-saving
change) walks its wall-clock times one by one instead, so a 10:00 block stays at 10:00
local, a time skipped in spring is never offered and the repeated autumn hour uses its
first occurrence.

Both queries are plain SQL built from the models' table names: they run on every page
that shows free times, and composing them with the ORM cost more than running them. The
rules they apply live with the models: ``Appointment.OCCUPYING`` (which appointments
hold their time) and ``MAX_BOOKED_SPAN`` (see ``AppointmentQuerySet.overlapping``).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

from bookings.models import Appointment
from bookings.models.appointments import MAX_BOOKED_SPAN
from bookings.timeutils import LocalDateTime, local_datetime
from clinic.models import (
    ClientProfile,
    Closure,
    Location,
    Room,
    Service,
    Therapist,
    TimeOff,
    User,
    WorkingHours,
)

_EPOCH_DAY = date(1970, 1, 1).toordinal()
_DAY = 86400


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def epoch(value: datetime) -> int:
    """Whole seconds since the epoch (rounded down) of an aware datetime."""
    return math.floor(value.timestamp())


def _epoch_up(value: datetime) -> int:
    return math.ceil(value.timestamp())


def check_duration(duration: object) -> None:
    """A duration override must be a whole, positive number of minutes (None: none)."""
    if duration is None:
        return
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        raise ValueError(f"duration must be a positive number of minutes, not {duration!r}.")


class _Busy:
    """Disjoint, sorted busy intervals (epoch seconds) with a fast overlap test."""

    __slots__ = ("ends", "starts")

    def __init__(self, intervals: Iterable[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted(intervals):
            if ends and s <= ends[-1]:
                if e > ends[-1]:
                    ends[-1] = e
            else:
                starts.append(s)
                ends.append(e)
        self.starts = starts
        self.ends = ends

    def blocked_until(self, start: int, end: int) -> int:
        """0 when ``start``..``end`` is free, else the end of the interval in the way.

        No start before that end can be free either, so a sweep may jump to it.
        """
        # The last busy interval starting before ``end`` is the only one that can overlap.
        index = bisect.bisect_left(self.starts, end) - 1
        if index < 0 or self.ends[index] <= start:
            return 0
        return self.ends[index]

    def is_free(self, start: datetime, end: datetime) -> bool:
        return not self.blocked_until(epoch(start), _epoch_up(end))


_NOTHING = _Busy(())


@dataclass(frozen=True)
class Slot:
    """A bookable start: who, where, and the rooms free for the whole booked range."""

    start: datetime  # aware, in the location's zone
    therapist_id: int
    location: Location
    room_ids: tuple[int, ...] = field(default=())
    at: int = -1  # the start in epoch seconds

    def __post_init__(self) -> None:
        if self.at == -1:
            object.__setattr__(self, "at", epoch(self.start))

    @property
    def start_utc(self) -> datetime:
        return datetime.fromtimestamp(self.at, UTC)


@dataclass(frozen=True)
class BusyTime:
    """What takes time away over a span of dates, read in one query.

    Busy intervals (epoch seconds) by therapist id and room id, and one client's; the
    closed (location id, day) pairs; and per service the rooms it may use at each
    location (its own rooms, or any active room when it names none).
    """

    therapists: dict[int, _Busy]
    rooms: dict[int, _Busy]
    client: _Busy = _NOTHING
    closed: frozenset[tuple[int, date]] = frozenset()
    rooms_by_service: dict[int, dict[int, list[int]]] = field(default_factory=dict)


class _Block(NamedTuple):
    therapist_id: int
    location_id: int
    weekday: int
    start_time: time
    end_time: time
    valid_from: date | None
    valid_until: date | None
    offers: tuple[bool, ...]  # per Calendar.services


def _utc_range(start: date, end: date) -> tuple[datetime, datetime]:
    # Wide enough for any zone: local days never start more than 14 hours from UTC.
    return (
        datetime.combine(start, time.min, tzinfo=UTC) - timedelta(days=1),
        datetime.combine(end, time.min, tzinfo=UTC) + timedelta(days=2),
    )


def _as_time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: Any) -> str:
    return _q(model._meta.db_table)


def _col(model: Any, name: str) -> str:
    return _q(model._meta.get_field(name).column)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _seconds_sql(column: str, *, up: bool = False) -> str:
    """SQL for a timestamp column as whole epoch seconds (rounded down, or up)."""
    if connection.vendor == "postgresql":
        return f"CAST({'CEIL' if up else 'FLOOR'}(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
    whole = f"CAST(strftime('%%s', {column}) AS INTEGER)"
    if not up:
        return whole
    return f"({whole} + (CAST(strftime('%%f', {column}) AS REAL) > CAST(strftime('%%S', {column}) AS INTEGER)))"


def _day_number_sql(column: str) -> str:
    """SQL for a date column as days since 1970-01-01."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _location_converters() -> list[tuple[str, list[Any]]]:
    fields = []
    for model_field in Location._meta.concrete_fields:
        col = model_field.get_col(Location._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        fields.append((model_field.attname, converters))
    return fields


class Calendar:
    """Working hours (with locations) for some therapists over some dates: one query.

    Give ``therapist_ids``, or ``offering=service`` for every active therapist who offers
    that service (``therapist_ids`` is then the ones found). Only active therapists of
    active users count, at active locations. ``services`` are the services ``slots()``
    may be asked about; a therapist who does not offer one (its technique) gets no slots
    for it. ``busy_time()`` reads the rest for a span of dates in one more query, so
    several services and date ranges share the same two queries.
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
        self.services = list(services)
        self.service_index = {service.pk: n for n, service in enumerate(self.services)}
        self.locations: dict[int, Location] = {}
        self.by_weekday: dict[int, list[_Block]] = defaultdict(list)
        chosen = None if therapist_ids is None else list(dict.fromkeys(therapist_ids))
        if chosen is None:
            assert offering is not None  # give therapist_ids or offering
        elif not chosen:
            self.therapist_ids: list[int] = []
            return
        self._read(start, end, chosen, offering, location)
        if chosen is None:
            self.therapist_ids = sorted(
                {row.therapist_id for rows in self.by_weekday.values() for row in rows}
            )
        else:
            self.therapist_ids = chosen

    @property
    def hours(self) -> bool:
        """Whether any working hours are in force (for these therapists and dates)."""
        return bool(self.by_weekday)

    def _read(
        self,
        start: date,
        end: date,
        therapist_ids: list[int] | None,
        offering: Service | None,
        location: Location | None,
    ) -> None:
        wh, loc, th, usr = "wh", "loc", "th", "usr"
        techniques = Therapist.techniques.through
        tt_table = _table(techniques)
        tt_therapist = _q(techniques._meta.get_field("therapist").column)
        tt_technique = _q(techniques._meta.get_field("technique").column)
        location_fields = Location._meta.concrete_fields
        offers = [
            f"EXISTS (SELECT 1 FROM {tt_table} tt WHERE tt.{tt_therapist} = {wh}.{_col(WorkingHours, 'therapist')} "
            f"AND tt.{tt_technique} = %s)"
            for _ in self.services
        ]
        columns = [
            f"{wh}.{_col(WorkingHours, name)}"
            for name in (
                "therapist",
                "weekday",
                "start_time",
                "end_time",
                "valid_from",
                "valid_until",
            )
        ]
        columns += [f"{loc}.{_q(f.column or f.attname)}" for f in location_fields]
        columns += offers
        params: list[Any] = [service.technique_id for service in self.services]
        ops = connection.ops
        where = [
            f"{loc}.{_col(Location, 'active')}",
            f"{th}.{_col(Therapist, 'active')}",
            f"{usr}.{_col(User, 'is_active')}",
            f"({wh}.{_col(WorkingHours, 'valid_from')} IS NULL OR {wh}.{_col(WorkingHours, 'valid_from')} <= %s)",
            f"({wh}.{_col(WorkingHours, 'valid_until')} IS NULL OR {wh}.{_col(WorkingHours, 'valid_until')} >= %s)",
        ]
        params += [ops.adapt_datefield_value(end), ops.adapt_datefield_value(start)]
        if therapist_ids is not None:
            where.append(f"{wh}.{_col(WorkingHours, 'therapist')} IN ({_marks(therapist_ids)})")
            params += therapist_ids
        else:
            assert offering is not None
            where.append(
                f"EXISTS (SELECT 1 FROM {tt_table} tt WHERE tt.{tt_therapist} = {wh}.{_col(WorkingHours, 'therapist')} "
                f"AND tt.{tt_technique} = %s)"
            )
            params.append(offering.technique_id)
        if location is not None:
            where.append(f"{wh}.{_col(WorkingHours, 'location')} = %s")
            params.append(location.pk)
        sql = (
            f"SELECT {', '.join(columns)} FROM {_table(WorkingHours)} {wh} "
            f"JOIN {_table(Location)} {loc} ON {loc}.{_col(Location, 'id')} = {wh}.{_col(WorkingHours, 'location')} "
            f"JOIN {_table(Therapist)} {th} ON {th}.{_col(Therapist, 'id')} = {wh}.{_col(WorkingHours, 'therapist')} "
            f"JOIN {_table(User)} {usr} ON {usr}.{_col(User, 'id')} = {th}.{_col(Therapist, 'user')} "
            f"WHERE {' AND '.join(where)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        converters = _location_converters()
        n_loc = len(location_fields)
        for row in rows:
            location_values = row[6 : 6 + n_loc]
            location_id = location_values[0]
            if location_id not in self.locations:
                values = []
                for (_, field_converters), value in zip(converters, location_values, strict=True):
                    for converter in field_converters:
                        value = converter(value, None, connection)
                    values.append(value)
                self.locations[location_id] = Location.from_db(
                    connection.alias, [name for name, _ in converters], values
                )
            self.by_weekday[row[1]].append(
                _Block(
                    therapist_id=row[0],
                    location_id=location_id,
                    weekday=row[1],
                    start_time=_as_time(row[2]),
                    end_time=_as_time(row[3]),
                    valid_from=_as_date(row[4]),
                    valid_until=_as_date(row[5]),
                    offers=tuple(bool(flag) for flag in row[6 + n_loc :]),
                )
            )

    def blocks(self, start: date, end: date) -> Iterator[tuple[int, Location, datetime, datetime]]:
        """(therapist_id, location, block start, block end) in local time, per day.

        Closures are not known before ``busy_time()``; see ``slots()``.
        """
        for day in _days(start, end):
            for row in self._day_blocks(day, None):
                location = self.locations[row.location_id]
                zone = location.zone
                yield (
                    row.therapist_id,
                    location,
                    datetime.combine(day, row.start_time, tzinfo=zone),
                    datetime.combine(day, row.end_time, tzinfo=zone),
                )

    def _day_blocks(self, day: date, closed: frozenset[tuple[int, date]] | None) -> list[_Block]:
        found = []
        for row in self.by_weekday.get(day.weekday(), ()):
            if row.valid_from and day < row.valid_from:
                continue
            if row.valid_until and day > row.valid_until:
                continue
            if closed and (row.location_id, day) in closed:
                continue
            found.append(row)
        return found

    def busy_time(
        self,
        start: date,
        end: date,
        *,
        exclude_ids: Iterable[int] = (),
        client: ClientProfile | None = None,
    ) -> BusyTime:
        """One query: bookings of the therapists or rooms (or ``client``), time off,
        closures, and the rooms of the locations worked at.

        The client's own bookings come in the same query, so that a plan never puts a
        client in two places at once. Without working hours there is nothing to read.
        """
        if not self.by_weekday:
            return BusyTime(therapists={}, rooms={})
        ops = connection.ops
        start_utc, end_utc = _utc_range(start, end)
        location_ids = sorted(self.locations)
        therapist_ids = self.therapist_ids
        a, r = "a", "r"
        room_table, room_id, room_location, room_active = (
            _table(Room),
            _col(Room, "id"),
            _col(Room, "location"),
            _col(Room, "active"),
        )
        statuses = list(Appointment.OCCUPYING)
        who = [
            f"{a}.{_col(Appointment, 'therapist')} IN ({_marks(therapist_ids)})",
            f"{a}.{_col(Appointment, 'room')} IN (SELECT {r}.{room_id} FROM {room_table} {r} "
            f"WHERE {r}.{room_active} AND {r}.{room_location} IN ({_marks(location_ids)}))",
        ]
        # Parameters in the order of their placeholders: statuses, then who.
        params: list[Any] = [str(status) for status in statuses]
        params += [*therapist_ids, *location_ids]
        if client is not None:
            who.append(f"{a}.{_col(Appointment, 'client')} = %s")
            params.append(client.pk)
        a_start, a_until = (
            f"{a}.{_col(Appointment, 'start')}",
            f"{a}.{_col(Appointment, 'blocked_until')}",
        )
        appointments = (
            f"SELECT 0, {_seconds_sql(a_start)}, {_seconds_sql(a_until, up=True)}, "
            f"{a}.{_col(Appointment, 'therapist')}, {a}.{_col(Appointment, 'room')}, "
            f"{a}.{_col(Appointment, 'client')} FROM {_table(Appointment)} {a} "
            f"WHERE {a}.{_col(Appointment, 'status')} IN ({_marks(statuses)}) AND ({' OR '.join(who)}) "
            f"AND {a_start} < %s AND {a_start} > %s AND {a_until} > %s"
        )
        params += [
            ops.adapt_datetimefield_value(end_utc),
            ops.adapt_datetimefield_value(start_utc - MAX_BOOKED_SPAN),
            ops.adapt_datetimefield_value(start_utc),
        ]
        excluded = list(exclude_ids)
        if excluded:
            appointments += f" AND NOT {a}.{_col(Appointment, 'id')} IN ({_marks(excluded)})"
            params += excluded
        t_start, t_end = f"t.{_col(TimeOff, 'start')}", f"t.{_col(TimeOff, 'end')}"
        time_off = (
            f"SELECT 1, {_seconds_sql(t_start)}, {_seconds_sql(t_end, up=True)}, "
            f"t.{_col(TimeOff, 'therapist')}, NULL, NULL FROM {_table(TimeOff)} t "
            f"WHERE t.{_col(TimeOff, 'therapist')} IN ({_marks(therapist_ids)}) "
            f"AND {t_start} < %s AND {t_end} > %s"
        )
        params += [
            *therapist_ids,
            ops.adapt_datetimefield_value(end_utc),
            ops.adapt_datetimefield_value(start_utc),
        ]
        c_start, c_end = f"c.{_col(Closure, 'start_date')}", f"c.{_col(Closure, 'end_date')}"
        closures = (
            f"SELECT 2, {_day_number_sql(c_start)}, {_day_number_sql(c_end)}, "
            f"c.{_col(Closure, 'location')}, NULL, NULL FROM {_table(Closure)} c "
            f"WHERE c.{_col(Closure, 'location')} IN ({_marks(location_ids)}) "
            f"AND {c_start} <= %s AND {c_end} >= %s"
        )
        params += [*location_ids, ops.adapt_datefield_value(end), ops.adapt_datefield_value(start)]
        rooms = (
            f"SELECT 3, {r}.{room_id}, {r}.{room_location}, NULL, NULL, NULL FROM {room_table} {r} "
            f"WHERE {r}.{room_active} AND {r}.{room_location} IN ({_marks(location_ids)})"
        )
        params += location_ids
        parts = [appointments, time_off, closures, rooms]
        service_ids = [service.pk for service in self.services]
        if service_ids:
            through = Service.rooms.through
            link_room = _q(through._meta.get_field("room").column)
            link_service = _q(through._meta.get_field("service").column)
            parts.append(
                f"SELECT 4, s.{link_room}, s.{link_service}, NULL, NULL, NULL "
                f"FROM {_table(through)} s WHERE s.{link_service} IN ({_marks(service_ids)})"
            )
            params += service_ids
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()

        by_therapist: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        by_room: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        own: list[tuple[int, int]] = []
        closed: set[tuple[int, date]] = set()
        active_rooms: defaultdict[int, list[int]] = defaultdict(list)
        equipped: defaultdict[int, set[int]] = defaultdict(set)
        therapist_set = set(therapist_ids)
        client_id = client.pk if client is not None else None
        for kind, first, second, who_id, room, booked_client in rows:
            if kind <= 1:
                if who_id in therapist_set:
                    by_therapist[who_id].append((first, second))
                if room is not None:
                    by_room[room].append((first, second))
                if client_id is not None and booked_client == client_id:
                    own.append((first, second))
            elif kind == 2:
                for number in range(
                    max(first, start.toordinal() - _EPOCH_DAY),
                    min(second, end.toordinal() - _EPOCH_DAY) + 1,
                ):
                    closed.add((who_id, date.fromordinal(number + _EPOCH_DAY)))
            elif kind == 3:
                active_rooms[second].append(first)
            else:
                equipped[second].add(first)
        rooms_by_service: dict[int, dict[int, list[int]]] = {}
        for service_id in service_ids:
            own_rooms = equipped.get(service_id)
            # A service with rooms of its own uses only those; otherwise any active room.
            rooms_by_service[service_id] = {
                location_id: sorted(
                    room for room in room_ids if own_rooms is None or room in own_rooms
                )
                for location_id, room_ids in active_rooms.items()
            }
        return BusyTime(
            therapists={key: _Busy(value) for key, value in by_therapist.items()},
            rooms={key: _Busy(value) for key, value in by_room.items()},
            client=_Busy(own),
            closed=frozenset(closed),
            rooms_by_service=rooms_by_service,
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
        sweep = _Sweep(self, service, busy, duration=duration, now=now, notice=notice)
        result: dict[int, list[Slot]] = {therapist_id: [] for therapist_id in self.therapist_ids}
        for day in _days(start, end):
            for row in sweep.day_blocks(day):
                location = self.locations[row.location_id]
                zone = location.zone
                for at, rooms in sweep.block(row, day):
                    result[row.therapist_id].append(
                        Slot(
                            LocalDateTime.fromtimestamp(at, zone),
                            row.therapist_id,
                            location,
                            rooms,
                            at,
                        )
                    )
        for therapist_id, slots in result.items():
            slots.sort(key=lambda slot: slot.at)
            # Two working-hours rows that overlap must not offer the same start twice.
            unique = [slot for n, slot in enumerate(slots) if n == 0 or slots[n - 1].at != slot.at]
            result[therapist_id] = unique
        return result

    def first_free(
        self,
        service: Service,
        start: date,
        end: date,
        busy: BusyTime,
        *,
        after: int,
        now: datetime | None = None,
    ) -> tuple[int, int, Location] | None:
        """(epoch start, therapist id, location) of the soonest free start at or after
        ``after`` on the days ``start``..``end``, or None.

        Days are searched in order and the search stops at the first day on which any
        therapist has a start; each therapist's day stops at its first start.
        """
        sweep = _Sweep(self, service, busy, now=now, notice=True)
        zones = {location.time_zone for location in self.locations.values()}
        # Local days of different zones overlap in UTC: with several zones, a start on
        # one of the next two days (a zone further east) can still come first.
        spread = 0 if len(zones) <= 1 else 2
        best: tuple[int, int, Location] | None = None
        stop = end
        settled = False
        day = start - timedelta(days=1)
        while day < stop:
            day += timedelta(days=1)
            for row in sweep.day_blocks(day):
                for at, _ in sweep.block(row, day, rooms=False, after=after):
                    found = (at, row.therapist_id, self.locations[row.location_id])
                    if best is None or found[:2] < best[:2]:
                        best = found
                    break
            if best is not None and not settled:
                # ``busy`` must cover these days too (``next_free_slot`` reads two more).
                settled, stop = True, day + timedelta(days=spread)
        return best


class _Sweep:
    """The free starts of one service, block by block, in epoch seconds."""

    def __init__(
        self,
        calendar: Calendar,
        service: Service,
        busy: BusyTime,
        *,
        duration: int | None = None,
        now: datetime | None = None,
        notice: bool = True,
    ) -> None:
        check_duration(duration)
        minutes = service.duration_minutes if duration is None else duration
        self.span = (minutes + service.buffer_minutes) * 60
        self.calendar = calendar
        self.index = calendar.service_index[service.pk]
        self.busy = busy
        self.rooms = busy.rooms_by_service.get(service.pk, {})
        self.now = epoch(now or timezone.now())
        self.notice = notice
        # Blocks of the same hours on the same day in the same zone (a team's timetable)
        # convert to UTC once.
        self._whole: dict[tuple[date, time, time, str], tuple[int, int] | None] = {}

    def day_blocks(self, day: date) -> list[_Block]:
        return [
            row
            for row in self.calendar._day_blocks(day, self.busy.closed)
            if row.offers[self.index]
        ]

    def block(
        self, row: _Block, day: date, *, rooms: bool = True, after: int = 0
    ) -> Iterator[tuple[int, tuple[int, ...]]]:
        """(epoch start, free room ids) of each free start in one working block."""
        location = self.calendar.locations[row.location_id]
        room_ids = self.rooms.get(row.location_id)
        if not room_ids:
            return
        zone = location.zone
        step = location.slot_step_minutes * 60
        # Staff may book inside the minimum notice, but never in the past.
        earliest = self.now + (location.min_notice_hours * 3600 if self.notice else 0)
        earliest = max(earliest, after)
        latest = self.now + location.booking_horizon_days * _DAY
        therapist_busy = self.busy.therapists.get(row.therapist_id, _NOTHING)
        room_busy = [self.busy.rooms.get(room, _NOTHING) for room in room_ids]
        span = self.span
        key = (day, row.start_time, row.end_time, location.time_zone)
        if key in self._whole:
            whole = self._whole[key]
        else:
            whole = self._whole[key] = _whole_block(day, row.start_time, row.end_time, zone)
        if whole is None:
            # A daylight-saving change inside the block: each wall-clock time in turn.
            for at, block_end in _wall_candidates(day, row.start_time, row.end_time, zone, step):
                if at + span > block_end:
                    return
                if at < earliest:
                    continue
                if at > latest:
                    return
                free = self._free_rooms(at, at + span, therapist_busy, room_ids, room_busy, rooms)
                if free is not None:
                    yield at, free
            return
        first, block_end = whole
        at = first if earliest <= first else first + -((first - earliest) // step) * step
        last = min(block_end - span, latest)
        while at <= last:
            end = at + span
            until = therapist_busy.blocked_until(at, end)
            if not until:
                free = self._free_rooms(at, end, _NOTHING, room_ids, room_busy, rooms)
                if free is not None:
                    yield at, free
                    at += step
                    continue
                # Every room is taken: the next start worth trying is when one frees up.
                until = min(taken.blocked_until(at, end) for taken in room_busy)
            # Nothing before ``until`` can be free: jump to the first start from then.
            at = first + -((first - until) // step) * step

    @staticmethod
    def _free_rooms(
        at: int,
        end: int,
        therapist_busy: _Busy,
        room_ids: list[int],
        room_busy: list[_Busy],
        rooms: bool,
    ) -> tuple[int, ...] | None:
        """The free rooms (or () when not asked for), or None when the time is not free."""
        if therapist_busy.blocked_until(at, end):
            return None
        if rooms:
            free = tuple(
                room
                for room, taken in zip(room_ids, room_busy, strict=True)
                if not taken.blocked_until(at, end)
            )
            return free or None
        if any(not taken.blocked_until(at, end) for taken in room_busy):
            return ()
        return None


def _whole_block(day: date, start: time, end: time, zone: tzinfo) -> tuple[int, int] | None:
    """Epoch start and end of a block with one UTC offset throughout, else None.

    Nearly every block: then its starts are plain arithmetic on epoch seconds.
    """
    block_start = datetime.combine(day, start, tzinfo=zone)
    offset = block_start.utcoffset()
    if offset is None or offset != datetime.combine(day, end, tzinfo=zone).utcoffset():
        return None
    if local_datetime(day, start, zone) is None:
        return None
    midnight = (day.toordinal() - _EPOCH_DAY) * _DAY - int(offset.total_seconds())
    return (
        midnight + start.hour * 3600 + start.minute * 60 + start.second,
        midnight + end.hour * 3600 + end.minute * 60 + end.second,
    )


def _wall_candidates(
    day: date, start: time, end: time, zone: tzinfo, step: int
) -> Iterator[tuple[int, int]]:
    """(epoch start, epoch block end) of each wall-clock start of a block that spans a
    daylight-saving change: the block's start and every ``step`` seconds after, in
    wall-clock time, skipping times that do not exist (the repeated hour: its first)."""
    block_start = datetime.combine(day, start, tzinfo=zone)
    block_end = datetime.combine(day, end, tzinfo=zone)
    last = epoch(block_end)
    wall = block_start.replace(tzinfo=None)
    wall_end = block_end.replace(tzinfo=None)
    jump = timedelta(seconds=step)
    while wall < wall_end:
        candidate = local_datetime(wall.date(), wall.time(), zone)
        wall += jump
        if candidate is not None:
            yield epoch(candidate), last
