"""Answers that pass each questionnaire step, for the view tests."""

from intake.models import Condition

PAIN = {
    "pain_areas": ["lower_back", "hips"],
    "pain_onset": "2026-02-01",
    "pain_now": "6",
    "pain_worst": "8",
    "pain_character": ["dull_ache"],
    "worse_with": "Sitting for long",
    "better_with": "Walking",
    "likely_cause": "posture",
    "tried": ["heat_cold"],
    "goals": "Sit through a film",
    "stress": "4",
    "sleep_quality": "6",
    "pressure_preference": "medium",
}


def health_answers(yes=(), skip=()):
    data = {"other_conditions": "", "medications": "none"}
    for code in Condition.objects.active().values_list("code", flat=True):
        if code not in skip:
            data[f"q_{code}"] = "yes" if code in yes else "no"
    return data
