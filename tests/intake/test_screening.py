"""Screening and pain type: the pure intake rules (the technique: test_suggested_technique)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta

import pytest

from intake.catalog import SEED_CATALOG, SEED_CATEGORY_BY_CODE
from intake.screening import (
    ScreeningResult,
    pain_type,
    screen,
)

# Written out from DESIGN.md ("Seed catalog") so a change to the catalog fails here.
EXPECTED_SEED = {
    "refer": [
        "saddle_numbness",
        "bladder_bowel_change",
        "progressive_leg_weakness",
        "fever_with_back_pain",
        "major_trauma_recent",
        "suspected_dvt",
        "pregnancy_warning_signs",
    ],
    "defer": [
        "fever",
        "contagious_illness",
        "acute_injury",
        "contagious_skin_condition",
        "uncontrolled_blood_pressure",
    ],
    "clearance": [
        "fracture_or_bone_injury",
        "disc_herniation_nerve_compression",
        "clotting_disorder",
        "dvt_history",
        "recent_surgery",
        "severe_osteoporosis",
        "osteoporosis",
        "cardiovascular_disease",
        "cancer",
        "cancer_history_new_back_pain",
        "unexplained_weight_loss",
        "diabetes",
        "high_risk_pregnancy",
        "other_serious_condition",
    ],
    "local": [
        "varicose_veins",
        "unhealed_wound",
        "rash",
        "skin_condition_in_area",
        "bruising",
        "implant_or_port",
        "undiagnosed_lump",
    ],
    "caution": [
        "pregnancy",
        "anticoagulant_medication",
        "long_term_steroids",
        "radiating_leg_pain",
        "numbness_tingling",
        "low_pain_tolerance",
        "controlled_high_blood_pressure",
        "pain_medication_today",
    ],
}


class TestOutcomes:
    def test_no_conditions_is_clear(self):
        result = screen(conditions=set())

        assert result == ScreeningResult(outcome="clear", flags=[])

    def test_red_flag_alone_refers(self):
        assert screen(conditions={"saddle_numbness"}).outcome == "refer"

    def test_fever_alone_defers_booking(self):
        assert screen(conditions={"fever"}).outcome == "defer"

    def test_clotting_disorder_alone_needs_clearance(self):
        assert screen(conditions={"clotting_disorder"}).outcome == "clearance"

    def test_local_condition_alone_needs_review(self):
        assert screen(conditions={"varicose_veins"}).outcome == "review"

    def test_caution_condition_alone_needs_review(self):
        assert screen(conditions={"pregnancy"}).outcome == "review"

    def test_local_and_caution_together_need_review(self):
        result = screen(conditions={"bruising", "anticoagulant_medication"})

        assert result.outcome == "review"
        assert result.flags == [("bruising", "local"), ("anticoagulant_medication", "caution")]

    @pytest.mark.parametrize(
        ("code", "outcome"),
        [
            (code, {"local": "review", "caution": "review"}.get(category, category))
            for category, codes in EXPECTED_SEED.items()
            for code in codes
        ],
    )
    def test_every_seed_code_alone_gives_its_categorys_outcome(self, code, outcome):
        assert screen(conditions={code}).outcome == outcome


class TestPrecedence:
    def test_refer_beats_every_other_category(self):
        result = screen(
            conditions={"suspected_dvt", "fever", "diabetes", "rash", "pregnancy"},
        )

        assert result.outcome == "refer"

    def test_defer_beats_clearance_and_review(self):
        result = screen(conditions={"acute_injury", "osteoporosis", "rash", "pregnancy"})

        assert result.outcome == "defer"

    def test_clearance_beats_review(self):
        result = screen(conditions={"recent_surgery", "unhealed_wound", "pregnancy"})

        assert result.outcome == "clearance"

    def test_fever_with_back_pain_refers_while_fever_alone_defers(self):
        assert screen(conditions={"fever", "fever_with_back_pain"}).outcome == "refer"
        assert screen(conditions={"fever"}).outcome == "defer"


class TestFlags:
    def test_flags_are_sorted_by_category_strength_then_code(self):
        result = screen(
            conditions=[
                "rash",
                "pregnancy",
                "bruising",
                "cancer",
                "fever",
                "diabetes",
                "suspected_dvt",
                "bladder_bowel_change",
                "anticoagulant_medication",
            ]
        )

        assert result.flags == [
            ("bladder_bowel_change", "refer"),
            ("suspected_dvt", "refer"),
            ("fever", "defer"),
            ("cancer", "clearance"),
            ("diabetes", "clearance"),
            ("bruising", "local"),
            ("rash", "local"),
            ("anticoagulant_medication", "caution"),
            ("pregnancy", "caution"),
        ]

    def test_flags_are_a_list_of_two_tuples_of_str(self):
        flags = screen(conditions={"fever", "varicose_veins", "pregnancy"}).flags

        assert type(flags) is list
        for flag in flags:
            assert type(flag) is tuple
            assert len(flag) == 2
            assert all(type(part) is str for part in flag)

    def test_repeated_codes_give_one_flag(self):
        result = screen(conditions=["fever", "fever", "rash"])

        assert result.flags == [("fever", "defer"), ("rash", "local")]

    def test_any_iterable_of_codes_is_accepted(self):
        codes = (code for code in ["rash", "fever"])

        assert screen(conditions=codes).flags == [("fever", "defer"), ("rash", "local")]

    def test_result_is_frozen(self):
        result = screen(conditions={"fever"})

        with pytest.raises(FrozenInstanceError):
            result.outcome = "clear"  # type: ignore[misc]


class TestBadInput:
    def test_unknown_code_raises_value_error_naming_it(self):
        with pytest.raises(ValueError, match="no_such_code"):
            screen(conditions={"no_such_code"})

    def test_every_unknown_code_is_named(self):
        with pytest.raises(ValueError, match=r"'also_unknown'.*'no_such_code'"):
            screen(conditions={"fever", "no_such_code", "also_unknown"})

    def test_single_string_instead_of_codes_is_refused(self):
        with pytest.raises(TypeError):
            screen(conditions="fever")  # type: ignore[arg-type]

    def test_arguments_are_keyword_only(self):
        with pytest.raises(TypeError):
            screen({"fever"})  # type: ignore[misc]


class TestPassedInCatalog:
    def test_passed_in_catalog_replaces_the_seed_categories(self):
        catalog = {"fever": "refer", "varicose_veins": "caution"}

        result = screen(conditions={"fever", "varicose_veins"}, catalog=catalog)

        assert result == ScreeningResult(
            outcome="refer", flags=[("fever", "refer"), ("varicose_veins", "caution")]
        )

    def test_code_absent_from_the_seed_is_screened_with_passed_in_catalog(self):
        catalog = {**SEED_CATEGORY_BY_CODE, "lymphoedema": "clearance"}

        result = screen(conditions={"lymphoedema", "rash"}, catalog=catalog)

        assert result.outcome == "clearance"
        assert result.flags == [("lymphoedema", "clearance"), ("rash", "local")]

    def test_seed_code_missing_from_passed_in_catalog_is_unknown(self):
        with pytest.raises(ValueError, match="varicose_veins"):
            screen(conditions={"varicose_veins"}, catalog={"fever": "defer"})

    def test_invalid_category_in_catalog_raises_value_error(self):
        with pytest.raises(ValueError, match="'fever': 'maybe'"):
            screen(conditions={"rash"}, catalog={"fever": "maybe", "rash": "local"})

    def test_outcome_name_is_not_a_valid_catalog_category(self):
        # "review" is an outcome; the catalog must say local or caution.
        with pytest.raises(ValueError, match="review"):
            screen(conditions={"rash"}, catalog={"rash": "review"})

    def test_empty_catalog_with_no_conditions_is_clear(self):
        assert screen(conditions=[], catalog={}).outcome == "clear"


class TestSeedCatalog:
    @pytest.mark.parametrize("category", list(EXPECTED_SEED))
    def test_each_category_holds_exactly_the_codes_from_the_design(self, category):
        codes = {code for code, cat in SEED_CATEGORY_BY_CODE.items() if cat == category}

        assert codes == set(EXPECTED_SEED[category])

    def test_seed_has_one_row_per_code_and_nothing_else(self):
        expected = [code for codes in EXPECTED_SEED.values() for code in codes]
        codes = [entry.code for entry in SEED_CATALOG]

        assert len(codes) == len(set(codes)) == len(expected) == 41
        assert set(codes) == set(expected)

    def test_every_refer_code_is_urgent_and_no_other_is(self):
        urgent = {entry.code for entry in SEED_CATALOG if entry.urgent}

        assert urgent == set(EXPECTED_SEED["refer"])

    def test_questionnaire_asks_urgent_red_flags_first(self):
        ordered = sorted(SEED_CATALOG, key=lambda entry: entry.order)

        assert {entry.code for entry in ordered[:7]} == set(EXPECTED_SEED["refer"])

    def test_question_order_is_unique(self):
        orders = [entry.order for entry in SEED_CATALOG]

        assert len(orders) == len(set(orders))

    def test_every_row_has_all_its_text(self):
        for entry in SEED_CATALOG:
            for field in ("question", "help_text", "client_reason", "guidance", "sources"):
                assert getattr(entry, field).strip(), (entry.code, field)
            assert entry.question.endswith("?"), entry.code

    def test_client_reasons_leave_clinical_terms_to_therapist_guidance(self):
        therapist_words = ("clot", "infection", "thrombosis", "cauda", "fracture", "abscess")

        for entry in SEED_CATALOG:
            reason = entry.client_reason.lower()
            assert not [word for word in therapist_words if word in reason], entry.code

    def test_clinic_policy_rows_say_so_in_their_sources(self):
        # CLINICAL.md marks these as stricter or looser than a source.
        policy_codes = {
            "acute_injury",
            "fracture_or_bone_injury",
            "disc_herniation_nerve_compression",
            "clotting_disorder",
            "osteoporosis",
            "diabetes",
            "anticoagulant_medication",
            "low_pain_tolerance",
        }

        noted = {entry.code for entry in SEED_CATALOG if "clinic policy" in entry.sources}

        assert noted == policy_codes


class TestPainType:
    def test_eleven_weeks_six_days_is_acute(self):
        onset = date(2025, 1, 6)

        assert pain_type(onset, onset + timedelta(weeks=11, days=6)) == "acute"

    def test_exactly_twelve_weeks_is_chronic(self):
        onset = date(2025, 1, 6)

        assert pain_type(onset, date(2025, 3, 31)) == "chronic"

    def test_pain_that_started_today_is_acute(self):
        assert pain_type(date(2025, 5, 1), date(2025, 5, 1)) == "acute"

    def test_a_year_is_chronic(self):
        assert pain_type(date(2024, 5, 1), date(2025, 5, 1)) == "chronic"

    def test_twelve_weeks_across_a_leap_day_counts_calendar_days(self):
        onset = date(2024, 2, 1)

        assert pain_type(onset, date(2024, 4, 24)) == "acute"
        assert pain_type(onset, date(2024, 4, 25)) == "chronic"

    def test_onset_after_the_day_raises_value_error(self):
        with pytest.raises(ValueError, match="2025-05-02"):
            pain_type(date(2025, 5, 2), date(2025, 5, 1))

    def test_datetime_is_refused(self):
        with pytest.raises(TypeError):
            pain_type(datetime(2025, 1, 6, 9, 0), date(2025, 5, 1))
