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
from bookings.models.feeds import CalendarFeed
from bookings.models.plans import (
    CourseAlert,
    PlanKind,
    PlanProposalDraft,
    PlanStatus,
    TreatmentPlan,
    TreatmentPlanQuerySet,
)
from bookings.models.reassessments import NextStep, Reassessment

__all__ = [
    "MAX_BOOKED_SPAN",
    "Appointment",
    "AppointmentQuerySet",
    "CalendarFeed",
    "CourseAlert",
    "HoldCode",
    "NextStep",
    "PlanKind",
    "PlanProposalDraft",
    "PlanStatus",
    "PostgresOnlyExclusionConstraint",
    "Reassessment",
    "TreatmentPlan",
    "TreatmentPlanQuerySet",
    "TsTzRange",
    "Visit",
    "_new_token",
]
