"""Treatment plans: booking a proposed plan in one transaction, and maintenance follow-ups.

Proposing is in ``bookings.proposals``; the plan rules (course, cadence, the 48-hour gap)
are in ``bookings.planning``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bookings import outbox, tasks
from bookings.appointments import cancel_appointment, check_bookable
from bookings.errors import BookingError, NotAllowed, SlotTaken
from bookings.models import Appointment, HoldCode, PlanKind, PlanStatus, TreatmentPlan
from bookings.proposals import PlanProposal, ProposedSession, plan_gap_problems
from bookings.timetable import Calendar, Slot
from clinic.models import ClientProfile, Service, Therapist, User
from clinic.roles import is_staff_booker
from intake.eligibility import Eligibility, can_book_on_days


def book_plan(
    *, proposal: PlanProposal, client: ClientProfile, by: User, now: datetime | None = None
) -> TreatmentPlan:
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
            first_start = booked[0][1].start_at
            assert first_start is not None  # booked sessions have a start
            plan.starts_on = first_start.date()
            plan.save()
            held = verdict.needs_checkin
            appointments = [
                _plan_appointment(session, slot, plan=plan, client=client, by=by, held=held)
                for session, slot in zip(sessions, slots, strict=True)
            ]
            bulk_create_with_history(appointments, Appointment, default_user=by)
            # Treating the client is what lets a therapist read the client's health records.
            client.care_team.add(*{session.therapist for session in sessions})
            transaction.on_commit(partial(outbox.plan_booked, plan))
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
    def blocked_until(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes + self.service.buffer_minutes)

    def taken(self, reason: str = "taken") -> SlotTaken:
        return SlotTaken(
            therapist=self.therapist,
            service=self.service,
            start=self.start,
            index=self.index,
            duration=self.minutes,
            reason=reason,
        )

    def unavailable(self, *, now: datetime | None, notice: bool) -> SlotTaken:
        """The error for a session whose time is not free, with the true reason."""
        return SlotTaken.explain(
            therapist=self.therapist,
            service=self.service,
            start=self.start,
            index=self.index,
            duration=self.minutes,
            now=now,
            notice=notice,
        )


def _plan_sessions(
    proposal: PlanProposal,
    booked: list[tuple[int, ProposedSession]],
    services: dict[int, Service],
    therapists: dict[int, Therapist],
) -> list[_PlanSession]:
    sessions: list[_PlanSession] = []
    sequence = 0
    for index, session in booked:
        # book_plan checked every session's service and booked only sessions with a start
        # (so with a therapist).
        start_at = session.start_at
        assert start_at is not None
        assert session.therapist_id is not None
        if session.reassessment:
            assert proposal.reassessment_service_id is not None
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
                start=start_at.astimezone(UTC),
                day=start_at.date(),
                minutes=minutes,
                sequence=number,
                reassessment=session.reassessment,
            )
        )
    return sessions


def _plan_to_book(proposal: PlanProposal, *, client: ClientProfile, by: User) -> TreatmentPlan:
    """The plan a therapist proposed (locked, so two confirmations queue), or a new one."""
    if not proposal.plan_id:
        return TreatmentPlan(
            client=client,
            created_by=by,
            previous_id=proposal.previous_id,
            status=PlanStatus.PROPOSED,
        )
    plans = TreatmentPlan.objects.select_for_update().filter(pk=proposal.plan_id, client=client)
    plan: TreatmentPlan | None = plans.first()
    if plan is None:
        raise BookingError("This plan is no longer waiting to be booked.", code="not_proposed")
    return plan


def _plan_booked_from(
    sessions: list[_PlanSession], *, client: ClientProfile
) -> TreatmentPlan | None:
    """The active plan already holding exactly these sessions, or None: one query.

    A proposal confirmed twice would otherwise meet its own first booking and be told
    "just taken" (or, for a therapist's proposed plan, find the plan no longer proposed).
    """
    wanted = {(session.start, session.therapist.pk) for session in sessions}
    found: defaultdict[int, set[tuple[datetime, int]]] = defaultdict(set)
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


def _plan_verdict(client: ClientProfile, sessions: list[_PlanSession]) -> Eligibility:
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


def _plan_slots(
    sessions: list[_PlanSession],
    *,
    client: ClientProfile,
    now: datetime | None = None,
    notice: bool = True,
) -> list[Slot]:
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
    free: dict[tuple[int, int], dict[tuple[int, datetime], Slot]] = {}
    slots: list[Slot] = []
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
        if slot is None:
            raise session.unavailable(now=now, notice=notice)
        if not busy.client.is_free(session.start, session.blocked_until):
            raise session.taken("client_busy")
        slots.append(slot)
    return slots


def _plan_appointment(
    session: _PlanSession,
    slot: Slot,
    *,
    plan: TreatmentPlan,
    client: ClientProfile,
    by: User,
    held: bool,
) -> Appointment:
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
    *,
    previous: TreatmentPlan,
    by: User,
    interval_weeks: int,
    session_minutes: int,
    service: Service,
    therapist: Therapist | None = None,
) -> TreatmentPlan:
    """After an acute plan's reassessment, the therapist proposes maintenance visits.

    The plan waits as "proposed" until the client picks days and times and confirms.
    Idempotent: the acute plan is locked, and a second request (a double click, two
    therapists at once) gets the follow-up the first one made.
    """
    with transaction.atomic():
        previous = TreatmentPlan.objects.select_for_update().get(pk=previous.pk)
        existing: TreatmentPlan | None = (
            previous.follow_ups.not_cancelled()
            .filter(kind=PlanKind.MAINTENANCE)
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
        cancel_replaced_visits(previous, by=by)
    return plan


# Why the visits of a plan a reassessment replaced are cancelled (the client reads it).
PLAN_REPLACED_REASON = "Your therapist changed your treatment plan after your reassessment."


def cancel_replaced_visits(
    plan: TreatmentPlan, *, by: User, now: datetime | None = None
) -> list[Appointment]:
    """A new plan replaces ``plan``: cancel its visits still booked ahead.

    The clinic changed the plan, so there is never a late-cancellation charge, and the
    client gets one e-mail listing them all (with one calendar file), not one per visit.
    The new plan is proposed: the client chooses its days and times. Call inside the
    transaction that makes the new plan.
    """
    now = now or timezone.now()
    cancelled = [
        cancel_appointment(
            appointment=appointment,
            by=by,
            reason=PLAN_REPLACED_REASON,
            now=now,
            clinic_decision=True,
            notify=False,
        )
        for appointment in plan.appointments.filter(
            status__in=Appointment.OPEN, start__gt=now
        ).order_by("start")
    ]
    if cancelled:
        transaction.on_commit(
            partial(tasks.send_plan_replaced_message.enqueue, plan.pk, [a.pk for a in cancelled])
        )
    return cancelled
