"""A client's chart: what the therapist must know at the table, and the course so far.

:func:`safety_summary` is the one place that says what to avoid with a client on a day
(the flags and their guidance, the reviewer's areas to avoid and pressure limit, and the
physician's clearances): the chart, the appointment page and the visit form all show it
through ``bookings/includes/safety.html``. :func:`chart` adds the plans and the visits.
Who may read either is :func:`intake.access.can_see_chart`; the views log each reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from bookings.models import Appointment, PlanStatus, TreatmentPlan, Visit, VisitAmendment
from clinic.models import ClientProfile, Technique, User
from intake.audit import log_reads

if TYPE_CHECKING:
    from bookings.checks import DayOfNotice
from intake import screening
from intake.models import (
    Category,
    Condition,
    Intake,
    PainArea,
    Pressure,
    Review,
    condition_name,
)
from intake.screening import TechniqueSuggestion


@dataclass(frozen=True)
class FlagNote:
    """One condition the client answered yes, with the catalog's guidance."""

    code: str
    name: str
    category: str
    category_label: str
    guidance: str
    short: str
    urgent: bool


@dataclass(frozen=True)
class ClearanceNote:
    """A physician's clearance: which conditions it covers and until when."""

    names: list[str]
    received_on: date
    valid_until: date
    valid: bool


@dataclass(frozen=True)
class SafetySummary:
    """What to avoid with a client on ``on``; empty lists when there is nothing."""

    on: date
    intake: Intake | None
    flags: list[FlagNote] = field(default_factory=list)
    review: Review | None = None
    avoid_areas: list[str] = field(default_factory=list)
    pressure_limit: str = ""
    clearances: list[ClearanceNote] = field(default_factory=list)
    # Conditions that need a clearance valid on ``on`` and have none.
    clearance_missing: list[str] = field(default_factory=list)
    technique: Technique | None = None
    technique_code: str = ""
    gentle_reasons: list[str] = field(default_factory=list)
    # The visit's day-of answers (``bookings.checks.day_of_notice``), set by the pages
    # about one visit (the appointment page, the visit form); None on the chart.
    day_of: DayOfNotice | None = None

    @property
    def has_limits(self) -> bool:
        return bool(self.flags or self.avoid_areas or self.pressure_limit)


def area_names(codes: Iterable[str]) -> list[str]:
    """Pain-area codes in words, as people read them (never ``lower_back``)."""
    labels = dict(PainArea.choices)
    return [labels.get(code, condition_name(code)) for code in codes]


# Why a technique had to be gentle, beyond the health form's flags and preference.
REVIEWER_LIMIT = "reviewer_pressure_limit"
REASON_WORDS = {
    REVIEWER_LIMIT: "the reviewer's pressure limit",
    "prefers_light_pressure": "the client's wish for light pressure",
}


def technique_suggestion(intake: Intake, review: Review | None) -> TechniqueSuggestion:
    """The technique to suggest: the health form's (flags first), then the reviewer's say.

    A reviewer's light pressure limit allows only the gentle technique; a medium limit
    rules deep tissue (firm pressure) out. The chart, the appointment page, the visit
    form and the reassessment's change of technique all ask this one function.
    """
    suggestion = intake.technique_suggestion()
    limit = review.pressure_limit if review is not None else ""
    if limit == Pressure.LIGHT or (
        limit == Pressure.MEDIUM and suggestion.technique == screening.DEEP_TISSUE
    ):
        return TechniqueSuggestion(screening.SWEDISH, (*suggestion.reasons, REVIEWER_LIMIT))
    return suggestion


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code) or condition_name(code)


def first_sentence(text: str) -> str:
    """The guidance "in short": its first sentence."""
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def safety_summary(client: ClientProfile, *, on: date) -> SafetySummary:
    """What a therapist must see before touching ``client`` on the day ``on``.

    Read from the client's current health form: each flag (with the stronger of its
    category then and the catalog's now) and the catalog's guidance, the latest
    reviewer's decision (areas to avoid, pressure limit, notes), the clearances with
    whether each is valid on ``on``, and the suggested technique. Five queries at most.
    """
    intake = Intake.objects.current_for(client)
    if intake is None:
        return SafetySummary(on=on, intake=None)
    flags = list(intake.flags.with_live_category())
    conditions = {
        c.code: c for c in Condition.objects.filter(code__in=[flag.code for flag in flags])
    }
    categories = dict(Category.choices)
    notes = []
    for flag in flags:
        condition = conditions.get(flag.code)
        guidance = condition.guidance if condition else ""
        category = flag.effective_category
        notes.append(
            FlagNote(
                code=flag.code,
                name=condition_name(flag.code),
                category=category,
                category_label=categories.get(category, category),
                guidance=guidance,
                short=first_sentence(guidance),
                urgent=flag.urgent,
            )
        )
    review = intake.reviews.select_related("reviewer").first()
    clearances = list(intake.clearances.all())
    covered = {code for c in clearances if c.is_valid_on(on) for code in c.codes}
    needed = intake.clearance_codes(flags)
    suggestion = technique_suggestion(intake, review)
    return SafetySummary(
        on=on,
        intake=intake,
        flags=notes,
        review=review,
        avoid_areas=area_names(review.avoid_areas) if review else [],
        pressure_limit=(
            dict(Pressure.choices).get(review.pressure_limit, review.pressure_limit)
            if review and review.pressure_limit
            else ""
        ),
        clearances=[
            ClearanceNote(
                names=[condition_name(code) for code in c.codes],
                received_on=c.received_on,
                valid_until=c.valid_until,
                valid=c.is_valid_on(on),
            )
            for c in clearances
        ],
        clearance_missing=[condition_name(code) for code in needed if code not in covered],
        technique=Technique.objects.filter(code=suggestion.technique).first(),
        technique_code=suggestion.technique,
        gentle_reasons=[reason_words(code) for code in suggestion.reasons],
    )


@dataclass(frozen=True)
class PlanNote:
    plan: TreatmentPlan
    appointments: list[Appointment]


@dataclass(frozen=True)
class Chart:
    client: ClientProfile
    safety: SafetySummary
    plans: list[PlanNote]
    # Newest first, each with its amendments (oldest first) and home care prefetched.
    visits: list[Visit]


def visits_for(client: ClientProfile) -> QuerySet[Visit]:
    """Every visit of ``client``, newest first, with what the chart shows of each."""
    return (
        Visit.objects.filter(appointment__client=client)
        .select_related(
            "appointment__therapist__user",
            "appointment__service",
            "appointment__location",
            "technique_used",
            "recorded_by",
        )
        .prefetch_related(
            "home_care",
            Prefetch("amendments", VisitAmendment.objects.select_related("author")),
        )
        .order_by("-appointment__start", "-pk")
    )


def chart(client: ClientProfile, *, on: date) -> Chart:
    """The whole chart of ``client`` as of ``on``: safety, current plans, every visit."""
    plans = (
        TreatmentPlan.objects.current()
        .filter(client=client)
        .select_related("service", "therapist__user", "technique")
        .prefetch_related(
            Prefetch("appointments", Appointment.objects.select_related("therapist__user"))
        )
        .order_by("-created_at")
    )
    return Chart(
        client=client,
        safety=safety_summary(client, on=on),
        plans=[PlanNote(plan, list(plan.appointments.all())) for plan in plans],
        visits=list(visits_for(client)),
    )


# The course notice on list pages, in a few words (the chart and the plan say the rest).
COURSE_NOTICE_WORDS = {
    "not_improving": "Not improving after 4 weeks",
    "worse": "Pain worse than at the start",
}


def mark_course_notices(
    user: User, appointments: Iterable[Appointment], chart_ids: set[int], *, detail: str
) -> None:
    """Set ``course_notice`` on each appointment: its plan's course alert ("not_improving",
    "worse") when ``user`` may read the client's chart (``chart_ids``, from
    ``intake.access.chart_client_ids``), else "". The appointments need ``plan``
    selected. One log row per client whose notice was shown.
    """
    shown: set[int] = set()
    for appointment in appointments:
        plan = appointment.plan if appointment.plan_id else None
        notice = ""
        if (
            plan is not None
            and plan.course_alert
            and plan.status in (PlanStatus.ACTIVE, PlanStatus.PAUSED)
            and appointment.client_id in chart_ids
        ):
            notice = plan.course_alert
            shown.add(appointment.client_id)
        appointment.course_notice = notice  # type: ignore[attr-defined]
        appointment.course_notice_words = COURSE_NOTICE_WORDS.get(notice, "")  # type: ignore[attr-defined]
    if shown:
        log_reads(user, [(client_id, None) for client_id in sorted(shown)], detail=detail)
