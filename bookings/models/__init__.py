"""Appointments, treatment plans, visits, calendar feeds and plan proposals.

One module per area; every model (and what migrations and other apps name) is
importable from ``bookings.models``.
"""

from bookings.models.appointments import (
    MAX_BOOKED_SPAN,
    Appointment,
    AppointmentQuerySet,
    HoldCode,
    PostgresOnlyExclusionConstraint,
    TsTzRange,
    Visit,
    _new_token,
)
from bookings.models.checks import (
    AftercareAnswer,
    AftercareCheck,
    DayOfCheck,
    DayOfOutcome,
)
from bookings.models.feeds import CalendarFeed
from bookings.models.plans import (
    PlanKind,
    PlanProposalDraft,
    PlanStatus,
    TreatmentPlan,
    TreatmentPlanQuerySet,
)

__all__ = [
    "MAX_BOOKED_SPAN",
    "AftercareAnswer",
    "AftercareCheck",
    "Appointment",
    "AppointmentQuerySet",
    "CalendarFeed",
    "DayOfCheck",
    "DayOfOutcome",
    "HoldCode",
    "PlanKind",
    "PlanProposalDraft",
    "PlanStatus",
    "PostgresOnlyExclusionConstraint",
    "TreatmentPlan",
    "TreatmentPlanQuerySet",
    "TsTzRange",
    "Visit",
    "_new_token",
]
