"""The clinic itself: people, places, services and timetables.

These models are the base every other app may import; this package imports no app. One
module per part; every name is importable from clinic.models, as before (the migrations
name clinic.models.UserManager and clinic.models._time_zone_choices).
"""

from clinic.models.clients import AccountEvent, ClientProfile, ClientProfileQuerySet
from clinic.models.places import (
    Closure,
    Location,
    LocationQuerySet,
    Room,
    Service,
    ServiceQuerySet,
    Technique,
    Therapist,
    TherapistQuerySet,
    TimeOff,
    Weekday,
    WorkingHours,
    WorkingHoursQuerySet,
    _time_zone_choices,
)
from clinic.models.security import SignInEvent, UserSession
from clinic.models.users import Role, User, UserManager

__all__ = [
    "AccountEvent",
    "ClientProfile",
    "ClientProfileQuerySet",
    "Closure",
    "Location",
    "LocationQuerySet",
    "Role",
    "Room",
    "Service",
    "ServiceQuerySet",
    "SignInEvent",
    "Technique",
    "Therapist",
    "TherapistQuerySet",
    "TimeOff",
    "User",
    "UserManager",
    "UserSession",
    "Weekday",
    "WorkingHours",
    "WorkingHoursQuerySet",
    "_time_zone_choices",
]
