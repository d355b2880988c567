"""Is the course of treatment working? Pure rules on 0-10 pain scores (no database).

CLINICAL.md, "Meaningful change": about 2 points on the 0-10 scale. A course is judged
by the pain at the start against the pain now:

    >>> change(6, 3).meaningful
    True
    >>> course_progress([(date(2026, 3, 2), 6), (date(2026, 3, 30), 5)], date(2026, 3, 30)).status
    'not_improving'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# Points on the 0-10 scale that count as a real change, better or worse (one constant:
# the reassessment, the course rule and the chart's band all mean this).
MEANINGFUL_CHANGE = 2
# A course that has not got better by MEANINGFUL_CHANGE after this long says so.
NO_IMPROVEMENT_AFTER = timedelta(weeks=4)
# Chronic pain on a maintenance plan is reassessed at least this often.
REASSESS_EVERY = timedelta(weeks=12)


def is_meaningful_change(start: int, now: int) -> bool:
    """Whether pain (or difficulty) moved from ``start`` to ``now`` by the meaningful
    change or more, in either direction. The one rule: ``Change``, ``course_progress``,
    the reassessment and the pain chart all use it."""
    return abs(now - start) >= MEANINGFUL_CHANGE


IMPROVING = "improving"
TOO_EARLY = "too_early"
NOT_IMPROVING = "not_improving"
WORSE = "worse"
NO_SCORES = "no_scores"
# The statuses that tell the therapist and the client, and suggest a doctor's review.
NEEDS_REVIEW = (NOT_IMPROVING, WORSE)


@dataclass(frozen=True, slots=True)
class Change:
    """Pain (or difficulty) at the start against now; lower is better on both scales."""

    start: int
    now: int

    @property
    def points_better(self) -> int:
        """How many points better (negative: worse)."""
        return self.start - self.now

    @property
    def meaningful(self) -> bool:
        """Better by at least the meaningful change."""
        return self.points_better > 0 and is_meaningful_change(self.start, self.now)

    @property
    def worse(self) -> bool:
        """Worse by at least the meaningful change."""
        return self.points_better < 0 and is_meaningful_change(self.start, self.now)

    def text(self) -> str:
        """ "3 points better (a meaningful change)", "no change", "2 points worse (...)"."""
        points = abs(self.points_better)
        if points == 0:
            return "no change"
        unit = "point" if points == 1 else "points"
        if self.points_better > 0:
            tail = (
                " (a meaningful change)" if self.meaningful else " (less than a meaningful change)"
            )
            return f"{points} {unit} better{tail}"
        tail = " (meaningfully worse)" if self.worse else ""
        return f"{points} {unit} worse{tail}"


def _score(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be a whole number from 0 to 10, got {value!r}")
    return value


def change(start: int, now: int) -> Change:
    """The change from ``start`` to ``now`` (0-10 whole numbers; ``ValueError`` otherwise)."""
    return Change(_score(start, "start"), _score(now, "now"))


@dataclass(frozen=True, slots=True)
class Progress:
    """How a course is going: ``status`` is one of the module's status names."""

    status: str
    baseline: int | None = None
    latest: int | None = None
    first_visit: date | None = None

    @property
    def needs_review(self) -> bool:
        """Not improving or worse: tell the therapist and the client, suggest a GP review."""
        return self.status in NEEDS_REVIEW

    @property
    def change(self) -> Change | None:
        if self.baseline is None or self.latest is None:
            return None
        return Change(self.baseline, self.latest)


def course_progress(
    scores: Sequence[tuple[date, int]], today: date, *, baseline: int | None = None
) -> Progress:
    """Judge a course from its visits' ``(date, pain score)``, in any order, as of ``today``.

    The baseline is ``baseline`` if given (the pain before the course), else the first
    visit's score; the latest is the last visit's. Then:

    * ``worse``: the latest is at least MEANINGFUL_CHANGE above the baseline (at once);
    * ``improving``: at least MEANINGFUL_CHANGE below it;
    * ``not_improving``: neither, once the first visit is NO_IMPROVEMENT_AFTER (4 weeks)
      or more before ``today``;
    * ``too_early``: neither, before that; ``no_scores`` without visits.
    """
    if not scores:
        return Progress(NO_SCORES)
    ordered = sorted(scores, key=lambda pair: pair[0])
    for _day, score in ordered:
        _score(score, "a visit's pain score")
    first_day, first_score = ordered[0]
    start = _score(baseline, "baseline") if baseline is not None else first_score
    latest = ordered[-1][1]
    result = Change(start, latest)
    if result.worse:
        status = WORSE
    elif result.meaningful:
        status = IMPROVING
    elif today - first_day >= NO_IMPROVEMENT_AFTER:
        status = NOT_IMPROVING
    else:
        status = TOO_EARLY
    return Progress(status, baseline=start, latest=latest, first_visit=first_day)


def reassessment_due(last_reassessment: date, visit_day: date) -> bool:
    """Is a maintenance visit on ``visit_day`` due to be a reassessment (12 weeks on)?"""
    return visit_day - last_reassessment >= REASSESS_EVERY
