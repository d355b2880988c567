"""Whether a client may book on a given day, and if not, why and what to do next.

The one place the rest of the system asks (DESIGN.md, "Clinical rules"):

| current intake            | booking                                                   |
|---------------------------|-----------------------------------------------------------|
| none, or only a draft     | no; fill in the health form                               |
| 12 months old or more     | no; renew it                                              |
| therapist: not suitable   | no                                                        |
| refer                     | never                                                     |
| defer                     | not within 7 days of completion; later, with a check-in   |
| clearance (or a therapist | not until a recorded clearance covers every clearance     |
| asked for one)            | code on that day (clearances last 12 months)              |
| review                    | yes; a therapist reviews before the visit                 |
| clear                     | yes                                                       |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from intake.models import Decision, Intake, Outcome, covered_codes


@dataclass(frozen=True, slots=True)
class Eligibility:
    allowed: bool
    code: str
    reason: str
    next_step: str
    next_url: str | None = None
    needs_review: bool = False
    needs_checkin: bool = False

    def __bool__(self):
        return self.allowed


def _no(code, reason, next_step, next_url=None):
    return Eligibility(
        allowed=False, code=code, reason=reason, next_step=next_step, next_url=next_url
    )


def can_book(client, *, on: date) -> Eligibility:
    """May ``client`` (a ClientProfile) book a visit on the date ``on``?

    At most three queries: the current intake and any draft, then its flags and
    clearances when the outcome needs them.
    """
    rows = list(Intake.objects.filter(client=client).filter(Q(is_current=True) | Q(status="draft")))
    current = next((i for i in rows if i.is_current and i.is_completed), None)
    draft = next((i for i in rows if i.is_draft), None)
    start_url = reverse("intake:start")

    if current is None:
        if draft is not None:
            return _no(
                "draft",
                "Your health form is not finished yet.",
                "Finish your health form; then you can book.",
                start_url,
            )
        return _no(
            "no_intake",
            "We need your health form before your first visit.",
            "Fill in the health form; it takes about ten minutes.",
            start_url,
        )
    if current.is_expired(on):
        return _no(
            "expired",
            "Your health form is more than 12 months old on that day.",
            "Please update your health form; then you can book.",
            reverse("intake:update"),
        )
    if current.decision == Decision.NOT_SUITABLE:
        return _no(
            "not_suitable",
            "Your therapist has decided massage is not suitable for you at the moment.",
            "Please talk to your doctor. You can update your health form if things change.",
            current.get_absolute_url(),
        )
    if current.outcome == Outcome.REFER:
        return _no(
            "refer",
            "Your answers show you need to see a doctor before any massage.",
            "Please get medical care first. Update your health form once a doctor has seen you.",
            current.get_absolute_url(),
        )
    if current.outcome == Outcome.DEFER:
        if on < current.defer_until:
            return _no(
                "defer",
                "Your answers show massage should wait for a few days.",
                f"You can book from {current.defer_until:%-d %B %Y}.",
                current.get_absolute_url(),
            )
        return Eligibility(
            allowed=True,
            code="ok",
            reason="You can book. We will ask how you are before your visit.",
            next_step="Choose a time.",
            needs_review=not current.decision,
            needs_checkin=True,
        )
    if current.outcome == Outcome.CLEARANCE or current.decision == Decision.CLEARANCE_REQUIRED:
        needed = set(current.clearance_codes())
        covered = covered_codes(current.clearances.all(), on)
        if not needed <= covered:
            return _no(
                "clearance_pending",
                "We need a note from your doctor saying massage is suitable for you.",
                "Send us your doctor's note; booking opens once a therapist has recorded it.",
                current.get_absolute_url(),
            )
        return Eligibility(
            allowed=True, code="ok", reason="You can book.", next_step="Choose a time."
        )
    if current.outcome == Outcome.REVIEW:
        return Eligibility(
            allowed=True,
            code="ok",
            reason="You can book. A therapist reads your answers before your visit.",
            next_step="Choose a time.",
            needs_review=not current.decision,
        )
    return Eligibility(allowed=True, code="ok", reason="You can book.", next_step="Choose a time.")


def public_status(client, *, on: date | None = None) -> str:
    """Plain words for front desk, with no health detail at all."""
    on = on or timezone.localdate()
    current = Intake.objects.current_for(client)
    if current is None:
        return "Health form missing"
    if current.is_expired(on):
        return "Renewal due"
    if current.awaiting_review:
        return "Needs review"
    return "Health form complete"
