"""Booking workflows: one session, a whole treatment plan, reschedule, cancel, visits.

Each workflow runs in one ``transaction.atomic()``: the availability re-check and the
write share it. On SQLite the transaction is IMMEDIATE, so no other writer can slip in
between; on PostgreSQL the exclusion constraints refuse an overlapping row and the
IntegrityError becomes ``SlotTaken``, the same "just taken" answer as the re-check.
Messages go out only after the transaction commits.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bookings import notifications, tasks
from bookings.availability import (
    Calendar,
    find_slot,
    local_datetime,
    nearest_free_slots,
)
from bookings.models import Appointment, HoldCode, PlanKind, PlanStatus, TreatmentPlan, Visit
from bookings.planning import MIN_GAP_HOURS, PlanRecommendation, recommend_plan, session_targets
from clinic import clock
from clinic.models import ClientProfile, Service, Therapist
from clinic.roles import is_staff_booker
from intake.audit import log_access
from intake.eligibility import can_book, can_book_on_days
from intake.models import Intake

# A plan session may move this many days from its target to find a free slot.
MOVE_DAYS = 2


class BookingError(Exception):
    """A booking that cannot go ahead, with a message for the person booking."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class SlotTaken(BookingError):
    """The time is no longer free (taken since the page loaded, or never free)."""

    def __init__(self, *, therapist, service, start, index=None, duration=None):
        super().__init__("That time was just taken.", code="taken")
        self.therapist = therapist
        self.service = service
        self.start = start
        self.index = index
        self.duration = duration

    def alternatives(self, *, limit=3, now=None):
        return nearest_free_slots(
            self.therapist, self.service, self.start, limit=limit, duration=self.duration, now=now
        )


class NotAllowed(BookingError):
    """The client's health form does not allow booking on that date."""

    def __init__(self, eligibility):
        super().__init__(eligibility.reason, code=eligibility.code)
        self.eligibility = eligibility


def eligibility(client, day: date):
    """The intake's verdict on booking ``client`` on ``day`` (intake.eligibility.can_book)."""
    return can_book(client, on=day)


def _check_allowed(client, day):
    verdict = eligibility(client, day)
    if not verdict.allowed:
        raise NotAllowed(verdict)
    return verdict


def check_bookable(service, therapist=None, *, in_plan=False):
    """May ``service`` be booked with ``therapist``? Raise ``BookingError`` if not.

    The one check every form and flow that creates or moves an appointment makes, since
    a hand-edited request can name anything: the service is offered (active), a
    reassessment only inside a treatment plan, and the therapist is active and offers
    the service's technique.
    """
    if not service.active:
        raise BookingError(f"{service.name} is not offered any more.", code="inactive_service")
    if service.is_reassessment and not in_plan:
        raise BookingError(
            "A reassessment is booked as part of a treatment plan.", code="reassessment_only"
        )
    if therapist is not None and not (
        Therapist.objects.active().offering(service).filter(pk=therapist.pk).exists()
    ):
        raise BookingError(
            f"{therapist} does not offer {service.name.lower()}.", code="not_offered"
        )


def _create(
    *,
    client,
    therapist,
    service,
    start,
    by,
    verdict,
    duration=None,
    notice=True,
    plan=None,
    sequence=None,
    reassessment=False,
    index=None,
):
    """Write one appointment after re-checking the slot; raise SlotTaken if it is gone."""
    minutes = duration or service.duration_minutes
    taken = SlotTaken(
        therapist=therapist, service=service, start=start, index=index, duration=minutes
    )
    slot = find_slot(therapist, service, start, duration=minutes, notice=notice)
    if slot is None:
        raise taken
    start_utc = slot.start_utc
    end = start_utc + timedelta(minutes=minutes)
    blocked_until = end + timedelta(minutes=service.buffer_minutes)
    if (
        Appointment.objects.active()
        .for_client(client)
        .overlapping(start_utc, blocked_until)
        .exists()
    ):
        raise taken
    held = getattr(verdict, "needs_checkin", False)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                client=client,
                therapist=therapist,
                service=service,
                room_id=slot.room_ids[0],
                location=slot.location,
                plan=plan,
                plan_sequence=sequence,
                is_reassessment=reassessment,
                start=start_utc,
                end=end,
                blocked_until=blocked_until,
                duration_minutes=minutes,
                price=service.price,
                status=Appointment.Status.HELD if held else Appointment.Status.BOOKED,
                hold_code=HoldCode.CHECKIN if held else "",
                created_by=by,
            )
    except IntegrityError:
        # PostgreSQL's exclusion constraint: someone else's booking committed first.
        raise taken from None
    # Treating the client is what lets the therapist read the client's health records.
    client.care_team.add(therapist)
    return appointment


def book_appointment(*, client, therapist, service, start, by, now=None):
    """Book one session of ``service`` with ``therapist`` at ``start`` for ``client``.

    Raises ``NotAllowed`` when the intake does not allow booking on that date and
    ``SlotTaken`` when the time is not free (any more). Staff may book inside the
    location's minimum notice; clients may not.
    """
    check_bookable(service, therapist)
    with transaction.atomic():
        day = _visit_day(therapist, start)
        verdict = _check_allowed(client, day)
        appointment = _create(
            client=client,
            therapist=therapist,
            service=service,
            start=start,
            by=by,
            verdict=verdict,
            notice=not is_staff_booker(by),
        )
        transaction.on_commit(partial(notifications.appointment_booked, appointment))
    return appointment


def _visit_day(therapist, start):
    # The visit's local date decides eligibility: read where the therapist works (the
    # main location's zone when they have no location).
    return clock.local_date(start, therapist.locations.filter(active=True).first())


# --- Treatment plans -------------------------------------------------------------------


@dataclass
class ProposedSession:
    target: str  # ISO date the plan rules chose
    start: str | None  # ISO aware datetime, or None when nothing was free nearby
    therapist_id: int | None
    reassessment: bool = False
    moved: bool = False

    @property
    def start_at(self):
        return datetime.fromisoformat(self.start) if self.start else None


@dataclass
class PlanProposal:
    """A plan as proposed, kept in the session (plain values) until the client confirms."""

    client_id: int
    kind: str
    sessions_per_week: int | None
    weeks: int | None
    interval_weeks: int | None
    session_minutes: int
    service_id: int
    technique_id: int
    reassessment_service_id: int | None
    therapist_id: int | None
    weekdays: list[int]
    preferred_time: str
    first_day: str
    sessions: list[ProposedSession]
    plan_id: int | None = None  # a plan a therapist proposed (a maintenance plan)
    previous_id: int | None = None
    # Names this proposal in the page's forms, so that a page showing an older proposal
    # (another tab) cannot confirm, drop or move sessions of the newer one.
    token: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["sessions"] = [ProposedSession(**session) for session in data["sessions"]]
        return cls(**data)

    @property
    def recommendation(self):
        return PlanRecommendation(
            kind=self.kind,
            sessions_per_week=self.sessions_per_week,
            weeks=self.weeks,
            interval_weeks=self.interval_weeks,
            session_minutes=self.session_minutes,
            reassessment=self.kind == PlanKind.ACUTE,
        )


def recommendation_for(client, *, on: date):
    """The plan the client's current intake calls for, or None without a completed intake.

    Weeks of pain are counted from the onset date on the day of the proposal.
    """
    intake = Intake.objects.current_for(client)
    if intake is None:
        return None
    return recommend_plan(pain_weeks=intake.pain_weeks(on=on), pain_score=intake.pain_now or 0)


def reassessment_service():
    return (
        Service.objects.active().filter(is_reassessment=True).order_by("duration_minutes").first()
    )


def propose_plan(
    *,
    client,
    recommendation,
    service,
    weekdays,
    preferred_time: time,
    first_day: date,
    therapist=None,
    plan=None,
    previous=None,
    now=None,
):
    """A ``PlanProposal``: each session at the preferred day and time, or the nearest free.

    A taken target moves to the nearest free slot within two days (smallest difference
    from the wanted time; a tie goes to the earlier). Every session is at least 48 hours
    after the one before, checked on the real start times. With no ``therapist``, any
    active therapist offering the service is considered, keeping the previous session's
    therapist when two are equally near.
    """
    targets = session_targets(recommendation, first_day=first_day, weekdays=list(weekdays))
    acute = recommendation.kind == PlanKind.ACUTE
    session_days = targets[:-1] if acute else targets
    review_service = reassessment_service() if acute else None
    services = [service] + ([review_service] if review_service else [])
    first, last = targets[0] - timedelta(days=MOVE_DAYS), targets[-1] + timedelta(days=MOVE_DAYS)
    # One read of timetables, rooms, closures and busy time (the client's own bookings
    # included) serves every session and the reassessment, however many sessions.
    if therapist:
        calendar = Calendar(services, first, last, therapist_ids=[therapist.pk])
    else:
        calendar = Calendar(services, first, last, offering=service)
    busy = calendar.busy_time(first, last, client=client)
    session_slots = _flatten(
        calendar.slots(service, first, last, busy, duration=recommendation.session_minutes, now=now)
    )
    review_slots = []
    if review_service is not None:
        review_slots = _flatten(
            calendar.slots(
                review_service,
                targets[-1] - timedelta(days=MOVE_DAYS),
                targets[-1] + timedelta(days=MOVE_DAYS),
                busy,
                now=now,
            )
        )
    client_busy = busy.client
    sessions = []
    previous_start = None
    previous_therapist = therapist.pk if therapist else None
    plan_days = [(day, False, session_slots, service) for day in session_days]
    if acute and review_service is not None:
        plan_days.append((targets[-1], True, review_slots, review_service))
    for day, is_review, slots, for_service in plan_days:
        minutes = recommendation.session_minutes if not is_review else for_service.duration_minutes
        span = timedelta(minutes=minutes + for_service.buffer_minutes)
        chosen = _choose(
            slots, day, preferred_time, previous_start, previous_therapist, client_busy, span
        )
        if chosen is None:
            sessions.append(ProposedSession(day.isoformat(), None, None, is_review))
            continue
        slot, wanted = chosen
        sessions.append(
            ProposedSession(
                target=day.isoformat(),
                start=slot.start.isoformat(),
                therapist_id=slot.therapist_id,
                reassessment=is_review,
                moved=slot.start_utc != wanted,
            )
        )
        previous_start, previous_therapist = slot.start_utc, slot.therapist_id
    return PlanProposal(
        client_id=client.pk,
        kind=recommendation.kind,
        sessions_per_week=recommendation.sessions_per_week,
        weeks=recommendation.weeks,
        interval_weeks=recommendation.interval_weeks,
        session_minutes=recommendation.session_minutes,
        service_id=service.pk,
        technique_id=service.technique_id,
        reassessment_service_id=review_service.pk if review_service else None,
        therapist_id=therapist.pk if therapist else None,
        weekdays=sorted(weekdays),
        preferred_time=preferred_time.strftime("%H:%M"),
        first_day=first_day.isoformat(),
        sessions=sessions,
        plan_id=plan.pk if plan else None,
        previous_id=previous.pk if previous else None,
    )


def _flatten(by_therapist):
    return [slot for slots in by_therapist.values() for slot in slots]


def _choose(slots, day, preferred_time, previous_start, previous_therapist, client_busy, span):
    """The nearest acceptable slot to ``day`` at ``preferred_time``, and the wanted UTC time."""
    wanted_by_zone = {}
    best = None
    gap = timedelta(hours=MIN_GAP_HOURS)
    for slot in slots:
        if abs((slot.start.date() - day).days) > MOVE_DAYS:
            continue
        if previous_start is not None and slot.start_utc < previous_start + gap:
            continue
        if not client_busy.is_free(slot.start_utc, slot.start_utc + span):
            continue
        zone = slot.location.zone
        if zone not in wanted_by_zone:
            wanted = local_datetime(day, preferred_time, zone) or datetime.combine(
                day, preferred_time, tzinfo=zone
            )
            wanted_by_zone[zone] = wanted.astimezone(UTC)
        wanted = wanted_by_zone[zone]
        key = (
            abs(slot.start_utc - wanted),
            slot.start_utc,
            slot.therapist_id != previous_therapist,
            slot.therapist_id,
        )
        if best is None or key < best[0]:
            best = (key, slot, wanted)
    return None if best is None else (best[1], best[2])


def gap_problems(starts) -> list[int]:
    """Indexes of ``starts`` less than 48 hours after the one before (``None`` skipped).

    The one rule for a plan's sessions (DESIGN.md, "Treatment plans"), whether a plan is
    booked or one of its sessions is moved.
    """
    gap = timedelta(hours=MIN_GAP_HOURS)
    problems = []
    previous = None
    for index, start in enumerate(starts):
        if start is None:
            continue
        if previous is not None and start - previous < gap:
            problems.append(index)
        previous = start
    return problems


def plan_gap_problems(sessions):
    """Indexes of proposed sessions less than 48 hours after the one before (after edits)."""
    return gap_problems([session.start_at for session in sessions])


def _check_plan_gap(appointment, start_utc):
    """A plan's session may move only where it stays 48 hours from the plan's others."""
    if appointment.plan_id is None:
        return
    others = (
        Appointment.objects.filter(plan_id=appointment.plan_id, status__in=Appointment.OCCUPYING)
        .exclude(pk=appointment.pk)
        .values_list("start", flat=True)
    )
    if gap_problems(sorted([*others, start_utc])):
        raise BookingError(
            "Sessions of a treatment plan are at least 48 hours apart. Choose another time.",
            code="gap",
        )


def book_plan(*, proposal: PlanProposal, client, by, now=None):
    """Write the plan and all its sessions in one transaction, or nothing.

    Raises ``SlotTaken`` (with ``index``, the session that collided) or ``NotAllowed``;
    either way nothing is written. Confirming the same proposal again (a double click,
    a second tab) returns the plan already booked from it and writes nothing more.

    The cost does not grow with the number of sessions: the health form is asked about
    the first and the last session's day, the timetables and busy time are read once
    (``Calendar``) and every session is checked in memory, then all are written with
    one insert. The database constraints stay the guarantee against a booking that
    commits in between (exclusion constraints on PostgreSQL; on SQLite the immediate
    transaction keeps other writers out from the first read to the write).
    """
    if proposal.client_id != client.pk:
        raise BookingError("This proposal is for another client.", code="wrong_client")
    booked = [(index, s) for index, s in enumerate(proposal.sessions) if s.start]
    if not booked:
        raise BookingError("There are no sessions to book.", code="empty")
    if plan_gap_problems([s for _, s in booked]):
        raise BookingError(
            "Two sessions are less than 48 hours apart. Move or drop one.", code="gap"
        )
    services = Service.objects.in_bulk([proposal.service_id, proposal.reassessment_service_id])
    therapists = Therapist.objects.select_related("user").in_bulk(
        {s.therapist_id for _, s in booked} | ({proposal.therapist_id} - {None})
    )
    # One check per service and therapist the plan uses, not per session.
    pairs = {
        (
            proposal.reassessment_service_id if session.reassessment else proposal.service_id,
            session.therapist_id or proposal.therapist_id,
        )
        for _, session in booked
    }
    for service_id, therapist_id in pairs:
        if service_id not in services:
            raise BookingError("That treatment is not offered any more.", code="no_service")
        check_bookable(services[service_id], therapists.get(therapist_id), in_plan=True)
    notice = not is_staff_booker(by)
    sessions = _plan_sessions(proposal, booked, services, therapists)
    try:
        with transaction.atomic():
            plan = _plan_to_book(proposal, client=client, by=by)
            repeat = _plan_booked_from(sessions, client=client)
            if repeat is not None:
                return repeat
            if plan.status != PlanStatus.PROPOSED:
                raise BookingError(
                    "This plan is no longer waiting to be booked.", code="not_proposed"
                )
            verdict = _plan_verdict(client, sessions)
            slots = _plan_slots(sessions, client=client, now=now, notice=notice)
            plan.kind = proposal.kind
            plan.sessions_per_week = proposal.sessions_per_week
            plan.weeks = proposal.weeks
            plan.interval_weeks = proposal.interval_weeks
            plan.session_minutes = proposal.session_minutes
            plan.service_id = proposal.service_id
            plan.technique_id = proposal.technique_id
            plan.therapist_id = proposal.therapist_id
            plan.status = PlanStatus.ACTIVE
            plan.starts_on = booked[0][1].start_at.date()
            plan.save()
            held = verdict.needs_checkin
            appointments = [
                _plan_appointment(session, slot, plan=plan, client=client, by=by, held=held)
                for session, slot in zip(sessions, slots, strict=True)
            ]
            bulk_create_with_history(appointments, Appointment, default_user=by)
            # Treating the client is what lets a therapist read the client's health records.
            client.care_team.add(*{session.therapist for session in sessions})
            transaction.on_commit(partial(notifications.plan_booked, plan))
    except IntegrityError:
        # PostgreSQL's exclusion constraints: a booking committed after our check. It may
        # be this very plan, confirmed twice at once; otherwise name the session it took.
        repeat = _plan_booked_from(sessions, client=client)
        if repeat is not None:
            return repeat
        with transaction.atomic():
            _plan_slots(sessions, client=client, now=now, notice=notice)
        session = sessions[0]
        raise session.taken() from None
    return plan


@dataclass
class _PlanSession:
    """One proposed session ready to check and write: who, what, when and its number."""

    index: int
    therapist: Therapist
    service: Service
    start: datetime  # UTC
    day: date  # the local date at the slot's location, as proposed
    minutes: int
    sequence: int
    reassessment: bool

    @property
    def blocked_until(self):
        return self.start + timedelta(minutes=self.minutes + self.service.buffer_minutes)

    def taken(self):
        return SlotTaken(
            therapist=self.therapist,
            service=self.service,
            start=self.start,
            index=self.index,
            duration=self.minutes,
        )


def _plan_sessions(proposal, booked, services, therapists):
    sessions, sequence = [], 0
    for index, session in booked:
        if session.reassessment:
            service = services[proposal.reassessment_service_id]
            minutes = service.duration_minutes
            # The reassessment comes after the last session, whatever was dropped.
            number = sequence + 1
        else:
            service = services[proposal.service_id]
            minutes = proposal.session_minutes
            sequence += 1
            number = sequence
        sessions.append(
            _PlanSession(
                index=index,
                therapist=therapists[session.therapist_id],
                service=service,
                start=session.start_at.astimezone(UTC),
                day=session.start_at.date(),
                minutes=minutes,
                sequence=number,
                reassessment=session.reassessment,
            )
        )
    return sessions


def _plan_to_book(proposal, *, client, by):
    """The plan a therapist proposed (locked, so two confirmations queue), or a new one."""
    if not proposal.plan_id:
        return TreatmentPlan(
            client=client,
            created_by=by,
            previous_id=proposal.previous_id,
            status=PlanStatus.PROPOSED,
        )
    plan = TreatmentPlan.objects.select_for_update().filter(pk=proposal.plan_id, client=client)
    plan = plan.first()
    if plan is None:
        raise BookingError("This plan is no longer waiting to be booked.", code="not_proposed")
    return plan


def _plan_booked_from(sessions, *, client):
    """The active plan already holding exactly these sessions, or None: one query.

    A proposal confirmed twice would otherwise meet its own first booking and be told
    "just taken" (or, for a therapist's proposed plan, find the plan no longer proposed).
    """
    wanted = {(session.start, session.therapist.pk) for session in sessions}
    found = defaultdict(set)
    rows = (
        Appointment.objects.active()
        .for_client(client)
        .filter(plan__status=PlanStatus.ACTIVE, start__in=[start for start, _ in wanted])
        .values_list("plan_id", "start", "therapist_id")
    )
    for plan_id, start, therapist_id in rows:
        found[plan_id].add((start, therapist_id))
    plan_id = next((pk for pk, pairs in found.items() if pairs == wanted), None)
    return TreatmentPlan.objects.get(pk=plan_id) if plan_id else None


def _plan_verdict(client, sessions):
    """The health form's verdict on every session's day, read once; raises ``NotAllowed``.

    The first refused day (in date order) is the one explained. When every day is
    allowed, a verdict that asks for the pre-visit check-in wins, so held sessions are
    held.
    """
    verdicts = can_book_on_days(client, sorted({session.day for session in sessions}))
    for verdict in verdicts.values():
        if not verdict.allowed:
            raise NotAllowed(verdict)
    return next((v for v in verdicts.values() if v.needs_checkin), next(iter(verdicts.values())))


def _plan_slots(sessions, *, client, now=None, notice=True):
    """The free ``Slot`` for each session, checked in memory; raises ``SlotTaken``.

    One ``Calendar`` (working hours, rooms, closures) and one busy-time read, the
    client's own bookings included, serve every session: five queries however many.
    """
    # A slot's local date depends on its location's zone, so read a day either side.
    first = min(s.start for s in sessions).date() - timedelta(days=1)
    last = max(s.start for s in sessions).date() + timedelta(days=1)
    services = list({s.service.pk: s.service for s in sessions}.values())
    therapist_ids = sorted({s.therapist.pk for s in sessions})
    calendar = Calendar(services, first, last, therapist_ids=therapist_ids)
    busy = calendar.busy_time(first, last, client=client)
    free = {}
    slots = []
    for session in sessions:
        key = (session.service.pk, session.minutes)
        if key not in free:
            found = calendar.slots(
                session.service,
                first,
                last,
                busy,
                duration=session.minutes,
                now=now,
                notice=notice,
            )
            free[key] = {
                (slot.therapist_id, slot.start_utc): slot for by in found.values() for slot in by
            }
        slot = free[key].get((session.therapist.pk, session.start))
        if slot is None or not busy.client.is_free(session.start, session.blocked_until):
            raise session.taken()
        slots.append(slot)
    return slots


def _plan_appointment(session, slot, *, plan, client, by, held):
    end = session.start + timedelta(minutes=session.minutes)
    return Appointment(
        client=client,
        therapist=session.therapist,
        service=session.service,
        room_id=slot.room_ids[0],
        location=slot.location,
        plan=plan,
        plan_sequence=session.sequence,
        is_reassessment=session.reassessment,
        start=session.start,
        end=end,
        blocked_until=session.blocked_until,
        duration_minutes=session.minutes,
        price=session.service.price,
        status=Appointment.Status.HELD if held else Appointment.Status.BOOKED,
        hold_code=HoldCode.CHECKIN if held else "",
        created_by=by,
    )


def start_maintenance_plan(
    *, previous, by, interval_weeks, session_minutes, service, therapist=None
):
    """After an acute plan's reassessment, the therapist proposes maintenance visits.

    The plan waits as "proposed" until the client picks days and times and confirms.
    Idempotent: the acute plan is locked, and a second request (a double click, two
    therapists at once) gets the follow-up the first one made.
    """
    with transaction.atomic():
        previous = TreatmentPlan.objects.select_for_update().get(pk=previous.pk)
        existing = (
            previous.follow_ups.filter(kind=PlanKind.MAINTENANCE)
            .exclude(status=PlanStatus.CANCELLED)
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing
        reassessed = previous.appointments.filter(
            is_reassessment=True, status=Appointment.Status.COMPLETED
        ).exists()
        if previous.kind != PlanKind.ACUTE or not reassessed:
            raise BookingError(
                "A maintenance plan follows an acute plan's completed reassessment.",
                code="not_reassessed",
            )
        plan = TreatmentPlan.objects.create(
            client=previous.client,
            therapist=therapist or previous.therapist,
            kind=PlanKind.MAINTENANCE,
            interval_weeks=interval_weeks,
            session_minutes=session_minutes,
            service=service,
            technique=service.technique,
            status=PlanStatus.PROPOSED,
            previous=previous,
            created_by=by,
        )
        previous.status = PlanStatus.COMPLETED
        previous.save(update_fields=["status"])
    return plan


# --- Changing and cancelling ----------------------------------------------------------


def _locked(appointment):
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location", "service", "therapist__user", "client__user")
        .get(pk=appointment.pk)
    )


def reschedule_appointment(*, appointment, start, by, reason="", now=None):
    """Move ``appointment`` to ``start`` with the same therapist and service.

    Clients may do so up to the location's cut-off; staff at any time, with a reason.
    Raises ``BookingError`` (window, reason), ``NotAllowed`` or ``SlotTaken``.
    """
    now = now or timezone.now()
    staff = is_staff_booker(by)
    with transaction.atomic():
        appointment = _locked(appointment)
        if not appointment.is_open:
            raise BookingError("This appointment can no longer be changed.", code="closed")
        if staff and not reason.strip():
            raise BookingError("Give a reason for the change.", code="reason_required")
        if not staff and not appointment.client_may_reschedule(now):
            raise BookingError(
                f"Appointments can be moved online up to "
                f"{appointment.location.cancellation_cutoff_hours} hours before the start. "
                "Please call us, or cancel instead.",
                code="too_late",
            )
        check_bookable(
            appointment.service, appointment.therapist, in_plan=appointment.plan_id is not None
        )
        new_day = clock.local_date(start, appointment.location)
        verdict = _check_allowed(appointment.client, new_day)
        minutes = appointment.duration_minutes
        taken = SlotTaken(
            therapist=appointment.therapist,
            service=appointment.service,
            start=start,
            duration=minutes,
        )
        slot = find_slot(
            appointment.therapist,
            appointment.service,
            start,
            duration=minutes,
            now=now,
            notice=not staff,
            exclude_ids=[appointment.pk],
        )
        if slot is None:
            raise taken
        start_utc = slot.start_utc
        end = start_utc + timedelta(minutes=minutes)
        blocked_until = end + timedelta(minutes=appointment.service.buffer_minutes)
        clash = (
            Appointment.objects.active()
            .for_client(appointment.client)
            .overlapping(start_utc, blocked_until)
            .exclude(pk=appointment.pk)
            .exists()
        )
        if clash:
            raise taken
        _check_plan_gap(appointment, start_utc)
        old_start = appointment.start
        appointment.start = start_utc
        appointment.end = end
        appointment.blocked_until = blocked_until
        appointment.room_id = slot.room_ids[0]
        appointment.location = slot.location
        # A new time needs its own reminder and check-in.
        appointment.reminder_sent_at = None
        appointment.checkin_confirmed_at = None
        if verdict.needs_checkin:
            appointment.status = Appointment.Status.HELD
            appointment.hold_code = HoldCode.CHECKIN
        try:
            with transaction.atomic():
                appointment.save(
                    update_fields=[
                        "start",
                        "end",
                        "blocked_until",
                        "room",
                        "location",
                        "reminder_sent_at",
                        "checkin_confirmed_at",
                        "status",
                        "hold_code",
                    ]
                )
        except IntegrityError:
            raise taken from None
        transaction.on_commit(
            partial(notifications.appointment_rescheduled, appointment, old_start=old_start)
        )
    return appointment


def cancel_appointment(*, appointment, by, reason="", now=None):
    """Cancel; a client's cancellation after the cut-off is marked late.

    Staff may cancel at any time and must give a reason. The time is free at once.
    """
    now = now or timezone.now()
    staff = is_staff_booker(by)
    with transaction.atomic():
        appointment = _locked(appointment)
        if not appointment.is_open:
            raise BookingError("This appointment is not open any more.", code="closed")
        if staff:
            if not reason.strip():
                raise BookingError("Give a reason for cancelling.", code="reason_required")
            late = False
        else:
            if not appointment.client_may_cancel(now):
                raise BookingError(
                    "This appointment has already started; please call us.", code="started"
                )
            late = appointment.cancel_would_be_late(now)
        appointment.cancel(by=by, reason=reason.strip(), late=late, now=now)
        transaction.on_commit(partial(notifications.appointment_cancelled, appointment))
    return appointment


def mark_no_show(*, appointment, by, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if not appointment.may_mark_no_show(now):
            raise BookingError(
                "Only an open appointment that has started can be marked as missed.",
                code="not_started",
            )
        appointment.mark_no_show(by=by)
    return appointment


def hold_appointment(*, appointment):
    """Staff put a booked visit on hold (it keeps its time); ``release_hold`` lifts it."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status != Appointment.Status.BOOKED:
            raise BookingError("Only a booked appointment can be put on hold.", code="not_booked")
        appointment.hold(HoldCode.STAFF)
    return appointment


def release_hold(*, appointment):
    """Lift a hold (front desk, or the treating therapist): the visit goes ahead as booked.

    Only while the client's health form allows a visit on the appointment's local date:
    raises ``NotAllowed`` otherwise, and ``BookingError`` when it is not on hold.
    """
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status != Appointment.Status.HELD:
            raise BookingError("This appointment is not on hold.", code="not_held")
        _check_allowed(appointment.client, appointment.local_start.date())
        appointment.release_hold()
    return appointment


# --- Holds: the health form rules a booked visit out ---------------------------------


def hold_and_tell(appointment, code, *, kind):
    """Hold a locked ``appointment`` for ``code`` and tell who must act, after the commit.

    Once per hold: an appointment already held for ``code`` is left as it is and nobody
    is told twice. ``kind`` is the notice: "hold" and "call" (the check-in, to the
    therapist), "gate" (the health form now rules the visit out: the therapist, front
    desk and the client). Returns whether the appointment was newly held.
    """
    if appointment.status == Appointment.Status.HELD and appointment.hold_code == code:
        return False
    appointment.hold(code)
    transaction.on_commit(partial(tasks.send_hold_notices.enqueue, appointment.pk, kind))
    return True


def recheck_client(client, *, now=None) -> list[Appointment]:
    """Hold each of ``client``'s future open appointments the health form now rules out.

    Called whenever the client's booking permission may have changed (a new intake, a
    therapist's decision, a catalog category made stronger, and daily by
    ``manage.py recheck_holds`` as a safety net); each appointment is judged on its own
    local date by the same gate as booking. Held visits stay held until staff lift the
    hold (``release_hold``, which asks the gate again). Returns the newly held.
    """
    now = now or timezone.now()
    held = []
    with transaction.atomic():
        appointments = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("location")
            .filter(client=client, status__in=Appointment.OPEN, start__gt=now)
            .order_by("start")
        )
        verdicts = {}
        for appointment in appointments:
            day = appointment.local_start.date()
            if day not in verdicts:
                verdicts[day] = eligibility(client, day)
            if verdicts[day].allowed:
                continue
            if hold_and_tell(appointment, HoldCode.HEALTH_GATE, kind="gate"):
                held.append(appointment)
    return held


def on_eligibility_changed(sender, *, client, **kwargs):
    """The receiver of ``intake.signals.eligibility_changed`` (connected in apps.py)."""
    recheck_client(client)


def recheck_clients_with_open_visits(*, now=None) -> int:
    """``recheck_client`` for every client with a future open appointment; how many held."""
    now = now or timezone.now()
    client_ids = (
        Appointment.objects.filter(status__in=Appointment.OPEN, start__gt=now)
        .values_list("client_id", flat=True)
        .distinct()
    )
    held = 0
    for client in ClientProfile.objects.filter(pk__in=client_ids):
        held += len(recheck_client(client, now=now))
    return held


def record_visit(*, appointment, by, pain_score, notes="", now=None):
    """Record the visit (pain score and notes) and mark the appointment completed."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status not in Appointment.OPEN or now < appointment.start:
            raise BookingError(
                "A visit can be recorded once an open appointment has started.",
                code="not_started",
            )
        visit = Visit.objects.create(
            appointment=appointment,
            pain_score=pain_score,
            notes=notes,
            recorded_by=by,
            recorded_at=now,
        )
        appointment.status = Appointment.Status.COMPLETED
        appointment.save(update_fields=["status"])
        log_access(
            by, client=appointment.client, action="change", detail=f"visit notes (visit {visit.pk})"
        )
    return visit
