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

Each row is checked on its own (a deferred client may need a physician's note too) and
booking opens only when none refuses; the strongest refusal is the one explained. A
flag's category is the stronger of the one it was screened with and the catalog's now.

The verdict's words are the client's. Anyone else gets them through
:meth:`Eligibility.for_viewer`, which gives people who may not read the client's health
data (front desk, clinic admins) desk wording instead, and :func:`desk_status` is the
short status those people see on client, day and desk pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from clinic import clock
from intake.access import can_see_health_data, is_owner
from intake.models import Category, Clearance, Decision, Intake, IntakeFlag, Outcome, covered_codes

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from clinic.models import ClientProfile

# Verdict codes front desk may be told plainly: they say nothing about health.
DESK_PLAIN = {
    "no_intake": (
        "Health form missing",
        "The client has not filled in their health form yet.",
        "Ask the client to fill it in online, or hand them the health form at the desk.",
    ),
    "draft": (
        "Not finished",
        "The client has not finished their health form yet.",
        "Ask the client to finish it online, or at the desk.",
    ),
    "expired": (
        "Renewal due",
        "The client's health form needs renewing before that day.",
        "Ask the client to update it online, or at the desk.",
    ),
}
# Every other refusal, whatever the health reason, in the same words.
DESK_ATTENTION = "Needs attention from a therapist"
DESK_ATTENTION_REASON = "The client's health form needs attention from a therapist before booking."
DESK_ATTENTION_NEXT = "Ask a therapist to speak to the client; booking opens when they have."
DESK_URGENT = "Urgent: a therapist must speak to this client now"


@dataclass(frozen=True, slots=True)
class Eligibility:
    allowed: bool
    code: str
    reason: str
    next_step: str
    next_url: str | None = None
    needs_review: bool = False
    needs_checkin: bool = False
    # A red flag no therapist has acted on yet: someone must speak to the client today.
    urgent: bool = False
    # Every reason booking is refused, strongest first ("code" is the first); empty when
    # allowed.
    blocks: tuple[str, ...] = ()

    @property
    def desk_status(self) -> str:
        """Whether the client can be booked, in words with no health detail at all."""
        if self.urgent:
            return DESK_URGENT
        if self.allowed:
            return "Needs review" if self.needs_review else "Can be booked"
        if self.code in DESK_PLAIN:
            return DESK_PLAIN[self.code][0]
        return DESK_ATTENTION

    @property
    def desk_can_hand_over(self) -> bool:
        """A missing, unfinished or expired form: front desk can hand the client the form
        at the desk (``intake:desk_start``) instead of sending them online."""
        return self.code in DESK_PLAIN

    def for_viewer(
        self, user: AbstractBaseUser | AnonymousUser, client: ClientProfile
    ) -> Eligibility:
        """This verdict in words ``user`` may read about ``client``.

        The client, their therapists and staff with the health-data permission read the
        client's words; everyone else (front desk, clinic admins) gets desk wording: the
        missing, unfinished or expired form plainly, any other refusal as "needs
        attention from a therapist", and never the link to the client's health pages.
        """
        if can_see_health_data(user, client):
            # The links lead to the client's own pages: only the client may follow them.
            return self if is_owner(user, client) else replace(self, next_url=None)
        if self.allowed:
            reason = "Can be booked."
            if self.needs_checkin:
                reason = "Can be booked. The client is asked to check in before the visit."
            return replace(self, reason=reason, next_url=None)
        if self.urgent:
            return replace(
                self, reason=f"{DESK_URGENT}.", next_step=DESK_ATTENTION_NEXT, next_url=None
            )
        _, reason, next_step = DESK_PLAIN.get(
            self.code, (None, DESK_ATTENTION_REASON, DESK_ATTENTION_NEXT)
        )
        return replace(self, reason=reason, next_step=next_step, next_url=None)


def _no(
    code: str,
    reason: str,
    next_step: str,
    next_url: str | None = None,
    *,
    urgent: bool = False,
    blocks: Iterable[str] = (),
) -> Eligibility:
    return Eligibility(
        allowed=False,
        code=code,
        reason=reason,
        next_step=next_step,
        next_url=next_url,
        urgent=urgent,
        blocks=tuple(blocks) or (code,),
    )


# Blocking reasons, strongest first: the one shown is the first that applies.
BLOCK_ORDER = ("refer", "not_suitable", "expired", "defer", "clearance_pending")


def blocking_reasons(
    current: Intake,
    *,
    on: date,
    flags: Sequence[IntakeFlag] | None = None,
    clearances: Iterable[Clearance] | None = None,
) -> tuple[str, ...]:
    """Every reason the completed intake ``current`` rules out a visit on ``on``.

    Each reason is checked on its own, none skipping another (a deferred client may also
    need a physician's note); strongest first, in :data:`BLOCK_ORDER`. ``flags`` (with
    ``live_category``) and ``clearances`` may be passed to save their queries.
    """
    if flags is None:
        flags = list(current.flags.with_live_category())
    categories = {flag.effective_category for flag in flags}
    found = set()
    if current.outcome == Outcome.REFER or Category.REFER in categories:
        found.add("refer")
    if current.decision == Decision.NOT_SUITABLE:
        found.add("not_suitable")
    if current.is_expired(on):
        found.add("expired")
    deferred = current.outcome == Outcome.DEFER or Category.DEFER in categories
    # A completed form always has a defer date; were it missing, the form stays closed.
    if deferred and (current.defer_until is None or on < current.defer_until):
        found.add("defer")
    needed = set(current.clearance_codes(flags))
    if needed:
        if clearances is None:
            clearances = current.clearances.all()
        if not needed <= covered_codes(clearances, on):
            found.add("clearance_pending")
    return tuple(code for code in BLOCK_ORDER if code in found)


def can_book(client: ClientProfile, *, on: date) -> Eligibility:
    """May ``client`` (a ClientProfile) book a visit on the date ``on``?

    Every blocking reason is collected first (:func:`blocking_reasons`), then the
    strongest is explained; ``blocks`` lists them all. At most four queries: the current
    intake and any draft, its flags, its clearances when a code needs one, and the
    clinic's time zone for the form's dates.
    """
    return can_book_on_days(client, [on])[on]


def can_book_on_days(client: ClientProfile, days: Iterable[date]) -> dict[date, Eligibility]:
    """:func:`can_book` for each of ``days``, reading the health form once.

    A treatment plan asks about every session's day; the queries do not grow with the
    number of days.
    """
    rows = list(Intake.objects.filter(client=client).filter(Q(is_current=True) | Q(status="draft")))
    current = next((i for i in rows if i.is_current and i.is_completed), None)
    draft = next((i for i in rows if i.is_draft), None)
    start_url = reverse("intake:start")

    if current is None:
        # Nothing to screen: no other reason can be known.
        if draft is not None:
            verdict = _no(
                "draft",
                "Your health form is not finished yet.",
                "Finish your health form; then you can book.",
                start_url,
            )
        else:
            verdict = _no(
                "no_intake",
                "We need your health form before your first visit.",
                "Fill in the health form; it takes about ten minutes.",
                start_url,
            )
        return dict.fromkeys(days, verdict)
    flags = list(current.flags.with_live_category())
    clearances = list(current.clearances.all()) if current.clearance_codes(flags) else []
    return {day: _verdict(current, flags, clearances, on=day) for day in days}


def _verdict(
    current: Intake, flags: Sequence[IntakeFlag], clearances: Sequence[Clearance], *, on: date
) -> Eligibility:
    """The verdict for one day, from what :func:`can_book_on_days` read."""
    blocks = blocking_reasons(current, on=on, flags=flags, clearances=clearances)
    outcome_url = current.get_absolute_url()
    if blocks:
        first = blocks[0]
        if first == "refer":
            return _no(
                "refer",
                "Your answers show you need to see a doctor before any massage.",
                "Please get medical care first. Update your health form once a doctor has seen you.",
                outcome_url,
                urgent=not current.decision,
                blocks=blocks,
            )
        if first == "not_suitable":
            return _no(
                "not_suitable",
                "Your therapist has decided massage is not suitable for you at the moment.",
                "Please talk to your doctor. You can update your health form if things change.",
                outcome_url,
                blocks=blocks,
            )
        if first == "expired":
            return _no(
                "expired",
                "Your health form is more than 12 months old on that day.",
                "Please update your health form; then you can book.",
                reverse("intake:update"),
                blocks=blocks,
            )
        if first == "defer":
            next_step = f"You can book from {current.defer_until:%-d %B %Y}."
            if "clearance_pending" in blocks:
                next_step = (
                    f"From {current.defer_until:%-d %B %Y}, once we have your doctor's note. "
                    "Send us your doctor's note; a therapist records it."
                )
            return _no(
                "defer",
                "Your answers show massage should wait for a few days.",
                next_step,
                outcome_url,
                blocks=blocks,
            )
        return _no(
            "clearance_pending",
            "We need a note from your doctor saying massage is suitable for you.",
            "Send us your doctor's note; booking opens once a therapist has recorded it.",
            outcome_url,
            blocks=blocks,
        )
    categories = {flag.effective_category for flag in flags}
    deferred = current.outcome == Outcome.DEFER or Category.DEFER in categories
    # A clearance outcome needs no extra review: a therapist recorded the note.
    reviewable = deferred or current.outcome == Outcome.REVIEW
    needs_review = reviewable and not current.decision
    if deferred:
        reason = "You can book. We will ask how you are before your visit."
    elif needs_review:
        reason = "You can book. A therapist reads your answers before your visit."
    else:
        reason = "You can book."
    return Eligibility(
        allowed=True,
        code="ok",
        reason=reason,
        next_step="Choose a time.",
        needs_review=needs_review,
        needs_checkin=deferred,
    )


def first_bookable_day(
    client: ClientProfile, *, today: date, verdict: Eligibility | None = None
) -> tuple[date | None, Eligibility]:
    """The first day from ``today`` on which ``client`` may book, and today's verdict.

    The day is ``None`` when no day opens without something changing first: a red flag,
    a therapist's "not suitable", a doctor's note still missing, a health form missing,
    unfinished or out of date. A deferral alone opens on its defer date. Every page that
    starts a booking (the booking and plan forms, a proposal, a confirm page) and the
    dashboard ask this, so none offers a form that could only refuse. ``verdict`` is
    today's, when the caller has already asked (:func:`can_book_on_days`).
    """
    verdict = verdict or can_book(client, on=today)
    if verdict.allowed:
        return today, verdict
    if verdict.blocks == ("defer",):
        current = Intake.objects.current_for(client)
        opens = current.defer_until if current is not None else None
        if opens is not None and can_book(client, on=opens).allowed:
            return opens, verdict
    return None, verdict


def public_status(client: ClientProfile, *, on: date | None = None) -> str:
    """Front desk's status for ``client`` on ``on`` (today by default): no health detail.

    One rule for every desk page (client page, desk "form sent" page):
    :attr:`Eligibility.desk_status` of the booking verdict.
    """
    on = on or clock.today()
    return can_book(client, on=on).desk_status
