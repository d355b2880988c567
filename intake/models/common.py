"""The intake's constants and choices, shared by its models and read by the other apps."""

from __future__ import annotations

from django.db import models

from intake import screening
from intake.catalog import CATEGORIES

# An intake answers "how are you now": after this long it must be renewed before booking.
VALID_FOR_YEARS = 1
# A deferred client may book again this many days after the intake was completed.
DEFER_DAYS = 7


class Category(models.TextChoices):
    REFER = "refer", "Refer: medical care, not massage"
    DEFER = "defer", "Defer: not now"
    CLEARANCE = "clearance", "Clearance: physician's note first"
    LOCAL = "local", "Local: avoid or adapt one area"
    CAUTION = "caution", "Caution: adapt pressure or technique"


assert tuple(Category.values) == CATEGORIES  # the pure module and the model agree


class Outcome(models.TextChoices):
    REFER = screening.REFER, "See a doctor"
    DEFER = screening.DEFER, "Not now"
    CLEARANCE = screening.CLEARANCE, "Physician's clearance needed"
    REVIEW = screening.REVIEW, "Therapist review"
    CLEAR = screening.CLEAR, "Clear"


class PainArea(models.TextChoices):
    NECK = "neck", "Neck"
    SHOULDERS = "shoulders", "Shoulders"
    UPPER_BACK = "upper_back", "Upper back"
    MIDDLE_BACK = "middle_back", "Middle back"
    LOWER_BACK = "lower_back", "Lower back"
    HIPS = "hips", "Hips"
    LEGS = "legs", "Legs"


class PainCharacter(models.TextChoices):
    DULL = "dull_ache", "A dull ache"
    SHARP = "sharp", "Sharp"
    RADIATING = "radiating", "Spreading (for example down a leg or an arm)"
    STIFFNESS = "stiffness", "Stiffness"


def choice_labels(choices: type[models.TextChoices], codes) -> list[str]:
    """The words for stored codes of ``choices``, in order (``lower_back`` → "Lower back").

    A code no longer among the choices is still shown readably, never as a code.
    """
    labels = dict(choices.choices)
    return [
        labels.get(code) or str(code).replace("_", " ").strip().capitalize()
        for code in codes or ()
        if str(code).strip()
    ]


def condition_name(code: str) -> str:
    """A catalog code in words (``varicose_veins`` → "Varicose veins"), for every page and
    e-mail that names a flag, a clearance or a reason; never the code itself."""
    if code == screening.PREFERS_LIGHT_PRESSURE:
        return "Prefers light pressure"
    return str(code).replace("_", " ").strip().capitalize()


def condition_names(codes) -> list[str]:
    return [condition_name(code) for code in codes or ()]


def pain_area_labels(codes) -> list[str]:
    """Pain areas in words. Every page and e-mail showing areas (where it hurts, areas to
    avoid) uses this, so nobody reads a code such as ``lower_back``."""
    return choice_labels(PainArea, codes)


class LikelyCause(models.TextChoices):
    INJURY = "injury", "An injury"
    POSTURE = "posture", "Posture (for example long hours at a desk)"
    OVERUSE = "overuse", "Overuse (work, sport or lifting)"
    CONDITION = "condition", "A health condition"
    UNKNOWN = "unknown", "I don't know"


class Treatment(models.TextChoices):
    PHYSIO = "physical_therapy", "Physiotherapy"
    MEDICATION = "medication", "Medicines"
    HEAT_COLD = "heat_cold", "Heat or cold"
    CHIROPRACTIC = "chiropractic", "Chiropractic"


class Pressure(models.TextChoices):
    LIGHT = "light", "Light"
    MEDIUM = "medium", "Medium"
    FIRM = "firm", "Firm"
    UNSURE = "unsure", "Not sure: let the therapist guide me"


class Decision(models.TextChoices):
    CLEARED = "cleared", "Cleared"
    CLEARED_WITH_CHANGES = "cleared_with_changes", "Cleared with changes"
    CLEARANCE_REQUIRED = "clearance_required", "Physician's clearance required"
    NOT_SUITABLE = "not_suitable", "Not suitable for massage"


STRENGTH = {category: rank for rank, category in enumerate(CATEGORIES)}


def stronger(*categories: str | None) -> str | None:
    """The strongest of ``categories`` (``None`` and unknown values ignored)."""
    known = [c for c in categories if c in STRENGTH]
    return min(known, key=STRENGTH.__getitem__) if known else None
