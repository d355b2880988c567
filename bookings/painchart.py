"""The pain line: pain scores over time as an SVG chart drawn on the server.

Pure: it takes dated scores and the plan's sessions as plain values and returns the
markup, a one-paragraph summary and the rows of the text table; it reads nothing from
the database (``bookings.painhistory.pain_chart_for`` does that). No chart script runs
in the browser, and the markup carries no ``style`` attribute (the content security
policy allows styles from our static files only): colours are SVG presentation
attributes, sizes come from the ``viewBox`` and ``clinic.css``.

What the chart shows (CLINICAL.md, "Pain measures"):

- x: the visit dates, spaced by the real time between them; y: pain on the 0-10
  numeric rating scale, with labelled gridlines.
- Circles joined by a line: the pain at the start of each visit. Squares joined by a
  dashed line: the pain at the end of it, where recorded.
- The meaningful-change band: less than ``MEANINGFUL_CHANGE`` points either side of the
  starting pain. A later point on or beyond its edge is a change the client would notice.
- Under the axis, the current plan's sessions (filled triangles: done, open: to come);
  a reassessment is a diamond with a dashed line up the chart and its name above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from bookings import progress
from bookings.planning import MAX_PAIN_SCORE

# The meaningful change (about 2 points on the 0-10 scale, the smallest change a client
# notices) is ``bookings.progress.MEANINGFUL_CHANGE``: the band, the summary, the legend,
# the reassessment and the course rule all read that one value, at call time.

NO_SCORES = "No pain scores yet."

# The drawing, in viewBox units. The SVG is as wide as its container (width 100%), so on
# a 375 px phone one unit is about 0.8 px: text sizes are chosen to stay readable there.
WIDTH = 440
HEIGHT = 252
PLOT_LEFT = 34
PLOT_RIGHT = WIDTH - 10
PLOT_TOP = 26
PLOT_BOTTOM = 196
# Points stay this far inside the plot's sides, so dots at the edges are not cut.
INSET = 14
# Visits on one day sit side by side, at most this far apart.
SAME_DAY_STEP = 7.0
# Two date labels on the axis are at least this far apart; the rest are left out.
MIN_LABEL_GAP = 60.0
GRID_STEP = 2
FONT_SIZE = 14

BEFORE_COLOUR = "#1f5f5b"
AFTER_COLOUR = "#6a3d8f"
BAND_COLOUR = "#1f5f5b"
REASSESSMENT_COLOUR = "#8a4600"
SESSION_COLOUR = "#343a40"
GRID_COLOUR = "#ced4da"
TEXT_COLOUR = "#343a40"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class PainPoint:
    """One visit's scores: ``before`` at the start of the visit, ``after`` at its end."""

    on: date
    before: int
    after: int | None = None
    label: str = ""
    is_reassessment: bool = False


@dataclass(frozen=True, slots=True)
class SessionMark:
    """A booked session of the current plan: ``done`` once its time has passed."""

    on: date
    done: bool
    is_reassessment: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of the text table that goes with the chart."""

    on: date
    before: int | None
    after: int | None
    what: str


@dataclass(frozen=True, slots=True)
class PainChart:
    """The chart, its summary and the rows of its text table.

    ``svg`` is empty when there is no score to draw; ``summary`` then says so.
    """

    points: tuple[PainPoint, ...]
    sessions: tuple[SessionMark, ...]
    baseline: int | None
    baseline_source: str
    title: str
    summary: str
    svg: SafeString
    rows: tuple[TableRow, ...]
    band_low: int | None
    band_high: int | None
    meaningful_change: int = progress.MEANINGFUL_CHANGE

    @property
    def is_empty(self) -> bool:
        return not self.points

    @property
    def has_after(self) -> bool:
        return any(point.after is not None for point in self.points)

    @property
    def has_sessions(self) -> bool:
        return any(not session.is_reassessment for session in self.sessions)

    @property
    def has_reassessment(self) -> bool:
        return any(s.is_reassessment for s in self.sessions) or any(
            p.is_reassessment for p in self.points
        )


def band_limits(baseline: int) -> tuple[int, int]:
    """The meaningful-change band around ``baseline``, kept on the 0-10 scale."""
    points = progress.MEANINGFUL_CHANGE
    return max(0, baseline - points), min(MAX_PAIN_SCORE, baseline + points)


def short_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def y_for(score: float) -> float:
    """The y coordinate of a pain score: 10 on the top gridline, 0 on the bottom one."""
    return PLOT_BOTTOM - score * (PLOT_BOTTOM - PLOT_TOP) / MAX_PAIN_SCORE


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _check_score(score: int | None, what: str) -> None:
    if score is None:
        return
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"{what} must be a whole number from 0 to {MAX_PAIN_SCORE}.")
    if not 0 <= score <= MAX_PAIN_SCORE:
        raise ValueError(f"{what} must be from 0 to {MAX_PAIN_SCORE}, not {score}.")


class _XScale:
    """Days to x: real spacing between the first and last day, inset from the sides."""

    def __init__(self, days: Sequence[date]) -> None:
        self.first = min(days)
        self.span = (max(days) - self.first).days
        self.left = PLOT_LEFT + INSET
        self.width = PLOT_RIGHT - PLOT_LEFT - 2 * INSET

    def __call__(self, day: date) -> float:
        if self.span == 0:
            return self.left + self.width / 2
        return self.left + (day - self.first).days * self.width / self.span


def _point_xs(points: Sequence[PainPoint], scale: _XScale) -> list[float]:
    """x for each point (sorted by day); visits on one day sit side by side, in order.

    A day's group spreads at most halfway towards its neighbouring days, so the points
    keep their order however close the days are.
    """
    groups: list[list[int]] = []
    for index, point in enumerate(points):
        if groups and points[groups[-1][0]].on == point.on:
            groups[-1].append(index)
        else:
            groups.append([index])
    centres = [scale(points[group[0]].on) for group in groups]
    xs = [0.0] * len(points)
    for number, group in enumerate(groups):
        centre = centres[number]
        room = float(INSET)
        if number > 0:
            room = min(room, (centre - centres[number - 1]) / 2)
        if number < len(groups) - 1:
            room = min(room, (centres[number + 1] - centre) / 2)
        count = len(group)
        step = min(SAME_DAY_STEP, 2 * room / count) if count > 1 else 0.0
        for position, index in enumerate(group):
            xs[index] = centre + (position - (count - 1) / 2) * step
    return xs


def _labelled_days(days: Sequence[date], scale: _XScale) -> list[date]:
    """The days that get a date label: first, last, and as many between as fit."""
    distinct = sorted(set(days))
    chosen: list[date] = []
    for day in distinct:
        if not chosen or scale(day) - scale(chosen[-1]) >= MIN_LABEL_GAP:
            chosen.append(day)
    last = distinct[-1]
    if chosen[-1] != last:
        # The latest day always has its label; the one before it makes room.
        if len(chosen) > 1 and scale(last) - scale(chosen[-1]) < MIN_LABEL_GAP:
            chosen.pop()
        chosen.append(last)
    return chosen


def _point_text(point: PainPoint) -> str:
    text = f"{long_date(point.on)}: pain {point.before} at the start"
    if point.after is not None:
        text += f", {point.after} at the end"
    if point.label:
        text += f" ({point.label})"
    return text


def _summary(
    points: Sequence[PainPoint],
    sessions: Sequence[SessionMark],
    baseline: int,
    baseline_source: str,
    *,
    compare_latest: bool,
) -> str:
    first, last = points[0], points[-1]
    if len(points) == 1:
        text = f"Pain was {first.before} at the one visit so far, on {long_date(first.on)}"
    else:
        text = f"Pain went from {first.before} to {last.before} over {len(points)} visits"
    text += f"; a change of {progress.MEANINGFUL_CHANGE} points or more is meaningful."
    source = f" {baseline_source}" if baseline_source else ""
    low, high = band_limits(baseline)
    text += (
        f" The shaded band marks {progress.MEANINGFUL_CHANGE} points either side of the starting pain"
        f" of {baseline}{source}, from {low} to {high}."
    )
    if compare_latest:
        change = last.before - baseline
        if progress.is_meaningful_change(baseline, last.before):
            direction = "lower" if change < 0 else "higher"
            text += (
                f" The latest score is {abs(change)} points {direction} than the start:"
                " a meaningful change."
            )
        else:
            text += " The latest score is not a meaningful change from the start."
    if any(p.after is not None for p in points):
        text += " Squares show the pain at the end of each visit."
    booked = [s for s in sessions if not s.done]
    if booked:
        text += (
            f" {len(booked)} more session{'s are' if len(booked) != 1 else ' is'} booked,"
            f" to {long_date(booked[-1].on)}."
        )
    reassessments = sorted(
        {s.on for s in sessions if s.is_reassessment} | {p.on for p in points if p.is_reassessment}
    )
    if reassessments:
        text += " Reassessment: " + ", ".join(long_date(day) for day in reassessments) + "."
    return text


def _rows(points: Sequence[PainPoint], sessions: Sequence[SessionMark]) -> tuple[TableRow, ...]:
    rows = [
        TableRow(
            on=p.on,
            before=p.before,
            after=p.after,
            what="Reassessment" if p.is_reassessment and not p.label else p.label,
        )
        for p in points
    ]
    for session in sessions:
        if not session.done:
            kind = "Reassessment" if session.is_reassessment else "Session"
            label = session.label or kind
            rows.append(TableRow(on=session.on, before=None, after=None, what=f"{label}, booked"))
    rows.sort(key=lambda row: (row.on, row.before is None))
    return tuple(rows)


def _grid() -> SafeString:
    lines = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
        (
            (PLOT_LEFT, _num(y_for(score)), PLOT_RIGHT, _num(y_for(score)), GRID_COLOUR)
            for score in range(0, MAX_PAIN_SCORE + 1, GRID_STEP)
        ),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
        (
            (PLOT_LEFT - 6, _num(y_for(score)), score)
            for score in range(0, MAX_PAIN_SCORE + 1, GRID_STEP)
        ),
    )
    return format_html('<g class="pain-grid" data-role="grid">{}{}</g>', lines, labels)


def _band(baseline: int) -> SafeString:
    low, high = band_limits(baseline)
    top, bottom = y_for(high), y_for(low)
    return format_html(
        '<rect class="pain-band" data-role="band" x="{}" y="{}" width="{}" height="{}"'
        ' fill="{}" fill-opacity="0.14"/>'
        '<line class="pain-baseline" data-role="baseline" x1="{}" y1="{}" x2="{}" y2="{}"'
        ' stroke="{}" stroke-width="1" stroke-dasharray="2 3"/>',
        PLOT_LEFT,
        _num(top),
        PLOT_RIGHT - PLOT_LEFT,
        _num(bottom - top),
        BAND_COLOUR,
        PLOT_LEFT,
        _num(y_for(baseline)),
        PLOT_RIGHT,
        _num(y_for(baseline)),
        BAND_COLOUR,
    )


def _date_labels(days: Sequence[date], scale: _XScale) -> SafeString:
    # Centred under their day: INSET and the side margins leave room for half a label.
    parts: list[tuple[str, str, str]] = []
    previous_year: int | None = None
    for day in _labelled_days(days, scale):
        year = str(day.year) if day.year != previous_year else ""
        previous_year = day.year
        parts.append((_num(scale(day)), short_date(day), year))
    return format_html_join(
        "",
        '<text data-role="date" x="{0}" y="222" text-anchor="middle">{1}'
        '<tspan x="{0}" dy="15">{2}</tspan></text>',
        parts,
    )


def _session_marks(sessions: Sequence[SessionMark], scale: _XScale) -> SafeString:
    ticks: list[SafeString] = []
    for session in sessions:
        x = scale(session.on)
        kind = "Reassessment" if session.is_reassessment else "Session"
        what = session.label or kind
        state = "done" if session.done else "booked"
        fill = SESSION_COLOUR if session.done else "#ffffff"
        if session.is_reassessment:
            ticks.append(
                format_html(
                    '<path data-role="reassessment-tick" data-state="{}"'
                    ' d="M{} {} l5 5 l-5 5 l-5 -5 z" fill="{}" stroke="{}" stroke-width="1.5">'
                    "<title>{}, {}: {}</title></path>",
                    state,
                    _num(x),
                    PLOT_BOTTOM + 1,
                    REASSESSMENT_COLOUR if session.done else "#ffffff",
                    REASSESSMENT_COLOUR,
                    what,
                    state,
                    long_date(session.on),
                )
            )
        else:
            ticks.append(
                format_html(
                    '<path data-role="session-tick" data-state="{}"'
                    ' d="M{} {} l4 8 h-8 z" fill="{}" stroke="{}" stroke-width="1.5">'
                    "<title>{}, {}: {}</title></path>",
                    state,
                    _num(x),
                    PLOT_BOTTOM + 2,
                    fill,
                    SESSION_COLOUR,
                    what,
                    state,
                    long_date(session.on),
                )
            )
    return format_html_join("", "{}", ((tick,) for tick in ticks))


def _reassessment_lines(days: Iterable[date], scale: _XScale) -> SafeString:
    parts: list[tuple[str, int, int, str, str]] = []
    for day in sorted(set(days)):
        x = scale(day)
        anchor = "middle"
        if x - PLOT_LEFT < 40:
            anchor = "start"
        elif PLOT_RIGHT - x < 40:
            anchor = "end"
        parts.append((_num(x), PLOT_TOP - 4, PLOT_BOTTOM, REASSESSMENT_COLOUR, anchor))
    return format_html_join(
        "",
        '<g data-role="reassessment" class="pain-reassessment">'
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1.5"'
        ' stroke-dasharray="5 3"/>'
        '<text x="{0}" y="{1}" dy="-4" text-anchor="{4}" fill="{3}">Reassessment</text></g>',
        parts,
    )


def _series(
    points: Sequence[PainPoint], xs: Sequence[float], *, after: bool, radius: float
) -> SafeString:
    coords = [
        (x, point.after if after else point.before, point)
        for x, point in zip(xs, points, strict=True)
        if not after or point.after is not None
    ]
    line = ""
    if len(coords) > 1:
        line = format_html(
            '<polyline data-role="{}-line" points="{}" fill="none" stroke="{}"'
            ' stroke-width="2" stroke-linejoin="round"{}/>',
            "after" if after else "before",
            " ".join(
                f"{_num(x)},{_num(y_for(score))}" for x, score, _ in coords if score is not None
            ),
            AFTER_COLOUR if after else BEFORE_COLOUR,
            format_html(' stroke-dasharray="{}"', "6 4") if after else "",
        )
    if after:
        marks = format_html_join(
            "",
            '<rect data-role="after" data-score="{}" x="{}" y="{}" width="{}" height="{}"'
            ' fill="#ffffff" stroke="{}" stroke-width="2"><title>{}</title></rect>',
            (
                (
                    score,
                    _num(x - radius),
                    _num(y_for(score) - radius),
                    _num(2 * radius),
                    _num(2 * radius),
                    AFTER_COLOUR,
                    _point_text(point),
                )
                for x, score, point in coords
                if score is not None
            ),
        )
    else:
        marks = format_html_join(
            "",
            '<circle data-role="before" data-score="{}" cx="{}" cy="{}" r="{}" fill="{}"'
            ' stroke="#ffffff" stroke-width="1"><title>{}</title></circle>',
            (
                (
                    score,
                    _num(x),
                    _num(y_for(score)),
                    _num(radius),
                    BEFORE_COLOUR,
                    _point_text(point),
                )
                for x, score, point in coords
                if score is not None
            ),
        )
    return format_html('<g class="pain-series">{}{}</g>', line, marks)


def build_pain_chart(
    points: Iterable[PainPoint],
    *,
    sessions: Iterable[SessionMark] = (),
    baseline: int | None = None,
    baseline_source: str = "",
    id_prefix: str = "pain-chart",
) -> PainChart:
    """The pain chart for ``points`` (any order; drawn by day, same-day ones in given order).

    ``baseline`` is the starting pain the band is drawn around: the first point's score
    unless given (the health form's, say; then ``baseline_source`` says where it is
    from). ``sessions`` are the current plan's booked sessions; those before the first
    point fall outside the chart and are left out. ``id_prefix`` keeps the SVG's ids
    unique when a page shows more than one chart.

    Raises ``ValueError`` for a score outside 0-10.
    """
    ordered = tuple(sorted(points, key=lambda point: point.on))
    for point in ordered:
        _check_score(point.before, "A pain score")
        _check_score(point.after, "A pain score after a visit")
    _check_score(baseline, "The starting pain")
    title = "Pain over time"
    if not ordered:
        return PainChart(
            points=(),
            sessions=(),
            baseline=None,
            baseline_source="",
            title=title,
            summary=NO_SCORES,
            svg=SafeString(""),
            rows=(),
            band_low=None,
            band_high=None,
        )
    start = ordered[0].on
    shown = tuple(sorted((s for s in sessions if s.on >= start), key=lambda s: s.on))
    # With one visit and no other starting pain there is nothing to compare yet.
    compare_latest = len(ordered) > 1 or baseline is not None
    if baseline is None:
        baseline, baseline_source = ordered[0].before, baseline_source or "at the first visit"
    summary = _summary(ordered, shown, baseline, baseline_source, compare_latest=compare_latest)
    days = [point.on for point in ordered] + [session.on for session in shown]
    scale = _XScale(days)
    xs = _point_xs(ordered, scale)
    radius = 4.0 if len(ordered) <= 30 else 3.0 if len(ordered) <= 60 else 2.5
    reassessment_days = [s.on for s in shown if s.is_reassessment] + [
        p.on for p in ordered if p.is_reassessment
    ]
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="pain-chart-svg" viewBox="0 0 {} {}"'
        ' width="100%" preserveAspectRatio="xMidYMid meet" role="img"'
        ' aria-labelledby="{}-title {}-desc" font-size="{}" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}{}{}{}{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        id_prefix,
        id_prefix,
        FONT_SIZE,
        TEXT_COLOUR,
        id_prefix,
        title,
        id_prefix,
        summary,
        _band(baseline),
        _grid(),
        _reassessment_lines(reassessment_days, scale),
        _session_marks(shown, scale),
        _date_labels(days, scale),
        _series(ordered, xs, after=True, radius=radius),
        _series(ordered, xs, after=False, radius=radius + 0.5),
    )
    low, high = band_limits(baseline)
    return PainChart(
        points=ordered,
        sessions=shown,
        baseline=baseline,
        baseline_source=baseline_source,
        title=title,
        summary=summary,
        svg=svg,
        rows=_rows(ordered, shown),
        band_low=low,
        band_high=high,
        meaningful_change=progress.MEANINGFUL_CHANGE,
    )
