"""One appointment's life: book, reschedule, cancel, no-show, hold, release, record visit.

Each workflow runs in one ``transaction.atomic()``: the availability re-check and the
write share it. On SQLite the transaction is IMMEDIATE, so no other writer can slip in
between; on PostgreSQL the exclusion constraints refuse an overlapping row and the
IntegrityError becomes ``SlotTaken``, the same "just taken" answer as the re-check
(a time the re-check refuses for another reason, past, off the grid or out of hours,
says so: ``SlotTaken.explain``).
Messages go out only after the transaction commits. Treatment plans are in
``bookings.plans`` (booking a whole plan) and ``bookings.proposals`` (proposing one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from bookings import outbox, tasks, visits
from bookings.availability import (
    find_slot,
)
from bookings.errors import BookingError, NotAllowed, SlotTaken
from bookings.models import (
    Appointment,
    DayOfCheck,
    DayOfOutcome,
    HoldCode,
    TreatmentPlan,
    Visit,
)
from bookings.planning import gap_problems
from bookings.signals import visit_recorded
from clinic import clock
from clinic.models import ClientProfile, Service, Technique, Therapist, User
from clinic.roles import is_desk, is_staff_booker
from intake.access import can_see_health_data
from intake.audit import log_access
from intake.eligibility import Eligibility, can_book
from library.models import Article


def eligibility(client: ClientProfile, day: date) -> Eligibility:
    """The intake's verdict on booking ``client`` on ``day`` (intake.eligibility.can_book)."""
    return can_book(client, on=day)


def _check_allowed(client: ClientProfile, day: date) -> Eligibility:
    verdict = eligibility(client, day)
    if not verdict.allowed:
        raise NotAllowed(verdict)
    return verdict


def check_bookable(
    service: Service, therapist: Therapist | None = None, *, in_plan: bool = False
) -> None:
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
        raise BookingError(f"{therapist} does not offer {service.name}.", code="not_offered")


def _create(
    *,
    client: ClientProfile,
    therapist: Therapist,
    service: Service,
    start: datetime,
    by: User,
    verdict: Eligibility,
    duration: int | None = None,
    notice: bool = True,
    plan: TreatmentPlan | None = None,
    sequence: int | None = None,
    reassessment: bool = False,
    index: int | None = None,
) -> Appointment:
    """Write one appointment after re-checking the slot; raise SlotTaken if it is gone."""
    minutes = duration or service.duration_minutes
    taken = SlotTaken(
        therapist=therapist, service=service, start=start, index=index, duration=minutes
    )
    slot = find_slot(therapist, service, start, duration=minutes, notice=notice)
    if slot is None:
        raise SlotTaken.explain(
            therapist=therapist,
            service=service,
            start=start,
            index=index,
            duration=minutes,
            notice=notice,
        )
    start_utc = slot.start_utc
    end = start_utc + timedelta(minutes=minutes)
    blocked_until = end + timedelta(minutes=service.buffer_minutes)
    if (
        Appointment.objects.active()
        .for_client(client)
        .overlapping(start_utc, blocked_until)
        .exists()
    ):
        raise SlotTaken(
            therapist=therapist,
            service=service,
            start=start,
            index=index,
            duration=minutes,
            reason="client_busy",
        )
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


def book_appointment(
    *,
    client: ClientProfile,
    therapist: Therapist,
    service: Service,
    start: datetime,
    by: User,
    now: datetime | None = None,
) -> Appointment:
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
        transaction.on_commit(partial(outbox.appointment_booked, appointment))
    return appointment


def _visit_day(therapist: Therapist, start: datetime) -> date:
    # The visit's local date decides eligibility: read where the therapist works (the
    # main location's zone when they have no location).
    return clock.local_date(start, therapist.locations.filter(active=True).first())


def _check_plan_gap(appointment: Appointment, start_utc: datetime) -> None:
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


# --- Changing and cancelling ----------------------------------------------------------


def _locked(appointment: Appointment) -> Appointment:
    locked: Appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location", "service", "therapist__user", "client__user")
        .get(pk=appointment.pk)
    )
    return locked


def reschedule_appointment(
    *,
    appointment: Appointment,
    start: datetime,
    by: User,
    reason: str = "",
    now: datetime | None = None,
) -> Appointment:
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
            raise SlotTaken.explain(
                therapist=appointment.therapist,
                service=appointment.service,
                start=start,
                duration=minutes,
                now=now,
                notice=not staff,
            )
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
            raise SlotTaken(
                therapist=appointment.therapist,
                service=appointment.service,
                start=start,
                duration=minutes,
                reason="client_busy",
            )
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
            partial(outbox.appointment_rescheduled, appointment, old_start=old_start)
        )
    return appointment


def cancel_appointment(
    *,
    appointment: Appointment,
    by: User,
    reason: str = "",
    now: datetime | None = None,
    clinic_decision: bool = False,
    notify: bool = True,
) -> Appointment:
    """Cancel; a client's cancellation after the cut-off is marked late.

    Staff may cancel at any time and must give a reason. The time is free at once.
    ``clinic_decision``: the clinic changed the plan (a reassessment's next step), so
    whoever clicked, it is never late and needs the reason given. ``notify=False``: the
    caller tells the client once about several visits (no e-mail per visit).
    """
    now = now or timezone.now()
    staff = clinic_decision or is_staff_booker(by)
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
        if notify:
            transaction.on_commit(partial(outbox.appointment_cancelled, appointment))
    return appointment


def mark_no_show(*, appointment: Appointment, by: User, now: datetime | None = None) -> Appointment:
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


def hold_appointment(*, appointment: Appointment) -> Appointment:
    """Staff put a booked visit on hold (it keeps its time); ``release_hold`` lifts it."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status != Appointment.Status.BOOKED:
            raise BookingError("Only a booked appointment can be put on hold.", code="not_booked")
        appointment.hold(HoldCode.STAFF)
    return appointment


def day_of_stops(appointment: Appointment) -> QuerySet[DayOfCheck]:
    """The visit's day-of answers that stop it and that no therapist has cleared yet."""
    return appointment.day_of_checks.filter(cleared_at__isnull=True).exclude(
        outcome=DayOfOutcome.GO_AHEAD
    )


def may_release_hold(user: User, appointment: Appointment) -> bool:
    """May ``user`` lift ``appointment``'s hold? Front desk, or the treating therapist.

    While a day-of answer stops the visit (``day_of_stops``; whatever the hold's code
    now says), the hold is lifted only by someone who may read those answers and has
    spoken to the client: the treating therapist, or staff with the health-data
    permission; never front desk alone.
    """
    if appointment.status != Appointment.Status.HELD:
        return False
    treating = bool(user.is_therapist) and appointment.therapist.user_id == user.pk
    if appointment.hold_code == HoldCode.DAY_OF or day_of_stops(appointment).exists():
        return treating or (is_desk(user) and can_see_health_data(user, appointment.client))
    return treating or is_desk(user)


def release_hold(*, appointment: Appointment, by: User | None = None) -> Appointment:
    """Lift a hold (front desk, or the treating therapist): the visit goes ahead as booked.

    Only while the client's health form allows a visit on the appointment's local date:
    raises ``NotAllowed`` otherwise, and ``BookingError`` when it is not on hold or
    ``by`` may not lift it (:func:`may_release_hold`).
    """
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status != Appointment.Status.HELD:
            raise BookingError("This appointment is not on hold.", code="not_held")
        if by is not None and not may_release_hold(by, appointment):
            raise BookingError(
                "Only the client's therapist can lift this hold, once they have spoken to "
                "the client.",
                code="not_yours",
            )
        _check_allowed(appointment.client, appointment.local_start.date())
        appointment.release_hold()
        # Lifting the hold clears the day-of stops: the therapist has spoken to the client.
        day_of_stops(appointment).update(cleared_at=timezone.now(), cleared_by=by)
    return appointment


# --- Holds: the health form rules a booked visit out ---------------------------------


def hold_and_tell(appointment: Appointment, code: str, *, kind: str) -> bool:
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


def record_visit(
    *,
    appointment: Appointment,
    by: User,
    pain_score: int,
    notes: str = "",
    pain_after: int | None = None,
    client_reports: str = "",
    findings: str = "",
    plan_next: str = "",
    areas_worked: Sequence[str] = (),
    technique_used: Technique | None = None,
    pressure_used: str = "",
    home_care: Iterable[Article] = (),
    now: datetime | None = None,
) -> Visit:
    """Record the visit's notes and mark the appointment completed: the one place a
    visit is written.

    The notes are in SOAP form (``client_reports``, ``findings``, ``notes`` = what was
    done, ``plan_next``), with the pain before (``pain_score``) and after, the areas,
    technique and pressure used and the home care given (checked by
    ``bookings.visits.clean_details``). Raises ``BookingError`` when the appointment is
    not open and started, or a detail is wrong; nothing is written then.

    Then ``bookings.signals.visit_recorded`` reviews the course (is it improving?) and
    keeps a maintenance plan's next visits booked.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if Visit.objects.filter(appointment=appointment).exists():
            raise BookingError("This visit is already recorded.", code="already_recorded")
        if appointment.status not in Appointment.OPEN:
            raise BookingError(
                "There is no visit to record: the appointment's status is "
                f"“{appointment.get_status_display()}”.",
                code="not_open",
            )
        if now < appointment.start:
            raise BookingError(
                "The appointment has not started yet; record the visit once it has.",
                code="not_started",
            )
        data = visits.clean_details(
            appointment.client,
            {
                "pain_score": pain_score,
                "pain_after": pain_after,
                "client_reports": client_reports,
                "findings": findings,
                "notes": notes,
                "plan_next": plan_next,
                "areas_worked": list(areas_worked),
                "technique_used": technique_used,
                "pressure_used": pressure_used,
                "home_care": list(home_care),
            },
        )
        visit = Visit(appointment=appointment, recorded_by=by, recorded_at=now)
        visits.write_details(visit, data)
        appointment.status = Appointment.Status.COMPLETED
        appointment.save(update_fields=["status"])
        log_access(
            by, client=appointment.client, action="change", detail=f"visit notes (visit {visit.pk})"
        )
        visit_recorded.send(sender=Visit, visit=visit, now=now)
        transaction.on_commit(partial(outbox.visit_recorded, appointment))
    return visit
