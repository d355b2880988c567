"""Pure treatment-plan rules: which plan to recommend, and when its sessions fall.

No database access: the plan form and the plan-booking workflow call these with plain
values, then look for free slots near the proposed dates (DESIGN.md, "Treatment
plans").

    >>> plan = recommend_plan(pain_weeks=3, pain_score=8)
    >>> (plan.kind, plan.sessions_per_week, plan.weeks, plan.session_count)
    ('acute', 2, 4, 8)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

ACUTE = "acute"
MAINTENANCE = "maintenance"
PLAN_KINDS: tuple[str, ...] = (ACUTE, MAINTENANCE)

# Pain for this many weeks or more is chronic and gets a maintenance plan (one line at
# 12 weeks, matching intake.screening.pain_type).
CHRONIC_AFTER_WEEKS = 12
# Guidance allows 30-60 minutes; in trials 30-minute sessions did no better than
# waiting, so plans default to the full hour.
SESSION_MINUTES = 60
# Twice-weekly sessions leave tissue at least this long to settle between visits.
MIN_GAP_HOURS = 48
# Maintenance has no end date; a plan books this many sessions ahead, then renews.
MAINTENANCE_SESSIONS = 3

MAX_PAIN_SCORE = 10


@dataclass(frozen=True, slots=True)
class PlanRecommendation:
    """A recommended course of treatment.

    Acute plans have ``sessions_per_week`` and ``weeks`` and end with a reassessment
    visit (not counted in the sessions); maintenance plans have ``interval_weeks``
    instead. The therapist can change length, cadence or technique afterwards.
    """

    kind: str
    sessions_per_week: int | None
    weeks: int | None
    interval_weeks: int | None
    session_minutes: int
    reassessment: bool

    @property
    def session_count(self) -> int:
        """Sessions to book now: the whole acute course, or the next few maintenance ones.

        The acute reassessment visit is not included.
        """
        if self.kind == ACUTE:
            assert self.sessions_per_week is not None and self.weeks is not None
            return self.sessions_per_week * self.weeks
        return MAINTENANCE_SESSIONS


def _validate_pain_weeks(pain_weeks: object) -> None:
    # bool subclasses int, but True is an answer to another question, not one week.
    valid = (
        isinstance(pain_weeks, int | float)
        and not isinstance(pain_weeks, bool)
        and math.isfinite(pain_weeks)
        and pain_weeks >= 0
    )
    if not valid:
        raise ValueError(
            f"pain_weeks must be None (no current pain) or a finite number of weeks >= 0, "
            f"got {pain_weeks!r}"
        )


def _validate_pain_score(pain_score: object) -> None:
    # The numeric rating scale has whole numbers only, so 5.5 is a data error, not a
    # score to round.
    valid = (
        isinstance(pain_score, int)
        and not isinstance(pain_score, bool)
        and 0 <= pain_score <= MAX_PAIN_SCORE
    )
    if not valid:
        raise ValueError(
            f"pain_score must be a whole number from 0 to {MAX_PAIN_SCORE}, got {pain_score!r}"
        )


def recommend_plan(pain_weeks: float | None, pain_score: int) -> PlanRecommendation:
    """Recommend a treatment plan from pain duration and the current 0-10 pain score.

    ``pain_weeks`` is how long the current pain has lasted, or ``None`` for no current
    pain (a prevention plan). It is compared as given, so 11.9 is acute.

    * Acute (under 12 weeks): twice a week when the score is 7 or more, else once;
      for 4 weeks when the score is 7 or more, 3 weeks for 4-6, 2 weeks for 0-3; then
      one reassessment visit.
    * Maintenance (12 weeks or more, or no current pain): every 2 weeks when the score
      is 5 or more, else every 4 weeks.

    Sessions are 60 minutes. Raises ``ValueError`` for a negative, infinite, NaN,
    boolean or non-numeric ``pain_weeks``, and for a ``pain_score`` that is not an
    ``int`` from 0 to 10.
    """
    if pain_weeks is not None:
        _validate_pain_weeks(pain_weeks)
    _validate_pain_score(pain_score)

    if pain_weeks is not None and pain_weeks < CHRONIC_AFTER_WEEKS:
        if pain_score >= 7:
            sessions_per_week, weeks = 2, 4
        elif pain_score >= 4:
            sessions_per_week, weeks = 1, 3
        else:
            sessions_per_week, weeks = 1, 2
        return PlanRecommendation(
            kind=ACUTE,
            sessions_per_week=sessions_per_week,
            weeks=weeks,
            interval_weeks=None,
            session_minutes=SESSION_MINUTES,
            reassessment=True,
        )

    return PlanRecommendation(
        kind=MAINTENANCE,
        sessions_per_week=None,
        weeks=None,
        interval_weeks=2 if pain_score >= 5 else 4,
        session_minutes=SESSION_MINUTES,
        reassessment=False,
    )


_MIN_GAP_DAYS = MIN_GAP_HOURS // 24
# Days after the week's first session that may hold its second one: at least the gap
# after it, and at least the gap before the next week's first session (day 7). Most even
# spacing first, so the order is 3, 4, 2, 5.
_SECOND_SESSION_OFFSETS: tuple[int, ...] = tuple(
    sorted(
        range(_MIN_GAP_DAYS, 7 - _MIN_GAP_DAYS + 1),
        key=lambda offset: (abs(2 * offset - 7), offset),
    )
)
# Used when no preferred weekday fits: mid-week keeps both gaps at 3 and 4 days.
_FALLBACK_SECOND_OFFSET = 3


def _validate_targets_args(plan: object, first_day: object, weekdays: object) -> set[int]:
    if not isinstance(plan, PlanRecommendation):
        raise TypeError(f"plan must be a PlanRecommendation, got {plan!r}")
    # A datetime would make every target a datetime; the plan works in calendar days.
    if not isinstance(first_day, date) or isinstance(first_day, datetime):
        raise TypeError(f"first_day must be a date, got {first_day!r}")
    if not isinstance(weekdays, list | tuple | set | frozenset):
        raise TypeError(f"weekdays must be a list of ints 0-6, got {weekdays!r}")
    # Check the given values, not a set of them: {1, True} collapses to {1}.
    bad = [
        day
        for day in weekdays
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6
    ]
    if bad or not weekdays:
        raise ValueError(
            f"weekdays must be a non-empty list of ints 0 (Monday) to 6 (Sunday), got {weekdays!r}"
        )
    return set(weekdays)


def _first_preferred_day(start: date, weekdays: set[int]) -> date:
    return next(
        start + timedelta(days=offset)
        for offset in range(7)
        if (start + timedelta(days=offset)).weekday() in weekdays
    )


def session_targets(
    plan: PlanRecommendation, *, first_day: date, weekdays: list[int]
) -> list[date]:
    """Propose a target date for each session of ``plan``, sorted and unique.

    ``weekdays`` are the client's preferred days, 0 (Monday) to 6 (Sunday). Each target
    is a date only: the booking step picks the time and may move a taken slot by up to
    two days, so it must recheck the 48-hour gap against the real start times.

    Everything starts on the *anchor*: the first preferred weekday on or after
    ``first_day``. A plan "week" is the 7 days from the anchor, from the anchor plus 7
    days, and so on, so the weekly rhythm never drifts.

    Acute plans return ``plan.session_count`` session dates and then **one extra date,
    always the last element: the reassessment visit**, on the first day of the week after
    the last session week. The caller marks it as the reassessment; it is not one of the
    sessions.

    * Once a week: the first day of each week, so sessions are exactly 7 days apart.
    * Twice a week: the first day of each week plus a second day 2-5 days later, so
      every two consecutive visits (across weeks too, and up to the reassessment) are
      at least ``MIN_GAP_HOURS`` apart. The second day is a preferred weekday if one
      fits, the most evenly spaced first (day 3, then 4, 2, 5); if none fits (one
      preferred weekday, or only adjacent ones) it is 3 days after the first.

    Maintenance plans return ``MAINTENANCE_SESSIONS`` dates ``plan.interval_weeks``
    apart, from the anchor.

    Raises ``ValueError`` for an empty ``weekdays`` or a value outside 0-6, and
    ``TypeError`` for a ``first_day`` that is not a plain date.
    """
    days = _validate_targets_args(plan, first_day, weekdays)
    anchor = _first_preferred_day(first_day, days)

    if plan.kind == MAINTENANCE:
        if not isinstance(plan.interval_weeks, int) or plan.interval_weeks < 1:
            raise ValueError(f"A maintenance plan needs interval_weeks >= 1, got {plan!r}")
        step = timedelta(weeks=plan.interval_weeks)
        return [anchor + step * index for index in range(MAINTENANCE_SESSIONS)]

    if plan.kind != ACUTE:
        raise ValueError(f"Unknown plan kind {plan.kind!r}; expected one of {PLAN_KINDS}")
    # The rule allows 1-2 sessions a week; a third would break the 48-hour gap.
    if plan.sessions_per_week not in (1, 2) or not isinstance(plan.weeks, int) or plan.weeks < 1:
        raise ValueError(
            f"An acute plan needs 1 or 2 sessions a week for at least 1 week, got {plan!r}"
        )

    second_offset = next(
        (
            offset
            for offset in _SECOND_SESSION_OFFSETS
            if (anchor + timedelta(days=offset)).weekday() in days
        ),
        _FALLBACK_SECOND_OFFSET,
    )

    targets: list[date] = []
    for week in range(plan.weeks):
        week_start = anchor + timedelta(weeks=week)
        targets.append(week_start)
        if plan.sessions_per_week == 2:
            targets.append(week_start + timedelta(days=second_offset))
    # The reassessment: first day of the week after the last session week.
    targets.append(anchor + timedelta(weeks=plan.weeks))
    return targets


def too_close(previous: datetime, start: datetime) -> bool:
    """Is ``start`` less than 48 hours after ``previous``? The plan sessions' gap rule."""
    return start - previous < timedelta(hours=MIN_GAP_HOURS)


def gap_problems(starts: Iterable[datetime | None]) -> list[int]:
    """Indexes of ``starts`` less than 48 hours after the one before (``None`` skipped).

    The one rule for a plan's sessions (DESIGN.md, "Treatment plans"), whether a plan is
    proposed, booked or one of its sessions is moved.
    """
    problems = []
    previous = None
    for index, start in enumerate(starts):
        if start is None:
            continue
        if previous is not None and too_close(previous, start):
            problems.append(index)
        previous = start
    return problems
