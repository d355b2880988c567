"""The course of treatment: the reassessment that decides what next, and the course review.

The rules are pure, in ``bookings.progress``; this module reads the visits, writes the
reassessment and its next step, and tells the therapist and the client once when a
course stops improving (``review_course``, run each time a visit is recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from bookings import plans, tasks
from bookings.appointments import check_bookable
from bookings.chart import technique_suggestion
from bookings.errors import BookingError
from bookings.models import (
    Appointment,
    CourseAlert,
    NextStep,
    PlanKind,
    PlanStatus,
    Reassessment,
    TreatmentPlan,
    Visit,
)
from bookings.planning import recommend_plan
from bookings.progress import Progress, course_progress
from clinic import clock
from clinic.models import ClientProfile, Service, Therapist, User
from intake import screening
from intake.audit import log_access
from intake.models import Intake, Pressure

# How far back a course's chain of plans (each one's ``previous``) is followed.
MAX_CHAIN = 20


def course_plans(plan: TreatmentPlan) -> list[TreatmentPlan]:
    """The plan and the plans it follows (``previous``), newest first: one course."""
    chain = [plan]
    seen = {plan.pk}
    current = plan
    while current.previous_id and current.previous_id not in seen and len(chain) < MAX_CHAIN:
        current = TreatmentPlan.objects.get(pk=current.previous_id)
        chain.append(current)
        seen.add(current.pk)
    return chain


def course_visits(plan: TreatmentPlan, *, exclude: Appointment | None = None) -> list[Visit]:
    """The course's recorded visits, oldest first (``exclude``: one appointment's left out)."""
    visits = (
        Visit.objects.filter(appointment__plan__in=[p.pk for p in course_plans(plan)])
        .select_related("appointment__location", "appointment__therapist__user")
        .order_by("appointment__start")
    )
    if exclude is not None:
        visits = visits.exclude(appointment=exclude)
    return list(visits)


def pain_at_start(appointment: Appointment) -> int | None:
    """The course's starting pain: its first visit's score, else the health form's pain now."""
    plan = appointment.plan
    if plan is not None:
        visits = course_visits(plan, exclude=appointment)
        if visits:
            return visits[0].pain_score
    intake = Intake.objects.current_for(appointment.client)
    return intake.pain_now if intake is not None else None


def progress_of(plan: TreatmentPlan, *, today: date | None = None) -> Progress:
    """``course_progress`` for the plan's course, its visits' local dates and scores."""
    today = today or clock.today()
    scores = [
        (visit.appointment.local_start.date(), visit.pain_score) for visit in course_visits(plan)
    ]
    return course_progress(scores, today)


# --- The reassessment -----------------------------------------------------------------


def reassessable(appointment: Appointment) -> bool:
    """Has a reassessment page: a reassessment visit, or any visit of a plan whose course
    review spoke (not improving or worse), so the next step need not wait for the plan's
    own reassessment."""
    plan = appointment.plan
    return appointment.is_reassessment or (plan is not None and bool(plan.course_alert))


def may_reassess(appointment: Appointment) -> bool:
    """A completed visit (its visit recorded) with a reassessment page can be reassessed."""
    return reassessable(appointment) and appointment.status == Appointment.Status.COMPLETED


def record_reassessment(
    *,
    appointment: Appointment,
    by: User,
    pain_now: int,
    activity: str,
    function_start: int,
    function_now: int,
    now: datetime | None = None,
) -> Reassessment:
    """Write (or correct) the reassessment of a completed reassessment visit; logged.

    ``pain_start`` is not asked: it is the course's first visit's score (or the health
    form's pain now). Raises ``BookingError`` for a visit that is not a completed
    reassessment, or a course with no starting pain on record.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
        if not may_reassess(appointment):
            raise BookingError(
                "Record the reassessment visit first; then its reassessment.", code="not_done"
            )
        start = pain_at_start(appointment)
        if start is None:
            raise BookingError(
                "There is no pain score from the start of the course to compare with.",
                code="no_start",
            )
        reassessment, _ = Reassessment.objects.update_or_create(
            appointment=appointment,
            defaults={
                "plan_id": appointment.plan_id,
                "pain_start": start,
                "pain_now": pain_now,
                "activity": activity.strip(),
                "function_start": function_start,
                "function_now": function_now,
                "by": by,
                "at": now,
            },
        )
        log_access(
            by,
            client=appointment.client,
            action="change",
            detail=f"reassessment (appointment {appointment.pk})",
        )
    return reassessment


def recommended_interval(reassessment: Reassessment) -> int:
    """Maintenance visits' interval for the pain now (``recommend_plan``'s rule)."""
    interval = recommend_plan(pain_weeks=None, pain_score=reassessment.pain_now).interval_weeks
    assert interval is not None  # maintenance always has one
    return interval


def offers(therapist: Therapist, service: Service) -> bool:
    return bool(Therapist.objects.active().offering(service).filter(pk=therapist.pk).exists())


def other_technique_services(plan: TreatmentPlan, client: ClientProfile) -> list[Service]:
    """Services of another technique than the plan's that the client's flags allow.

    When the flags, the client or the reviewer's light pressure limit rule firm pressure
    out, only the gentle technique is allowed (``bookings.chart.technique_suggestion``); a
    medium limit rules deep tissue out.
    """
    services = (
        Service.objects.active()
        .filter(is_reassessment=False)
        .exclude(technique_id=plan.technique_id)
    )
    intake = Intake.objects.current_for(client)
    if intake is not None:
        review = intake.reviews.first()
        suggestion = technique_suggestion(intake, review)
        if suggestion.reasons:
            services = services.filter(technique__code=suggestion.technique)
        elif review is not None and review.pressure_limit == Pressure.MEDIUM:
            services = services.exclude(technique__code=screening.DEEP_TISSUE)
    return list(services.select_related("technique").order_by("name"))


def suggested_step(reassessment: Reassessment, progress: Progress | None) -> str:
    """The next step to suggest (the therapist chooses).

    Worse by the meaningful change, or a course not improving after 4 weeks: the letter
    to the doctor ("if pain persists or worsens, see a doctor"), not more of the same.
    Better by the meaningful change: maintenance. Otherwise (no relief yet): another
    technique.
    """
    pain = reassessment.pain_change
    if pain.worse or (progress is not None and progress.needs_review and not pain.meaningful):
        return NextStep.LETTER
    if pain.meaningful:
        return NextStep.MAINTENANCE
    return NextStep.TECHNIQUE


@dataclass(frozen=True)
class Decision:
    """The next step taken: the plan it proposed (None for a letter or staying on)."""

    step: str
    plan: TreatmentPlan | None


def decide_next_step(
    *,
    reassessment: Reassessment,
    step: str,
    by: User,
    service: Service | None = None,
    now: datetime | None = None,
) -> Decision:
    """Take the next step the therapist chose, once; a repeat returns the first one's plan.

    * maintenance: after an acute plan, ``plans.start_maintenance_plan`` at the recommended
      interval; on a maintenance plan (its 12-week reassessment) the plan simply goes on;
    * acute: another acute block, proposed for the client to choose times (cadence from
      the pain now);
    * technique: a new plan of the same kind with ``service`` (another technique);
    * letter: nothing is booked; the letter page is printed.

    Proposed plans wait for the client to choose days and times (the plan form). Raises
    ``BookingError`` for an unknown step, a missing or unsuitable service.
    """
    now = now or timezone.now()
    if step not in NextStep.values:
        raise BookingError("Choose one of the next steps offered.", code="bad_step")
    with transaction.atomic():
        # Lock the row alone, then read what it points at: on PostgreSQL a locked row
        # re-read after a concurrent decision comes with its joined rows as they were
        # before it (the new plan missing), so nothing is joined into the locking query.
        reassessment = Reassessment.objects.select_for_update().get(pk=reassessment.pk)
        if reassessment.next_step and reassessment.next_step != NextStep.LETTER:
            # One decision per reassessment: a double click or a second tab gets the first.
            return Decision(
                reassessment.next_step,
                TreatmentPlan.objects.filter(pk=reassessment.follow_up_id).first()
                if reassessment.follow_up_id
                else None,
            )
        reassessment = Reassessment.objects.select_related(
            "appointment__client", "plan", "follow_up"
        ).get(pk=reassessment.pk)
        plan = reassessment.plan
        follow_up: TreatmentPlan | None = None
        if step != NextStep.LETTER:
            if plan is None:
                raise BookingError("This visit belongs to no plan.", code="no_plan")
            follow_up = _follow_up(reassessment, plan, step, by=by, service=service)
        reassessment.next_step = step
        reassessment.follow_up = follow_up
        reassessment.decided_at = now
        reassessment.save(update_fields=["next_step", "follow_up", "decided_at"])
        log_access(
            by,
            client=reassessment.appointment.client,
            action="change",
            detail=f"reassessment next step (appointment {reassessment.appointment_id})",
        )
    return Decision(step, follow_up)


def _follow_up(
    reassessment: Reassessment,
    plan: TreatmentPlan,
    step: str,
    *,
    by: User,
    service: Service | None,
) -> TreatmentPlan | None:
    therapist = getattr(by, "therapist", None) if by.is_therapist else None
    if step == NextStep.MAINTENANCE:
        if plan.kind == PlanKind.MAINTENANCE:
            return None  # the rolling plan goes on as it is
        check_bookable(plan.service, therapist, in_plan=True)
        return plans.start_maintenance_plan(
            previous=plan,
            by=by,
            interval_weeks=recommended_interval(reassessment),
            session_minutes=plan.session_minutes,
            service=plan.service,
            therapist=therapist,
        )
    if step == NextStep.TECHNIQUE:
        if service is None or service.pk not in {
            s.pk for s in other_technique_services(plan, plan.client)
        }:
            raise BookingError(
                "Choose a treatment with another technique the client's health form allows.",
                code="bad_service",
            )
        kind = plan.kind
        if therapist is not None and not offers(therapist, service):
            # Another technique may be another therapist's: the plan is for anyone offering it.
            therapist = None
        keep = None
    else:
        service, kind = plan.service, PlanKind.ACUTE
        keep = plan.therapist
    check_bookable(service, therapist, in_plan=True)
    if kind == PlanKind.ACUTE:
        # The pain now sets the cadence; any duration under 12 weeks reads as acute.
        cadence = recommend_plan(pain_weeks=0, pain_score=reassessment.pain_now)
        fields = {"sessions_per_week": cadence.sessions_per_week, "weeks": cadence.weeks}
    else:
        fields = {"interval_weeks": plan.interval_weeks or recommended_interval(reassessment)}
    follow_up = TreatmentPlan.objects.create(
        client=plan.client,
        therapist=therapist or keep,
        kind=kind,
        session_minutes=plan.session_minutes,
        service=service,
        technique=service.technique,
        status=PlanStatus.PROPOSED,
        previous=plan,
        created_by=by,
        **fields,
    )
    if plan.status in (PlanStatus.ACTIVE, PlanStatus.PAUSED):
        plan.status = PlanStatus.COMPLETED
        plan.save(update_fields=["status"])
    # The new plan replaces this one: its visits still booked ahead are cancelled (no
    # charge, one e-mail); the client books the new plan's days and times.
    plans.cancel_replaced_visits(plan, by=by)
    return follow_up


def replaced_visits(plan: TreatmentPlan, *, now: datetime | None = None) -> list[Appointment]:
    """The plan's visits a new plan would cancel (shown before the therapist chooses)."""
    now = now or timezone.now()
    return list(
        plan.appointments.filter(status__in=Appointment.OPEN, start__gt=now)
        .select_related("location")
        .order_by("start")
    )


# --- The course review: told once when it is not working -------------------------------


def review_course(plan: TreatmentPlan, *, now: datetime | None = None) -> str:
    """Tell the therapist and the client once if the plan's course is not improving or worse.

    Returns the alert newly raised ("not_improving", "worse") or "" (none, or already told).
    The claim is one conditional UPDATE, so two visits recorded at once tell only once.
    """
    now = now or timezone.now()
    progress = progress_of(plan, today=clock.local_date(now))
    if not progress.needs_review:
        return ""
    claimed = TreatmentPlan.objects.filter(pk=plan.pk, course_alert="").update(
        course_alert=CourseAlert(progress.status), course_alert_at=now
    )
    if not claimed:
        return ""
    transaction.on_commit(partial(tasks.send_course_notices.enqueue, plan.pk))
    return progress.status


def on_visit_recorded(
    sender: object, *, visit: Visit, now: datetime | None = None, **kwargs: object
) -> None:
    """The receiver of ``bookings.signals.visit_recorded``: review the visit's course."""
    plan = visit.appointment.plan
    if plan is not None:
        review_course(plan, now=now)
