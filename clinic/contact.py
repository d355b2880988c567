"""How to reach the clinic: its phone (as a ``tel:`` link), address and opening hours.

The home page and the client's appointment pages show them through
``{% clinic_contact %}`` (``clinic_tags``); the plan form asks :func:`opening_hours` so a
preferred time outside them is refused with a message rather than moved silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from django.db.models import Max, Min

from clinic import cached, clock
from clinic.models import Location, Weekday, WorkingHours


def tel_href(number: str) -> str:
    """A phone number as a ``tel:`` URL: digits only, a leading ``+`` kept
    ("020 7946 0018" → "tel:02079460018")."""
    number = (number or "").strip()
    digits = re.sub(r"\D", "", number)
    if not digits:
        return ""
    return f"tel:{'+' if number.startswith('+') else ''}{digits}"


@dataclass(frozen=True)
class OpeningDay:
    weekday: int
    name: str
    opens: time | None
    closes: time | None

    @property
    def is_open(self) -> bool:
        return self.opens is not None


def opening_hours(location: Location | None, on: date | None = None) -> list[OpeningDay]:
    """Monday to Sunday at ``location``: from the earliest start to the latest end of the
    active therapists' working hours in force on ``on`` (today there); one query.

    ``location=None`` gives the hours of every active location together (the earliest
    opening and the latest closing of each day)."""
    on = on or clock.today(location)
    rows = WorkingHours.objects.in_force(on, on).filter(
        therapist__active=True, location__active=True
    )
    if location is not None:
        rows = rows.filter(location=location)
    rows = rows.values("weekday").annotate(opens=Min("start_time"), closes=Max("end_time"))
    found = {row["weekday"]: (row["opens"], row["closes"]) for row in rows}
    return [
        OpeningDay(day.value, day.label, *found.get(day.value, (None, None))) for day in Weekday
    ]


def outside_opening_hours(hours: list[OpeningDay], weekdays, at: time) -> str:
    """Why ``at`` on the ``weekdays`` is outside the opening hours, or "" when it is not.

    Only the open days among ``weekdays`` count; when none of them is open (or nothing is
    known about the hours) there is nothing to say about the time.
    """
    wanted = set(weekdays)
    spans = sorted(
        {
            (day.opens, day.closes)
            for day in hours
            if day.weekday in wanted and day.opens is not None and day.closes is not None
        }
    )
    if not spans or any(opens <= at < closes for opens, closes in spans):
        return ""
    words = " or ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in spans)
    return (
        f"{at:%H:%M} is outside our opening hours on those days ({words}). "
        "Please choose a time when we are open."
    )


def describe_hours(hours: list[OpeningDay]) -> str:
    """The open days in a line, runs of days with the same hours together:
    "Monday to Friday 09:00–17:00; Saturday 10:00–14:00". Empty when nothing is open."""
    runs: list[list[OpeningDay]] = []
    for day in hours:
        if not day.is_open:
            continue
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.weekday == day.weekday - 1
            and (last.opens, last.closes) == (day.opens, day.closes)
        ):
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        first, last = run[0], run[-1]
        days = first.name if first is last else f"{first.name} to {last.name}"
        parts.append(f"{days} {first.opens:%H:%M}–{first.closes:%H:%M}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Contact:
    location: Location
    hours: list[OpeningDay]

    @property
    def phone(self) -> str:
        return self.location.phone

    @property
    def tel(self) -> str:
        return tel_href(self.location.phone)

    @property
    def address(self) -> str:
        return self.location.address


def clinic_contact() -> Contact | None:
    """The main location's contact details and opening hours (two queries)."""
    location = cached.main_location()
    if location is None:
        return None
    return Contact(location=location, hours=opening_hours(location))
