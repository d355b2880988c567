"""Proposing a treatment plan: each session at the client's preferred day and time, or the nearest free.

The proposal is plain values (``PlanProposal``), stored server-side until the client confirms
(``bookings.models.PlanProposalDraft``); ``bookings.plans.book_plan`` writes it.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bookings.models import PlanKind, PlanProposalDraft, TreatmentPlan
from bookings.planning import (
    PlanRecommendation,
    gap_problems,
    recommend_plan,
    session_targets,
    too_close,
)
from bookings.timetable import Calendar, Slot
from bookings.timeutils import local_datetime
from clinic.models import ClientProfile, Service, Therapist, User
from intake.models import Intake

if TYPE_CHECKING:
    from bookings.timetable import _Busy

# How long a proposal stays open for review (and a confirmed one remembers its plan).
PROPOSAL_LIFETIME = timedelta(hours=24)

# A plan session may move this many days from its target to find a free slot.
MOVE_DAYS = 2


@dataclass
class ProposedSession:
    target: str  # ISO date the plan rules chose
    start: str | None  # ISO aware datetime, or None when nothing was free nearby
    therapist_id: int | None
    reassessment: bool = False
    moved: bool = False

    @property
    def start_at(self) -> datetime | None:
        return datetime.fromisoformat(self.start) if self.start else None


@dataclass
class PlanProposal:
    """A plan as proposed, as plain values (stored in a ``PlanProposalDraft`` until confirmed)."""

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanProposal:
        data = dict(data)
        data["sessions"] = [ProposedSession(**session) for session in data["sessions"]]
        return cls(**data)

    @property
    def recommendation(self) -> PlanRecommendation:
        return PlanRecommendation(
            kind=self.kind,
            sessions_per_week=self.sessions_per_week,
            weeks=self.weeks,
            interval_weeks=self.interval_weeks,
            session_minutes=self.session_minutes,
            reassessment=self.kind == PlanKind.ACUTE,
        )


def recommendation_for(client: ClientProfile, *, on: date) -> PlanRecommendation | None:
    """The plan the client's current intake calls for, or None without a completed intake.

    Weeks of pain are counted from the onset date on the day of the proposal.
    """
    intake = Intake.objects.current_for(client)
    if intake is None:
        return None
    return recommend_plan(pain_weeks=intake.pain_weeks(on=on), pain_score=intake.pain_now or 0)


def reassessment_service() -> Service | None:
    service: Service | None = (
        Service.objects.active().filter(is_reassessment=True).order_by("duration_minutes").first()
    )
    return service


def propose_plan(
    *,
    client: ClientProfile,
    recommendation: PlanRecommendation,
    service: Service,
    weekdays: Collection[int],
    preferred_time: time,
    first_day: date,
    therapist: Therapist | None = None,
    plan: TreatmentPlan | None = None,
    previous: TreatmentPlan | None = None,
    now: datetime | None = None,
) -> PlanProposal:
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
    review_slots: list[Slot] = []
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
    sessions: list[ProposedSession] = []
    previous_start: datetime | None = None
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


def _flatten(by_therapist: Mapping[int, list[Slot]]) -> list[Slot]:
    return [slot for slots in by_therapist.values() for slot in slots]


def _choose(
    slots: Iterable[Slot],
    day: date,
    preferred_time: time,
    previous_start: datetime | None,
    previous_therapist: int | None,
    client_busy: _Busy,
    span: timedelta,
) -> tuple[Slot, datetime] | None:
    """The nearest acceptable slot to ``day`` at ``preferred_time``, and the wanted UTC time."""
    wanted_by_zone: dict[tzinfo, datetime] = {}
    best: tuple[tuple[timedelta, datetime, bool, int], Slot, datetime] | None = None
    for slot in slots:
        if abs((slot.start.date() - day).days) > MOVE_DAYS:
            continue
        if previous_start is not None and too_close(previous_start, slot.start_utc):
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


def plan_gap_problems(sessions: Iterable[ProposedSession]) -> list[int]:
    """Indexes of proposed sessions less than 48 hours after the one before (after edits)."""
    return gap_problems([session.start_at for session in sessions])


# --- The proposal under review, stored server-side -------------------------------------


def save_draft(
    proposal: PlanProposal, *, client: ClientProfile, by: User, now: datetime | None = None
) -> PlanProposalDraft:
    """Keep ``proposal`` as the one ``by`` is reviewing for ``client`` (replacing any)."""
    now = now or timezone.now()
    PlanProposalDraft.objects.filter(expires_at__lte=now).delete()
    draft, _ = PlanProposalDraft.objects.update_or_create(
        client=client,
        created_by=by,
        defaults={
            "token": proposal.token,
            "data": proposal.to_dict(),
            "booked_plan": None,
            "expires_at": now + PROPOSAL_LIFETIME,
        },
    )
    return draft


def draft_for(
    client: ClientProfile, by: User, *, now: datetime | None = None
) -> PlanProposalDraft | None:
    """The unexpired proposal ``by`` made for ``client`` (booked or not), or None."""
    now = now or timezone.now()
    return PlanProposalDraft.objects.filter(
        client=client, created_by=by, expires_at__gt=now
    ).first()


def open_proposal(draft: PlanProposalDraft | None) -> PlanProposal | None:
    """The draft's proposal while it is still to be confirmed, else None."""
    if draft is None or draft.booked_plan_id is not None:
        return None
    try:
        proposal = PlanProposal.from_dict(draft.data)
    except (TypeError, KeyError):
        return None
    return proposal if proposal.client_id == draft.client_id else None


def mark_booked(draft: PlanProposalDraft, plan: TreatmentPlan) -> None:
    """The draft was confirmed as ``plan``: a repeated confirmation goes to it."""
    draft.booked_plan = plan
    draft.save(update_fields=["booked_plan"])
