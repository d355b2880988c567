"""One clock for every date rule: "today", and the date a moment falls on, at a location.

A health form's completion day, its defer window and expiry, the day a visit falls on
when the health form is asked about it, and the day a schedule page opens on are all
dates where the clinic is, not where the server is: a form completed at 00:30 in
Auckland was completed on that Auckland day, whatever ``settings.TIME_ZONE`` says.
Pass the location the rule is about (the appointment's, the therapist's); without one
the main location's zone is used, and ``settings.TIME_ZONE`` only when there is no
location at all. "Now" still comes from ``django.utils.timezone.now()``.
"""

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from clinic import cached
from clinic.models import Location


def zone(location: Location | None = None) -> zoneinfo.ZoneInfo:
    """``location``'s time zone, else the main location's, else ``settings.TIME_ZONE``.

    One query when no location is given (the main location).
    """
    if location is None:
        location = cached.main_location()
    if location is None:
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)
    # Location.zone is not annotated (models are outside mypy's files).
    location_zone: zoneinfo.ZoneInfo = location.zone
    return location_zone


def today(location: Location | None = None) -> date:
    """Today's date at ``location`` (default: the main location)."""
    return timezone.localdate(timezone=zone(location))


def local_date(moment: datetime, location: Location | None = None) -> date:
    """The date ``moment`` (an aware datetime) falls on at ``location`` (default: main)."""
    return timezone.localdate(moment, zone(location))
