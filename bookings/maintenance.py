"""Rolling maintenance plans: keep the next visits booked ahead; pause, resume and stop.

A maintenance plan has no end date. ``renew_plan`` keeps ``AHEAD`` future visits booked at
the plan's interval, after each maintenance visit is recorded (``visit_recorded``) and
daily from ``manage.py renew_maintenance``. New visits go through the same checks as any
plan booking: ``check_bookable``, the health form's verdict for each day (a refused day
is skipped, a day needing the check-in is booked on hold), and the nearest free slot
within two days of the target at the usual time (``proposals.propose_plan``). Chronic pain
is reassessed every 12 weeks: the first new visit 12 weeks or more after the last
reassessment is marked as one.

Safe to run twice at once: the plan row is locked (``select_for_update``) for the whole
renewal, so a second run waits, then finds the visits booked and books nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from simple_history.utils import bulk_create_with_history

from bookings import notifications, outbox
from bookings.appointments import cancel_appointment, check_bookable
from bookings.errors import BookingError, SlotTaken
from bookings.models import Appointment, PlanKind, PlanStatus, TreatmentPlan, Visit
from bookings.planning import MAINTENANCE_SESSIONS
from bookings.plans import _plan_appointment, _plan_sessions, _plan_slots
from bookings.progress import reassessment_due
from bookings.proposals import propose_plan
from bookings.tasks import send_plan_message
from clinic import clock
from clinic.models import Service, Therapist, User
from intake.eligibility import can_book_on_days

# Future visits an active maintenance plan keeps booked.
AHEAD = MAINTENANCE_SESSIONS


@dataclass
class Renewal:
    """What one renewal did: the visits booked, and why others were not."""

    booked: list[Appointment] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)


def _last_reassessment_day(plan: TreatmentPlan, visits: list[Appointment]) -> date | None:
    """The last reassessment of the plan or the plan it follows; else the plan's start."""
    plan_ids = [plan.pk] + ([plan.previous_id] if plan.previous_id else [])
    last = (
        Appointment.objects.filter(
            plan_id__in=plan_ids, is_reassessment=True, status__in=Appointment.OCCUPYING
        )
        .select_related("location")
        .order_by("-start")
        .first()
    )
    if last is not None:
        day: date = last.local_start.date()
        return day
    if plan.starts_on:
        return plan.starts_on
    return visits[0].local_start.date() if visits else None


def renew_plan(
    plan: TreatmentPlan, *, now: datetime | None = None, by: User | None = None
) -> Renewal:
    """Book an active maintenance plan's next visits so that ``AHEAD`` are ahead of ``now``.

    Nothing for any other plan (acute, proposed, paused, stopped), nor for a plan without
    a visit to follow. Returns a ``Renewal``; never raises for a refusal (it is listed).
    """
    now = now or timezone.now()
    result = Renewal()
    try:
        with transaction.atomic():
            _renew(plan.pk, now=now, by=by, result=result)
    except (SlotTaken, IntegrityError):
        # A booking committed between the proposal and the write: the next run retries.
        result.booked = []
        result.held_back.append("A time was just taken; the next run tries again.")
    return result


def _renew(plan_id: int, *, now: datetime, by: User | None, result: Renewal) -> None:
    plan = (
        TreatmentPlan.objects.select_for_update(of=("self",))
        .select_related("client", "service", "therapist")
        .get(pk=plan_id)
    )
    if plan.kind != PlanKind.MAINTENANCE or plan.status != PlanStatus.ACTIVE:
        return
    if not plan.interval_weeks:
        return
    visits = list(
        plan.appointments.filter(status__in=Appointment.OCCUPYING)
        .select_related("location", "therapist__user")
        .order_by("start")
    )
    ahead = [a for a in visits if a.status in Appointment.OPEN and a.start > now]
    need = AHEAD - len(ahead)
    if need <= 0 or not visits:
        return
    last = visits[-1]
    therapist: Therapist = plan.therapist or last.therapist
    service: Service = plan.service
    try:
        check_bookable(service, therapist, in_plan=True)
    except BookingError as error:
        result.held_back.append(error.message)
        return
    local = last.local_start
    interval = timedelta(weeks=plan.interval_weeks)
    target = local.date() + interval
    today = clock.local_date(now, last.location)
    if target <= today:
        # Resumed after a pause, or the visits lapsed: start again from tomorrow.
        target = today + timedelta(days=1)
    proposal = propose_plan(
        client=plan.client,
        recommendation=plan.recommendation,
        service=service,
        weekdays=[target.weekday()],
        preferred_time=local.time().replace(tzinfo=None),
        first_day=target,
        therapist=therapist,
        plan=plan,
        now=now,
    )
    wanted = proposal.sessions[:need]
    found = [(index, s) for index, s in enumerate(wanted) if s.start]
    result.held_back += [
        f"Nothing free within two days of {s.target}." for s in wanted if not s.start
    ]
    if not found:
        return
    sessions = _plan_sessions(proposal, found, {service.pk: service}, {therapist.pk: therapist})
    verdicts = can_book_on_days(plan.client, sorted({s.day for s in sessions}))
    allowed = []
    for session in sessions:
        if verdicts[session.day].allowed:
            allowed.append(session)
        else:
            result.held_back.append(
                f"The health form does not allow a visit on {session.day.isoformat()}."
            )
    if not allowed:
        return
    sequence = max((a.plan_sequence or 0) for a in visits)
    last_review = _last_reassessment_day(plan, visits)
    for session in allowed:
        sequence += 1
        session.sequence = sequence
        if last_review is not None and reassessment_due(last_review, session.day):
            session.reassessment = True
            last_review = session.day
    slots = _plan_slots(allowed, client=plan.client, now=now, notice=False)
    appointments = [
        _plan_appointment(
            session,
            slot,
            plan=plan,
            client=plan.client,
            by=by,  # type: ignore[arg-type]  # None: the daily run booked it
            held=verdicts[session.day].needs_checkin,
        )
        for session, slot in zip(allowed, slots, strict=True)
    ]
    with transaction.atomic():
        bulk_create_with_history(appointments, Appointment, default_user=by)
    plan.client.care_team.add(therapist)
    result.booked = appointments
    transaction.on_commit(partial(_announce, plan))


def _announce(plan: TreatmentPlan) -> None:
    """After the commit: reminders for the new visits, and the client's list of visits."""
    for appointment in plan.appointments.filter(
        status__in=Appointment.OPEN, reminder_sent_at__isnull=True
    ):
        outbox.schedule_reminder(appointment)  # type: ignore[no-untyped-call]
    if notifications.wants_email(plan.client):  # type: ignore[no-untyped-call]
        visits = notifications.plan_visits(outbox.open_visits(plan))  # type: ignore[no-untyped-call]
        send_plan_message.enqueue(plan.pk, renewed=True, visits=visits)


def renew_all(*, now: datetime | None = None) -> tuple[int, int]:
    """``renew_plan`` for every active maintenance plan: (visits booked, plans held back)."""
    now = now or timezone.now()
    booked = held = 0
    plan_ids = (
        TreatmentPlan.objects.active()
        .filter(kind=PlanKind.MAINTENANCE)
        .values_list("pk", flat=True)
    )
    for plan in TreatmentPlan.objects.filter(pk__in=list(plan_ids)).order_by("pk"):
        renewal = renew_plan(plan, now=now)
        booked += len(renewal.booked)
        held += bool(renewal.held_back)
    return booked, held


@task()
def renew_maintenance_plan(plan_id: int) -> int:
    """Renew one plan in the background (after a visit is recorded); the visits booked."""
    plan = TreatmentPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return 0
    return len(renew_plan(plan).booked)


def on_visit_recorded(sender: object, *, visit: Visit, **kwargs: object) -> None:
    """The receiver of ``visit_recorded``: a maintenance visit renews its plan after commit."""
    plan = visit.appointment.plan
    if plan is not None and plan.kind == PlanKind.MAINTENANCE:
        transaction.on_commit(partial(renew_maintenance_plan.enqueue, plan.pk), robust=True)


# --- Pause, resume, stop -----------------------------------------------------------------


def _locked_maintenance(plan: TreatmentPlan, statuses: tuple[str, ...]) -> TreatmentPlan:
    locked: TreatmentPlan = TreatmentPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if locked.kind != PlanKind.MAINTENANCE:
        raise BookingError("Only a maintenance plan can be paused or stopped.", code="not_rolling")
    if locked.status not in statuses:
        raise BookingError(
            f"This plan is {locked.get_status_display().lower()}; that cannot be done now.",
            code="wrong_status",
        )
    return locked


def pause_plan(*, plan: TreatmentPlan, by: User, now: datetime | None = None) -> TreatmentPlan:
    """No new visits are booked while paused; the visits already booked stay booked."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = _locked_maintenance(plan, (PlanStatus.ACTIVE,))
        plan.status = PlanStatus.PAUSED
        plan.paused_at = now
        plan.save(update_fields=["status", "paused_at"])
    return plan


def resume_plan(*, plan: TreatmentPlan, by: User, now: datetime | None = None) -> Renewal:
    """Active again, and the next visits booked at once."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_maintenance(plan, (PlanStatus.PAUSED,))
        locked.status = PlanStatus.ACTIVE
        locked.paused_at = None
        locked.save(update_fields=["status", "paused_at"])
    return renew_plan(locked, now=now, by=by)


def stop_plan(*, plan: TreatmentPlan, by: User, now: datetime | None = None) -> list[Appointment]:
    """Stop the plan for good: its future visits are cancelled (the usual rules apply)."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = _locked_maintenance(plan, (PlanStatus.ACTIVE, PlanStatus.PAUSED))
        plan.status = PlanStatus.STOPPED
        plan.stopped_at = now
        plan.save(update_fields=["status", "stopped_at"])
        cancelled = [
            cancel_appointment(
                appointment=appointment,
                by=by,
                reason="The maintenance plan was stopped.",
                now=now,
            )
            for appointment in plan.appointments.filter(
                status__in=Appointment.OPEN, start__gt=now
            ).order_by("start")
        ]
    return cancelled
