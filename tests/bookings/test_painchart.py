"""The pain line: the pure SVG builder, the visits it is read from, and the dashboard."""

import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import painchart, progress
from bookings.models import TreatmentPlan, Visit
from bookings.painchart import (
    NO_SCORES,
    PainPoint,
    SessionMark,
    build_pain_chart,
    y_for,
)
from bookings.painhistory import pain_chart_for
from bookings.progress import MEANINGFUL_CHANGE
from intake.models import HealthDataAccess
from tests.base import ClinicTestCase, make_service
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

SVG = "{http://www.w3.org/2000/svg}"
NOW = utc(2026, 3, 10, 7, 0)  # Tuesday


def parse(chart):
    return ET.fromstring(str(chart.svg))


def role(root, name):
    return [element for element in root.iter() if element.get("data-role") == name]


def gridline_y(root, score):
    """The y of the gridline labelled ``score``, read from its label."""
    grid = role(root, "grid")[0]
    (label,) = [text for text in grid.iter(f"{SVG}text") if text.text == str(score)]
    ys = {float(line.get("y1")) for line in grid.iter(f"{SVG}line")}
    y = float(label.get("y"))
    assert y in ys, "the label sits on its gridline"
    return y


def dots(root):
    return [
        (float(circle.get("cx")), float(circle.get("cy")), int(circle.get("data-score")))
        for circle in role(root, "before")
    ]


def points(*scores, start=date(2026, 1, 5), every=7):
    return [
        PainPoint(on=start + timedelta(days=index * every), before=score)
        for index, score in enumerate(scores)
    ]


class BuilderTests(SimpleTestCase):
    def test_no_points_draw_no_svg_and_say_so(self):
        chart = build_pain_chart([])
        self.assertTrue(chart.is_empty)
        self.assertEqual(str(chart.svg), "")
        self.assertEqual(chart.summary, NO_SCORES)
        self.assertEqual(chart.summary, "No pain scores yet.")
        html = render_to_string("bookings/includes/pain_chart.html", {"chart": chart})
        self.assertIn("No pain scores yet.", html)
        self.assertNotIn("<svg", html)
        self.assertNotIn("<table", html)

    def test_one_point_sits_in_the_middle_inside_its_own_band(self):
        chart = build_pain_chart(points(6))
        root = parse(chart)
        ((x, y, score),) = dots(root)
        self.assertEqual(score, 6)
        self.assertAlmostEqual(x, (painchart.PLOT_LEFT + painchart.PLOT_RIGHT) / 2)
        self.assertAlmostEqual(y, y_for(6))
        self.assertEqual(role(root, "before-line"), [], "one point draws no line")
        self.assertEqual(chart.baseline, 6)
        self.assertEqual((chart.band_low, chart.band_high), (4, 8))
        self.assertIn("Pain was 6 at the one visit so far, on 5 Jan 2026", chart.summary)
        self.assertNotIn("latest score", chart.summary)
        self.assertEqual(len(role(root, "date")), 1)

    def test_ten_is_on_the_top_gridline_and_zero_on_the_bottom_one(self):
        root = parse(build_pain_chart(points(10, 0, 5)))
        (top_x, top_y, _), (bottom_x, bottom_y, _), (_, middle_y, _) = dots(root)
        self.assertEqual(top_y, gridline_y(root, 10))
        self.assertEqual(bottom_y, gridline_y(root, 0))
        self.assertEqual(top_y, min(gridline_y(root, s) for s in range(0, 11, 2)))
        self.assertEqual(bottom_y, max(gridline_y(root, s) for s in range(0, 11, 2)))
        self.assertAlmostEqual(middle_y, (top_y + bottom_y) / 2)
        # Gridlines every 2 points, each labelled.
        self.assertEqual(
            [gridline_y(root, s) for s in (0, 2, 4, 6, 8, 10)],
            sorted((gridline_y(root, s) for s in (0, 2, 4, 6, 8, 10)), reverse=True),
        )
        # Dots at the edges stay inside the drawing.
        width, height = (float(v) for v in root.get("viewBox").split()[2:])
        self.assertGreater(top_y - 4, 0)
        self.assertLess(bottom_y + 4, height)
        self.assertTrue(0 < top_x < bottom_x < width)

    def test_days_are_spaced_by_the_real_time_between_them(self):
        chart = build_pain_chart(
            [
                PainPoint(on=date(2026, 1, 1), before=5),
                PainPoint(on=date(2026, 1, 2), before=5),
                PainPoint(on=date(2026, 1, 11), before=5),
            ]
        )
        (x0, _, _), (x1, _, _), (x2, _, _) = dots(parse(chart))
        self.assertAlmostEqual((x1 - x0) * 9, x2 - x1, places=0)

    def test_many_points_are_drawn_by_date_and_the_dates_thin_out(self):
        scores = [(index * 7) % 11 for index in range(65)]
        given = points(*scores, every=3)
        shuffled = given[1::2] + given[::2]
        chart = build_pain_chart(shuffled)
        root = parse(chart)
        drawn = dots(root)
        self.assertEqual(len(drawn), 65)
        xs = [x for x, _, _ in drawn]
        self.assertEqual(xs, sorted(xs))
        self.assertEqual(len(set(xs)), 65)
        self.assertEqual([score for _, _, score in drawn], scores)
        self.assertEqual([p.on for p in chart.points], [p.on for p in given])
        # The line follows the dots in date order.
        line = role(root, "before-line")[0].get("points").split()
        self.assertEqual([float(pair.split(",")[0]) for pair in line], xs)
        labels = role(root, "date")
        self.assertLessEqual(len(labels), 9)
        self.assertGreaterEqual(len(labels), 4)
        label_xs = [float(label.get("x")) for label in labels]
        self.assertTrue(
            all(b - a >= painchart.MIN_LABEL_GAP for a, b in itertools.pairwise(label_xs))
        )
        self.assertEqual(labels[0].text, "5 Jan")
        self.assertEqual(labels[-1].text, "16 Jul", "the latest day keeps its label")
        self.assertEqual(len(chart.rows), 65)

    def test_visits_on_one_day_sit_side_by_side_in_the_order_given(self):
        day = date(2026, 2, 3)
        chart = build_pain_chart(
            [
                PainPoint(on=date(2026, 2, 4), before=2),
                PainPoint(on=day, before=7),
                PainPoint(on=day, before=5),
                PainPoint(on=date(2026, 2, 2), before=8),
            ]
        )
        drawn = dots(parse(chart))
        self.assertEqual([score for _, _, score in drawn], [8, 7, 5, 2])
        xs = [x for x, _, _ in drawn]
        self.assertEqual(xs, sorted(xs))
        self.assertEqual(len(set(xs)), 4)
        self.assertLess(xs[2] - xs[1], xs[3] - xs[2])
        self.assertEqual(len(role(parse(chart), "date")), 3, "one label per day")

    def test_the_band_for_a_starting_pain_of_7_runs_from_5_to_9(self):
        chart = build_pain_chart(points(7, 6, 4, 3))
        root = parse(chart)
        (band,) = role(root, "band")
        top = float(band.get("y"))
        self.assertEqual(
            top, gridline_y(root, 8) - (gridline_y(root, 8) - gridline_y(root, 10)) / 2
        )
        self.assertAlmostEqual(top, y_for(9))
        self.assertAlmostEqual(top + float(band.get("height")), y_for(5))
        self.assertAlmostEqual(float(band.get("height")), 2 * MEANINGFUL_CHANGE * 17)
        self.assertEqual(float(band.get("x")), painchart.PLOT_LEFT)
        (baseline,) = role(root, "baseline")
        self.assertAlmostEqual(float(baseline.get("y1")), y_for(7))
        self.assertIn("Pain went from 7 to 3 over 4 visits", chart.summary)
        self.assertIn("a change of 2 points or more is meaningful", chart.summary)
        self.assertIn("The latest score is 4 points lower than the start", chart.summary)
        # The first visit's 6 is inside the band; the 3 is outside it, below.
        _, (_, y6, _), _, (_, y3, _) = dots(root)
        self.assertTrue(top < y6 < top + float(band.get("height")))
        self.assertGreater(y3, top + float(band.get("height")))

    def test_the_band_stops_at_the_ends_of_the_scale(self):
        for start, low, high in ((10, 8, 10), (1, 0, 3), (0, 0, 2)):
            with self.subTest(start=start):
                chart = build_pain_chart(points(start, 5))
                (band,) = role(parse(chart), "band")
                self.assertAlmostEqual(float(band.get("y")), y_for(high))
                self.assertAlmostEqual(float(band.get("y")) + float(band.get("height")), y_for(low))
                self.assertEqual((chart.band_low, chart.band_high), (low, high))

    def test_the_band_width_comes_from_one_constant(self):
        with mock.patch.object(progress, "MEANINGFUL_CHANGE", 3):
            chart = build_pain_chart(points(7, 5))
            # The course rule reads the same value: 7 to 5 is no longer "improving".
            self.assertFalse(progress.change(7, 5).meaningful)
        (band,) = role(parse(chart), "band")
        self.assertAlmostEqual(float(band.get("y")), y_for(10))
        self.assertAlmostEqual(float(band.get("y")) + float(band.get("height")), y_for(4))
        self.assertIn("a change of 3 points or more", chart.summary)
        self.assertIn("not a meaningful change", chart.summary)
        self.assertEqual(chart.meaningful_change, 3)

    def test_one_definition_of_the_meaningful_change(self):
        # The chart keeps no copy of the constant or of the rule: progress.py owns both.
        self.assertFalse(hasattr(painchart, "MEANINGFUL_CHANGE"))
        self.assertFalse(hasattr(painchart, "is_meaningful_change"))
        self.assertTrue(progress.is_meaningful_change(7, 5))
        self.assertTrue(progress.is_meaningful_change(5, 7))
        self.assertFalse(progress.is_meaningful_change(7, 6))

    def test_a_given_starting_pain_centres_the_band(self):
        chart = build_pain_chart(points(6, 5), baseline=8, baseline_source="on the health form")
        (band,) = role(parse(chart), "band")
        self.assertAlmostEqual(float(band.get("y")), y_for(10))
        self.assertAlmostEqual(float(band.get("y")) + float(band.get("height")), y_for(6))
        self.assertIn("starting pain of 8 on the health form", chart.summary)
        self.assertIn("3 points lower than the start: a meaningful change", chart.summary)

    def test_the_plans_sessions_are_ticks_and_the_reassessment_has_its_own_marker(self):
        chart = build_pain_chart(
            points(7, 5),
            sessions=[
                SessionMark(on=date(2025, 12, 29), done=True, label="Plan session 1"),
                SessionMark(on=date(2026, 1, 5), done=True, label="Plan session 2"),
                SessionMark(on=date(2026, 1, 12), done=True, label="Plan session 3"),
                SessionMark(on=date(2026, 1, 19), done=False, label="Plan session 4"),
                SessionMark(on=date(2026, 1, 26), done=False, is_reassessment=True),
            ],
        )
        root = parse(chart)
        ticks = role(root, "session-tick")
        self.assertEqual([tick.get("data-state") for tick in ticks], ["done", "done", "booked"])
        self.assertEqual(len(chart.sessions), 4, "a session before the first score is left out")
        self.assertNotEqual(ticks[0].get("fill"), ticks[2].get("fill"))
        (marker,) = role(root, "reassessment-tick")
        (group,) = role(root, "reassessment")
        self.assertEqual([t.text for t in group.iter(f"{SVG}text")], ["Reassessment"])
        line = group.find(f"{SVG}line")
        self.assertEqual(line.get("x1"), marker.get("d").split()[0][1:])
        # The axis reaches the booked reassessment.
        last_x = float(line.get("x1"))
        self.assertGreater(last_x, max(x for x, _, _ in dots(root)))
        self.assertEqual(role(root, "date")[-1].text, "26 Jan")
        self.assertIn("2 more sessions are booked, to 26 Jan 2026", chart.summary)
        self.assertIn("Reassessment: 26 Jan 2026.", chart.summary)
        self.assertEqual(
            [(row.on, row.what) for row in chart.rows if row.before is None],
            [
                (date(2026, 1, 19), "Plan session 4, booked"),
                (date(2026, 1, 26), "Reassessment, booked"),
            ],
        )

    def test_a_reassessment_visit_is_marked_without_a_plan(self):
        chart = build_pain_chart(
            [
                PainPoint(on=date(2026, 1, 5), before=7),
                PainPoint(on=date(2026, 2, 5), before=4, is_reassessment=True),
            ]
        )
        (group,) = role(parse(chart), "reassessment")
        self.assertEqual(float(group.find(f"{SVG}line").get("x1")), dots(parse(chart))[1][0])
        self.assertTrue(chart.has_reassessment)
        self.assertEqual(chart.rows[1].what, "Reassessment")

    def test_pain_after_the_visit_is_a_second_series_of_squares(self):
        chart = build_pain_chart(
            [
                PainPoint(on=date(2026, 1, 5), before=7, after=4),
                PainPoint(on=date(2026, 1, 12), before=6),
                PainPoint(on=date(2026, 1, 19), before=5, after=2),
            ]
        )
        root = parse(chart)
        squares = role(root, "after")
        self.assertEqual([s.tag for s in squares], [f"{SVG}rect", f"{SVG}rect"])
        self.assertEqual([int(s.get("data-score")) for s in squares], [4, 2])
        befores = dots(root)
        for square, (x, _, _), score in zip(squares, (befores[0], befores[2]), (4, 2), strict=True):
            size = float(square.get("width"))
            self.assertAlmostEqual(float(square.get("x")) + size / 2, x)
            self.assertAlmostEqual(float(square.get("y")) + size / 2, y_for(score))
        (after_line,) = role(root, "after-line")
        self.assertEqual(after_line.get("stroke-dasharray"), "6 4")
        self.assertIsNone(role(root, "before-line")[0].get("stroke-dasharray"))
        self.assertTrue(chart.has_after)
        self.assertEqual([(r.before, r.after) for r in chart.rows], [(7, 4), (6, None), (5, 2)])
        html = render_to_string("bookings/includes/pain_chart.html", {"chart": chart})
        self.assertIn('<th scope="col">Pain at the end</th>', html)
        self.assertIn("Not recorded", html)

    def test_without_after_scores_there_is_no_second_series(self):
        chart = build_pain_chart(points(7, 5))
        self.assertEqual(role(parse(chart), "after"), [])
        self.assertFalse(chart.has_after)
        self.assertNotIn("Squares", chart.summary)

    def test_the_svg_is_an_accessible_image_with_no_inline_style(self):
        chart = build_pain_chart(points(7, 6, 5, 4, 3, 3))
        root = parse(chart)
        self.assertEqual(root.get("role"), "img")
        self.assertEqual(root.get("width"), "100%")
        self.assertEqual(root.get("viewBox"), "0 0 440 252")
        self.assertIsNone(root.get("height"))
        self.assertEqual(root.find(f"{SVG}title").text, "Pain over time")
        desc = root.find(f"{SVG}desc")
        self.assertTrue(
            desc.text.startswith(
                "Pain went from 7 to 3 over 6 visits; a change of 2 points or more is meaningful."
            )
        )
        ids = root.get("aria-labelledby").split()
        self.assertEqual(ids, [root.find(f"{SVG}title").get("id"), desc.get("id")])
        self.assertFalse([e for e in root.iter() if "style" in e.attrib or e.tag == f"{SVG}style"])
        self.assertNotIn("<script", str(chart.svg))

    def test_the_text_table_has_headers_and_every_score(self):
        chart = build_pain_chart(points(7, 5))
        html = render_to_string("bookings/includes/pain_chart.html", {"chart": chart})
        self.assertIn("<details", html)
        self.assertIn('<th scope="col">Pain at the start</th>', html)
        self.assertIn('<th scope="row">5 Jan 2026</th><td>7</td>', html)
        self.assertIn('<th scope="row">12 Jan 2026</th><td>5</td>', html)
        self.assertNotIn("style=", html)

    def test_a_hostile_label_is_escaped_everywhere(self):
        hostile = "</title><script>alert(\"x\")</script><title a='1'>&"
        chart = build_pain_chart(
            [PainPoint(on=date(2026, 1, 5), before=7, label=hostile)],
            sessions=[SessionMark(on=date(2026, 1, 12), done=False, label=hostile)],
            id_prefix='x"><script>',
        )
        root = parse(chart)  # still well-formed XML
        self.assertFalse([e for e in root.iter() if e.tag.endswith("script")])
        titles = [t.text for t in root.iter(f"{SVG}title")]
        self.assertIn(f"5 Jan 2026: pain 7 at the start ({hostile})", titles)
        self.assertNotIn("<script>", str(chart.svg))
        html = render_to_string("bookings/includes/pain_chart.html", {"chart": chart})
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;", html)

    def test_scores_outside_the_scale_are_refused(self):
        for bad in (
            [PainPoint(on=date(2026, 1, 5), before=11)],
            [PainPoint(on=date(2026, 1, 5), before=-1)],
            [PainPoint(on=date(2026, 1, 5), before=5, after=12)],
        ):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                build_pain_chart(bad)
        with self.assertRaises(ValueError):
            build_pain_chart(points(5), baseline=11)


def record_visit(case, start, score, **fields):
    appointment = make_appointment(
        case.client_profile,
        case.therapist,
        case.service,
        case.room,
        start,
        status="completed",
        **fields,
    )
    return Visit.objects.create(appointment=appointment, pain_score=score)


@time_machine.travel(NOW, tick=False)
class PainHistoryTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.url = reverse("client_dashboard")

    @pytest.fixture(autouse=True)
    def _query_limit(self, django_assert_max_num_queries):
        self.max_queries = django_assert_max_num_queries

    def make_plan(self):
        return TreatmentPlan.objects.create(
            client=self.client_profile,
            kind="acute",
            sessions_per_week=1,
            weeks=2,
            technique=self.service.technique,
            service=self.service,
            status="active",
        )

    def test_no_visits_mean_no_chart(self):
        with self.assertNumQueries(1):
            chart = pain_chart_for(self.client_profile)
        self.assertTrue(chart.is_empty)

    def test_the_latest_visits_are_shown_oldest_first(self):
        first = utc(2025, 8, 12, 10, 0)
        for week in range(30):
            record_visit(self, first + timedelta(weeks=week), week % 11)
        record_visit_other = make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 9, 10, 0),
            status="completed",
        )
        Visit.objects.create(appointment=record_visit_other, pain_score=10)
        with self.assertNumQueries(3):  # the visits, the health form, the plan (none)
            chart = pain_chart_for(self.client_profile)
        days = [point.on for point in chart.points]
        self.assertEqual(len(days), 24)
        self.assertEqual(days, sorted(days))
        self.assertEqual(days[0], date(2025, 9, 23))
        self.assertEqual(days[-1], date(2026, 3, 3))
        self.assertEqual([p.before for p in chart.points], [w % 11 for w in range(6, 30)])

    def test_the_dashboard_shows_the_latest_24_visits(self):
        first = utc(2025, 8, 12, 10, 0)
        for week in range(30):
            record_visit(self, first + timedelta(weeks=week), 5)
        self.login(self.client_user)
        response = self.client.get(self.url)
        html = response.content.decode()
        root = ET.fromstring(str(response.context["pain_chart"].svg))
        self.assertEqual(len(dots(root)), 24)
        self.assertIn('<th scope="row">3 Mar 2026</th>', html, "the newest visit")
        for week in range(6):
            day = (first + timedelta(weeks=week)).date()
            self.assertNotIn(f"{day.day} {day:%b %Y}", html, "the oldest six are left out")
        self.assertIn('<th scope="row">23 Sep 2025</th>', html, "the seventh oldest is in")
        self.assertIn('role="img"', html)
        self.assertTrue(
            HealthDataAccess.objects.filter(client=self.client_profile, action="view").exists()
        )

    def test_the_dashboard_query_count_does_not_grow_with_visits(self):
        plan = self.make_plan()
        record_visit(self, utc(2026, 3, 2, 10, 0), 7, plan=plan, plan_sequence=1)
        make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 16, 10, 0),
            plan=plan,
            plan_sequence=2,
        )
        self.login(self.client_user)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url)
        for week in range(1, 30):
            record_visit(self, utc(2026, 3, 2, 10, 0) - timedelta(weeks=week), 5)
        # Session, user, groups, profile, next visit, plan and its sessions, the chart's
        # four, the log, the health form, the main location, reading: 15, one visit or 30.
        with self.max_queries(min(len(few), 15)):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["pain_chart"].points), 24)

    def test_the_plans_sessions_and_reassessment_are_marked(self):
        plan = self.make_plan()
        record_visit(self, utc(2026, 3, 2, 10, 0), 7, plan=plan, plan_sequence=1)
        record_visit(self, utc(2026, 3, 9, 10, 0), 6, plan=plan, plan_sequence=2)
        for day, sequence, reassessment in ((16, 3, False), (23, None, True)):
            make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, day, 10, 0),
                plan=plan,
                plan_sequence=sequence,
                is_reassessment=reassessment,
            )
        make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 30, 10, 0),
            plan=plan,
            plan_sequence=4,
            status="cancelled",
        )
        with self.assertNumQueries(4):
            chart = pain_chart_for(self.client_profile)
        root = parse(chart)
        self.assertEqual(
            [t.get("data-state") for t in role(root, "session-tick")], ["done", "done", "booked"]
        )
        self.assertEqual(len(role(root, "reassessment-tick")), 1)
        self.assertEqual(len(role(root, "reassessment")), 1)
        self.assertEqual(
            [(row.on, row.what) for row in chart.rows],
            [
                (date(2026, 3, 2), "Plan session 1"),
                (date(2026, 3, 9), "Plan session 2"),
                (date(2026, 3, 16), "Plan session 3, booked"),
                (date(2026, 3, 23), "Reassessment, booked"),
            ],
        )

    def test_the_health_form_before_the_first_visit_is_the_starting_pain(self):
        with time_machine.travel(utc(2026, 2, 20, 9, 0), tick=False):
            make_intake(self.client_profile, onset=date(2026, 2, 1), pain_now=8)
        record_visit(self, utc(2026, 3, 2, 10, 0), 6)
        record_visit(self, utc(2026, 3, 9, 10, 0), 5)
        chart = pain_chart_for(self.client_profile)
        self.assertEqual(chart.baseline, 8)
        self.assertIn("starting pain of 8 on the health form", chart.summary)
        # A form completed after the first visit is not the start.
        with time_machine.travel(utc(2026, 3, 5, 9, 0), tick=False):
            make_intake(self.client_profile, onset=date(2026, 2, 1), pain_now=3)
        self.assertEqual(pain_chart_for(self.client_profile).baseline, 8)

    def test_without_an_earlier_health_form_the_first_visit_is_the_start(self):
        record_visit(self, utc(2026, 3, 2, 10, 0), 6)
        with time_machine.travel(utc(2026, 3, 5, 9, 0), tick=False):
            make_intake(self.client_profile, onset=date(2026, 2, 1), pain_now=3)
        chart = pain_chart_for(self.client_profile)
        self.assertEqual(chart.baseline, 6)
        self.assertEqual(chart.baseline_source, "at the first visit")

    def test_a_visit_is_drawn_on_the_clinics_local_day(self):
        # 23:30 UTC on 1 June is 00:30 on 2 June in London (summer time).
        record_visit(self, utc(2025, 6, 1, 23, 30), 6)
        record_visit(self, utc(2025, 12, 1, 23, 30), 5)
        chart = pain_chart_for(self.client_profile)
        self.assertEqual([p.on for p in chart.points], [date(2025, 6, 2), date(2025, 12, 1)])

    def test_a_hostile_service_name_is_escaped_on_the_dashboard(self):
        self.service.name = '<script>alert("pain")</script>'
        self.service.save(update_fields=["name"])
        record_visit(self, utc(2026, 3, 2, 10, 0), 6)
        self.login(self.client_user)
        response = self.client.get(self.url)
        self.assertNotContains(response, '<script>alert("pain")')
        self.assertContains(response, "&lt;script&gt;alert(&quot;pain&quot;)&lt;/script&gt;")

    def test_a_client_without_visits_reads_no_pain_scores_yet(self):
        self.login(self.client_user)
        response = self.client.get(self.url)
        self.assertContains(response, "No pain scores yet.")
        self.assertNotContains(response, 'role="img"')
        self.assertFalse(HealthDataAccess.objects.filter(client=self.client_profile).exists())
