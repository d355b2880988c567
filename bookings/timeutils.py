"""Local wall-clock time at a location: the helpers the models and availability share.

Below ``bookings.models`` (it imports no bookings module), so that the models and the
availability rules can both use it without importing each other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


class LocalDateTime(datetime):
    """An aware datetime that templates show as it is, not in the server's time zone."""

    # Django's templates convert aware datetimes to the current zone unless told not to.
    convert_to_local_time = False


def as_local(value: datetime, zone: tzinfo) -> LocalDateTime:
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


def local_datetime(day: date, wall: time, zone: tzinfo) -> datetime | None:
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


def local_day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """UTC start and end of the local calendar day ``day`` (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end
