"""The day-of questions: what can change overnight, asked at check-in before every visit.

Asked by the check-in link (``bookings.views.checkin``) or by front desk on arrival
(``bookings.views.daycheck``), with the same form and the same rule:
:func:`day_of_result` decides from the answers whether the visit goes ahead.

* a red flag now, or one calf swollen, warm, red or painful now: stop, and the client
  is shown the urgent-care guidance (these are the catalog's urgent refer codes);
* a fever today, or an injury in the last 72 hours: stop (the catalog defers both);
* painkillers taken today: not a stop; the therapist is told, so that pressure feedback
  is read with care (the catalog's caution).

A stop holds the visit (``HoldCode.DAY_OF``) and tells the therapist without any detail;
the answers are on the appointment page for those who may read health data. Front desk
only ever sees :func:`desk_words`: "Go ahead" or "A therapist must speak to the client
before the session".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.db import transaction
from django.utils import timezone

from bookings.appointments import hold_and_tell
from bookings.models import Appointment, DayOfCheck, DayOfOutcome, HoldCode
from bookings.timeutils import local_day_bounds
from clinic import clock
from intake.audit import log_access
from intake.catalog import SEED_CATALOG
from intake.models import Condition

GO_AHEAD_WORDS = "Go ahead"
SPEAK_WORDS = "A therapist must speak to the client before the session"

# The answers, in the order they are asked, and the catalog row each one comes from.
ANSWERS = ("fever", "injury", "calf", "red_flag", "painkillers")
CATALOG_CODE = {
    "fever": "fever",
    "injury": "acute_injury",
    "calf": "suspected_dvt",
    "painkillers": "pain_medication_today",
}
# Red flags need care today; the other stops need a therapist's word first.
URGENT_ANSWERS = ("red_flag", "calf")
STOP_ANSWERS = (*URGENT_ANSWERS, "fever", "injury")

# The catalog's urgent red flags in a few plain words each, for one "any of these now?"
# question. A red flag staff add to the catalog is listed by its own question.
RED_FLAG_WORDS = {
    "saddle_numbness": (
        "new numbness or tingling between your legs, around your bottom or on the inside "
        "of your buttocks"
    ),
    "bladder_bowel_change": "new trouble passing urine, or new leaking of urine or stool",
    "progressive_leg_weakness": (
        "weakness or numbness in a leg that is getting worse, new trouble walking, or "
        "symptoms in both legs"
    ),
    "fever_with_back_pain": (
        "back pain that came with a fever, chills or feeling unwell and is getting worse"
    ),
    "major_trauma_recent": (
        "back or neck pain since a serious fall or accident that no doctor has checked yet"
    ),
    "pregnancy_warning_signs": (
        "if you are pregnant: a bad headache, changes in your sight, sudden swelling of your "
        "face or hands, or bleeding"
    ),
}
SEED_QUESTIONS = {entry.code: entry.question for entry in SEED_CATALOG}
YES_NO = [("yes", "Yes"), ("no", "No")]
# The same answers for the same visit this soon after are one check sent twice.
REPEAT_WINDOW = timedelta(minutes=2)
ANSWER_REQUIRED = "Please answer yes or no."


@dataclass(frozen=True, slots=True)
class DayOfResult:
    """What the day-of answers mean for the visit."""

    outcome: str  # a DayOfOutcome value
    stops: tuple[str, ...]  # the answers that stop the visit, most serious first
    painkillers: bool

    @property
    def go_ahead(self) -> bool:
        return self.outcome == DayOfOutcome.GO_AHEAD

    @property
    def urgent(self) -> bool:
        return self.outcome == DayOfOutcome.URGENT

    @property
    def desk_words(self) -> str:
        return GO_AHEAD_WORDS if self.go_ahead else SPEAK_WORDS


def day_of_result(answers: Mapping[str, bool]) -> DayOfResult:
    """The one rule: go ahead, or stop (urgent for a red flag or a calf now).

    ``answers`` maps each of :data:`ANSWERS` to True (yes) or False (no); a missing
    answer is an error, never taken as "no".
    """
    missing = [name for name in ANSWERS if answers.get(name) is None]
    if missing:
        raise ValueError(f"Unanswered day-of questions: {', '.join(missing)}")
    stops = tuple(name for name in STOP_ANSWERS if answers[name])
    if any(answers[name] for name in URGENT_ANSWERS):
        outcome = DayOfOutcome.URGENT
    elif stops:
        outcome = DayOfOutcome.SPEAK
    else:
        outcome = DayOfOutcome.GO_AHEAD
    return DayOfResult(outcome=outcome, stops=stops, painkillers=bool(answers["painkillers"]))


def result_of(check: DayOfCheck) -> DayOfResult:
    return day_of_result({name: getattr(check, name) for name in ANSWERS})


# --- The questions ------------------------------------------------------------------------


def _live_conditions() -> dict[str, Condition]:
    codes = [*CATALOG_CODE.values()]
    rows = Condition.objects.active().filter(urgent=True) | Condition.objects.filter(code__in=codes)
    return {row.code: row for row in rows.order_by("order", "code")}


def red_flags(conditions: Mapping[str, Condition] | None = None) -> list[str]:
    """The catalog's active urgent red flags in plain words (a calf is asked on its own)."""
    conditions = _live_conditions() if conditions is None else conditions
    return [
        RED_FLAG_WORDS.get(code, row.question)
        for code, row in conditions.items()
        if row.urgent and row.active and code != CATALOG_CODE["calf"]
    ]


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": ANSWER_REQUIRED},
    )


class DayOfForm(forms.Form):
    """The day-of questions, in the catalog's live wording; every one needs yes or no."""

    note = forms.CharField(
        label="Anything else your therapist should know today? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conditions = _live_conditions()

        def question(name: str) -> str:
            code = CATALOG_CODE[name]
            row = conditions.get(code)
            return row.question if row is not None else SEED_QUESTIONS[code]

        self.red_flags = red_flags(conditions)
        fields = {
            "fever": _yes_no(question("fever")),
            "injury": _yes_no(question("injury")),
            "calf": _yes_no(question("calf")),
            "red_flag": _yes_no(
                "Do you have any of these right now: " + "; ".join(self.red_flags) + "?",
                "Answer yes if any one of them is true for you today.",
            ),
            "painkillers": _yes_no(
                question("painkillers"),
                "Painkillers do not stop your visit; your therapist takes care with pressure.",
            ),
        }
        note = self.fields.pop("note")
        self.fields.update(fields)
        self.fields["note"] = note

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in ANSWERS}


# --- When the questions are open -----------------------------------------------------------


def link_opens_at(appointment: Appointment) -> datetime:
    """The start of the local day before the visit: when the reminder's link asks them."""
    day = clock.local_date(appointment.start, appointment.location) - timedelta(days=1)
    start, _ = local_day_bounds(day, clock.zone(appointment.location))
    return start


def link_open(appointment: Appointment, now: datetime | None = None) -> bool:
    """Open, not started, and no earlier than the day before: answers about "today"."""
    now = now or timezone.now()
    return appointment.is_open and link_opens_at(appointment) <= now < appointment.start


def desk_open(appointment: Appointment, now: datetime | None = None) -> bool:
    """At the desk: an open visit today (the location's day) that has not ended."""
    now = now or timezone.now()
    return (
        appointment.is_open
        and clock.local_date(now, appointment.location)
        == clock.local_date(appointment.start, appointment.location)
        and now < appointment.end
    )


# --- Recording the answers -----------------------------------------------------------------


def record_day_of(
    appointment: Appointment,
    answers: Mapping[str, bool],
    *,
    via: str,
    by=None,
    note: str = "",
    now: datetime | None = None,
) -> tuple[DayOfCheck, DayOfResult]:
    """Store the answers and act on :func:`day_of_result`: a stop holds the visit.

    The therapist is told of a new hold (without details, after the commit); a visit
    already held for the day-of check stays held, whatever later answers say: a
    therapist lifts it once they have spoken to the client.
    """
    now = now or timezone.now()
    result = day_of_result(answers)
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("client", "location")
            .get(pk=appointment.pk)
        )
        answered = {name: bool(answers[name]) for name in ANSWERS}
        repeat = (
            appointment.day_of_checks.filter(
                **answered,
                note=note.strip(),
                via=via,
                # Either side of now: a twin sent at once may have taken its time first.
                answered_at__gte=now - REPEAT_WINDOW,
                answered_at__lte=now + REPEAT_WINDOW,
            )
            .order_by("-answered_at", "-pk")
            .first()
        )
        if repeat is not None:
            # The same answers sent twice (a double click, two tabs): written once.
            return repeat, result
        check = DayOfCheck.objects.create(
            appointment=appointment,
            **{name: bool(answers[name]) for name in ANSWERS},
            note=note.strip(),
            outcome=result.outcome,
            via=via,
            answered_by=by if by is not None and by.is_authenticated else None,
            answered_at=now,
        )
        log_access(
            by,
            client=appointment.client,
            action="change",
            detail=f"day-of check ({check.get_via_display().lower()})",
        )
        if not result.go_ahead:
            hold_and_tell(appointment, HoldCode.DAY_OF, kind="day_of")
    return check, result


# --- What each viewer sees ---------------------------------------------------------------


def latest_checks(appointments: Iterable[Appointment]) -> dict[int, DayOfCheck]:
    """{appointment id: its latest day-of check} in one query, with ``pending`` set on it:
    whether any of the visit's stops waits for a therapist."""
    ids = [appointment.pk for appointment in appointments]
    latest: dict[int, DayOfCheck] = {}
    pending: set[int] = set()
    # Only what the result needs: the answers stay in the table.
    rows = (
        DayOfCheck.objects.filter(appointment_id__in=ids)
        .only("id", "appointment_id", "answered_at", "outcome", "cleared_at")
        .order_by("appointment_id", "-answered_at", "-pk")
    )
    for check in rows:
        latest.setdefault(check.appointment_id, check)
        if check.pending:
            pending.add(check.appointment_id)
    for appointment_id, check in latest.items():
        check.visit_pending = appointment_id in pending
    return latest


def desk_words(check: DayOfCheck | None) -> str | None:
    """Front desk's only view of the day-of check (``check`` from :func:`latest_checks`):
    None until answered, then "A therapist must speak to the client before the session"
    while any stop waits for a therapist (they clear it by lifting the hold), else "Go
    ahead". Never which answer.
    """
    if check is None:
        return None
    return SPEAK_WORDS if check.visit_pending else GO_AHEAD_WORDS


# --- For the therapist at the table -------------------------------------------------------


@dataclass(frozen=True)
class DayOfNotice:
    """Today's day-of answers as the safety part shows them to the therapist.

    ``painkillers``: taken today (any answer for this visit said so), so feedback on
    pressure may be dulled. ``pending``: a stop no therapist has cleared. ``urgent``:
    that stop is a red flag or a calf now. ``cleared``: the stops a therapist cleared
    (lifting the hold after speaking to the client), oldest first.
    """

    answered_at: datetime
    painkillers: bool
    pending: bool
    urgent: bool
    cleared: tuple[DayOfCheck, ...]


def day_of_notice(appointment: Appointment) -> DayOfNotice | None:
    """The visit's day-of answers for the safety part, or None before any (one query).

    For viewers who may read health data only: the caller checks and logs.
    """
    rows = list(
        appointment.day_of_checks.select_related("cleared_by").order_by("answered_at", "pk")
    )
    if not rows:
        return None
    results = [result_of(check) for check in rows]
    pending = [r for check, r in zip(rows, results, strict=True) if check.pending]
    return DayOfNotice(
        answered_at=rows[-1].answered_at,
        painkillers=any(r.painkillers for r in results),
        pending=bool(pending),
        urgent=any(r.urgent for r in pending),
        cleared=tuple(check for check in rows if check.stops and check.cleared_at is not None),
    )
