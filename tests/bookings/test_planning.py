"""Treatment plan recommendation and session target dates: the pure planning rules."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from bookings.planning import (
    MIN_GAP_HOURS,
    PlanRecommendation,
    recommend_plan,
    session_targets,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
# A Monday, fixed so no test depends on the day it runs.
MONDAY = date(2025, 3, 3)


def gaps_in_days(dates: list[date]) -> list[int]:
    return [(later - earlier).days for earlier, later in pairwise(dates)]


class TestAcutePlans:
    @pytest.mark.parametrize(
        ("pain_score", "sessions_per_week", "weeks"),
        [
            (0, 1, 2),
            (3, 1, 2),
            (4, 1, 3),
            (6, 1, 3),
            (7, 2, 4),
            (10, 2, 4),
        ],
    )
    def test_score_band_sets_cadence_and_length(self, pain_score, sessions_per_week, weeks):
        plan = recommend_plan(pain_weeks=3, pain_score=pain_score)

        assert plan == PlanRecommendation(
            kind="acute",
            sessions_per_week=sessions_per_week,
            weeks=weeks,
            interval_weeks=None,
            session_minutes=60,
            reassessment=True,
        )
        assert plan.session_count == sessions_per_week * weeks

    def test_severe_acute_pain_gets_eight_sessions(self):
        assert recommend_plan(pain_weeks=3, pain_score=8).session_count == 8

    def test_pain_that_started_this_week_is_acute(self):
        assert recommend_plan(pain_weeks=0, pain_score=5).kind == "acute"

    def test_eleven_point_nine_weeks_is_acute(self):
        assert recommend_plan(pain_weeks=11.9, pain_score=5).kind == "acute"

    def test_arguments_may_be_positional(self):
        assert recommend_plan(3, 8) == recommend_plan(pain_weeks=3, pain_score=8)

    def test_plan_is_frozen(self):
        plan = recommend_plan(pain_weeks=3, pain_score=8)

        with pytest.raises(FrozenInstanceError):
            plan.weeks = 6  # type: ignore[misc]


class TestMaintenancePlans:
    @pytest.mark.parametrize(
        ("pain_score", "interval_weeks"),
        [(0, 4), (4, 4), (5, 2), (10, 2)],
    )
    def test_score_band_sets_interval(self, pain_score, interval_weeks):
        plan = recommend_plan(pain_weeks=20, pain_score=pain_score)

        assert plan == PlanRecommendation(
            kind="maintenance",
            sessions_per_week=None,
            weeks=None,
            interval_weeks=interval_weeks,
            session_minutes=60,
            reassessment=False,
        )

    def test_exactly_twelve_weeks_is_maintenance(self):
        assert recommend_plan(pain_weeks=12, pain_score=8).kind == "maintenance"

    def test_twelve_weeks_as_float_is_maintenance(self):
        assert recommend_plan(pain_weeks=12.0, pain_score=8).kind == "maintenance"

    def test_no_current_pain_is_prevention_maintenance(self):
        plan = recommend_plan(pain_weeks=None, pain_score=0)

        assert plan.kind == "maintenance"
        assert plan.interval_weeks == 4

    def test_no_current_pain_still_uses_the_score_band(self):
        assert recommend_plan(pain_weeks=None, pain_score=6).interval_weeks == 2

    def test_maintenance_books_the_next_three_sessions(self):
        assert recommend_plan(pain_weeks=30, pain_score=2).session_count == 3


class TestInvalidInput:
    @pytest.mark.parametrize(
        "pain_weeks",
        [-1, -0.1, True, False, "3", float("nan"), float("inf"), float("-inf"), [3]],
    )
    def test_invalid_pain_weeks_raises_value_error(self, pain_weeks):
        with pytest.raises(ValueError, match="pain_weeks"):
            recommend_plan(pain_weeks=pain_weeks, pain_score=5)

    @pytest.mark.parametrize("pain_score", [11, -1, 5.5, 5.0, True, False, "5", None])
    def test_invalid_pain_score_raises_value_error(self, pain_score):
        with pytest.raises(ValueError, match="pain_score"):
            recommend_plan(pain_weeks=3, pain_score=pain_score)

    def test_invalid_score_is_refused_for_no_current_pain_too(self):
        with pytest.raises(ValueError, match="pain_score"):
            recommend_plan(pain_weeks=None, pain_score=11)

    def test_error_message_shows_the_bad_value(self):
        with pytest.raises(ValueError, match="-2"):
            recommend_plan(pain_weeks=-2, pain_score=5)


class TestAcuteSessionTargets:
    def test_once_weekly_sessions_are_seven_days_apart_on_the_preferred_day(self):
        plan = recommend_plan(pain_weeks=3, pain_score=2)  # once a week for 2 weeks

        targets = session_targets(plan, first_day=MONDAY, weekdays=[WED])

        assert targets == [date(2025, 3, 5), date(2025, 3, 12), date(2025, 3, 19)]

    def test_reassessment_is_appended_in_the_week_after_the_last_session_week(self):
        plan = recommend_plan(pain_weeks=3, pain_score=5)  # once a week for 3 weeks

        targets = session_targets(plan, first_day=MONDAY, weekdays=[MON])

        sessions, reassessment = targets[:-1], targets[-1]
        assert len(sessions) == plan.session_count == 3
        assert sessions == [date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17)]
        assert reassessment == date(2025, 3, 24)

    def test_twice_weekly_uses_two_preferred_days(self):
        plan = recommend_plan(pain_weeks=3, pain_score=8)  # twice a week for 4 weeks

        targets = session_targets(plan, first_day=MONDAY, weekdays=[MON, THU])

        assert targets == [
            date(2025, 3, 3),
            date(2025, 3, 6),
            date(2025, 3, 10),
            date(2025, 3, 13),
            date(2025, 3, 17),
            date(2025, 3, 20),
            date(2025, 3, 24),
            date(2025, 3, 27),
            date(2025, 3, 31),  # reassessment
        ]

    def test_twice_weekly_has_eight_sessions_and_one_reassessment(self):
        plan = recommend_plan(pain_weeks=3, pain_score=10)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[TUE, FRI])

        assert len(targets) == plan.session_count + 1 == 9

    @pytest.mark.parametrize(
        "weekdays",
        [[MON], [MON, TUE], [SAT, SUN], [SUN, MON], [MON, SUN], [MON, TUE, WED], list(range(7))],
    )
    def test_twice_weekly_visits_are_at_least_48_hours_apart(self, weekdays):
        plan = recommend_plan(pain_weeks=3, pain_score=7)

        targets = session_targets(plan, first_day=MONDAY, weekdays=weekdays)

        assert min(gaps_in_days(targets)) * 24 >= MIN_GAP_HOURS

    def test_one_preferred_weekday_gets_a_second_session_three_days_later(self):
        plan = recommend_plan(pain_weeks=3, pain_score=7)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[TUE])

        assert targets[:4] == [
            date(2025, 3, 4),
            date(2025, 3, 7),
            date(2025, 3, 11),
            date(2025, 3, 14),
        ]

    def test_adjacent_preferred_weekdays_get_a_second_session_three_days_later(self):
        plan = recommend_plan(pain_weeks=3, pain_score=7)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[MON, TUE])

        assert targets[:2] == [date(2025, 3, 3), date(2025, 3, 6)]

    def test_second_session_prefers_the_most_even_spacing(self):
        plan = recommend_plan(pain_weeks=3, pain_score=7)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[MON, WED, THU])

        assert targets[:2] == [date(2025, 3, 3), date(2025, 3, 6)]  # Mon, Thu

    def test_sunday_preference_does_not_crowd_the_next_monday(self):
        plan = recommend_plan(pain_weeks=3, pain_score=7)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[MON, SUN])

        assert date(2025, 3, 9) not in targets  # the Sunday before the second Monday
        assert targets[:3] == [date(2025, 3, 3), date(2025, 3, 6), date(2025, 3, 10)]

    def test_weeks_start_at_the_first_preferred_day_on_or_after_first_day(self):
        plan = recommend_plan(pain_weeks=3, pain_score=7)

        # First day is a Wednesday; the client prefers Monday and Thursday.
        targets = session_targets(plan, first_day=date(2025, 3, 5), weekdays=[MON, THU])

        assert targets[:4] == [
            date(2025, 3, 6),  # Thu
            date(2025, 3, 10),  # Mon
            date(2025, 3, 13),
            date(2025, 3, 17),
        ]
        assert targets[-1] == date(2025, 4, 3)  # reassessment: Thursday after week 4

    def test_first_day_on_a_preferred_weekday_is_used(self):
        plan = recommend_plan(pain_weeks=3, pain_score=2)

        assert session_targets(plan, first_day=MONDAY, weekdays=[MON])[0] == MONDAY

    def test_targets_are_sorted_and_unique(self):
        plan = recommend_plan(pain_weeks=3, pain_score=9)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[SUN, WED, MON, WED])

        assert targets == sorted(set(targets))

    def test_dates_cross_a_month_and_year_end(self):
        plan = recommend_plan(pain_weeks=1, pain_score=4)

        targets = session_targets(plan, first_day=date(2025, 12, 20), weekdays=[MON])

        assert targets == [
            date(2025, 12, 22),
            date(2025, 12, 29),
            date(2026, 1, 5),
            date(2026, 1, 12),
        ]

    def test_a_therapists_changed_plan_is_proposed_the_same_way(self):
        plan = replace(recommend_plan(pain_weeks=3, pain_score=2), weeks=3)

        assert len(session_targets(plan, first_day=MONDAY, weekdays=[FRI])) == 4


class TestMaintenanceSessionTargets:
    def test_every_two_weeks_gives_three_dates_fourteen_days_apart(self):
        plan = recommend_plan(pain_weeks=20, pain_score=6)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[FRI])

        assert targets == [date(2025, 3, 7), date(2025, 3, 21), date(2025, 4, 4)]

    def test_every_four_weeks_gives_three_dates_twenty_eight_days_apart(self):
        plan = recommend_plan(pain_weeks=None, pain_score=0)

        targets = session_targets(plan, first_day=MONDAY, weekdays=[MON, WED])

        assert targets == [date(2025, 3, 3), date(2025, 3, 31), date(2025, 4, 28)]
        assert gaps_in_days(targets) == [28, 28]

    def test_maintenance_starts_at_the_first_preferred_day_on_or_after_first_day(self):
        plan = recommend_plan(pain_weeks=12, pain_score=5)

        # A Saturday; of Tuesday and Sunday, Sunday comes first.
        targets = session_targets(plan, first_day=date(2025, 3, 8), weekdays=[TUE, SUN])

        assert targets[0] == date(2025, 3, 9)


class TestSessionTargetsBadInput:
    @pytest.mark.parametrize("weekdays", [[], [7], [-1], [True], [TUE, True], ["mon"], [MON, 9]])
    def test_invalid_weekdays_raise_value_error(self, weekdays):
        plan = recommend_plan(pain_weeks=3, pain_score=5)

        with pytest.raises(ValueError, match="weekdays"):
            session_targets(plan, first_day=MONDAY, weekdays=weekdays)

    def test_datetime_first_day_is_refused(self):
        plan = recommend_plan(pain_weeks=3, pain_score=5)

        with pytest.raises(TypeError, match="first_day"):
            session_targets(
                plan,
                first_day=datetime(2025, 3, 3, 9, 0),
                weekdays=[MON],
            )

    def test_more_than_two_sessions_a_week_is_refused(self):
        plan = replace(recommend_plan(pain_weeks=3, pain_score=8), sessions_per_week=3)

        with pytest.raises(ValueError, match="sessions a week"):
            session_targets(plan, first_day=MONDAY, weekdays=[MON])

    def test_first_day_and_weekdays_are_keyword_only(self):
        plan = recommend_plan(pain_weeks=3, pain_score=5)

        with pytest.raises(TypeError):
            session_targets(plan, MONDAY, [MON])  # type: ignore[misc]


def test_no_target_is_in_the_past_of_first_day():
    plan = recommend_plan(pain_weeks=3, pain_score=7)
    first_day = date(2025, 3, 5)

    targets = session_targets(plan, first_day=first_day, weekdays=[MON])

    assert targets[0] >= first_day
    assert targets[0] - first_day < timedelta(days=7)
