"""Appointments, treatment plans, visits, calendar feeds and plan proposals.

One module per area; every model (and what migrations and other apps name) is
importable from ``bookings.models``.
"""

from bookings.models.appointments import (
    MAX_BOOKED_SPAN,
    VISIT_EDIT_WINDOW,
    Appointment,
    AppointmentQuerySet,
    HoldCode,
    PostgresOnlyExclusionConstraint,
    TsTzRange,
    Visit,
    VisitAmendment,
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
    "VISIT_EDIT_WINDOW",
    "AftercareAnswer",
    "AftercareCheck",
    "Appointment",
    "AppointmentQuerySet",
    "CalendarFeed",
    "CourseAlert",
    "DayOfCheck",
    "DayOfOutcome",
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
    "VisitAmendment",
    "_new_token",
]
