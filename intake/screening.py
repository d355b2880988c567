"""Pure intake rules: contraindication screening, pain type and suggested technique.

No database access and no Django model imports, so views, forms, the admin, commands
and tests can all call these with plain values. The live catalog is a model; callers
pass its ``{code: category}`` mapping as ``catalog=``. Without it the seed catalog in
:mod:`intake.catalog` is used.

    >>> result = screen(conditions={"fever", "varicose_veins"})
    >>> result.outcome
    'defer'
    >>> result.flags
    [('fever', 'defer'), ('varicose_veins', 'local')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from intake.catalog import CATEGORIES, SEED_CATEGORY_BY_CODE

# Screening outcomes, strongest first.
REFER = "refer"
DEFER = "defer"
CLEARANCE = "clearance"
REVIEW = "review"
CLEAR = "clear"
OUTCOMES: tuple[str, ...] = (REFER, DEFER, CLEARANCE, REVIEW, CLEAR)

# Both "adapt" categories lead to the same outcome: booking stays open and a therapist
# reads the answers before the visit (DESIGN.md, "Clinical rules").
OUTCOME_BY_CATEGORY: dict[str, str] = {
    "refer": REFER,
    "defer": DEFER,
    "clearance": CLEARANCE,
    "local": REVIEW,
    "caution": REVIEW,
}

_CATEGORY_RANK: dict[str, int] = {category: rank for rank, category in enumerate(CATEGORIES)}


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The outcome of screening one set of answers.

    ``flags`` lists every ``(code, category)`` answered yes, strongest category first
    and then by code, so the order is stable for display and tests.
    """

    outcome: str
    flags: list[tuple[str, str]]


def screen(
    *, conditions: Iterable[str], catalog: Mapping[str, str] | None = None
) -> ScreeningResult:
    """Screen the condition codes a client answered yes to.

    ``conditions`` is any iterable of condition codes (duplicates are ignored).
    ``catalog`` maps every known code to its category; it defaults to the seed catalog.
    Pass the database's mapping to honour staff edits.

    The outcome is the strongest category among the flags: ``refer`` > ``defer`` >
    ``clearance`` > ``review`` (``local`` or ``caution``) > ``clear`` (no flags).

    Raises ``ValueError`` naming any code missing from the catalog, because silently
    ignoring an answer could let a contraindicated client book; and ``ValueError`` if the
    catalog holds a category other than the five in ``CATEGORIES``. A bare string for
    ``conditions`` raises ``TypeError``: iterating it would screen single letters.
    """
    if isinstance(conditions, str):
        raise TypeError("conditions must be an iterable of codes, not a single string")
    if catalog is None:
        catalog = SEED_CATEGORY_BY_CODE

    # Check the whole catalog, not only the rows in use, so a bad row shows up at once.
    invalid = sorted(
        f"{code!r}: {category!r}"
        for code, category in catalog.items()
        if category not in _CATEGORY_RANK
    )
    if invalid:
        raise ValueError(
            f"Invalid category in catalog ({', '.join(invalid)}); "
            f"expected one of {', '.join(CATEGORIES)}"
        )

    codes = set(conditions)
    unknown = sorted(repr(code) for code in codes if code not in catalog)
    if unknown:
        raise ValueError(f"Unknown condition code(s): {', '.join(unknown)}")

    flags = sorted(
        ((code, catalog[code]) for code in codes),
        key=lambda flag: (_CATEGORY_RANK[flag[1]], flag[0]),
    )
    outcome = OUTCOME_BY_CATEGORY[flags[0][1]] if flags else CLEAR
    return ScreeningResult(outcome=outcome, flags=flags)


# Pain lasting this long or longer is chronic. The product has one line at 12 weeks,
# folding "subacute" into acute (CLINICAL.md, "Duration").
CHRONIC_AFTER = timedelta(weeks=12)

ACUTE = "acute"
CHRONIC = "chronic"


def pain_type(onset: date, on: date) -> str:
    """Return ``"acute"`` or ``"chronic"`` for pain that began on ``onset``, as of ``on``.

    Under 12 weeks is acute; 12 weeks or more is chronic, so exactly 12 weeks (84 days)
    is chronic. Both arguments are dates; ``on`` may not be before ``onset``.
    """
    # datetime subclasses date, but mixing the two would compare a time of day
    # against midnight; the rule is about calendar days.
    # Checked as plain objects: callers outside mypy's view may pass anything.
    given: tuple[tuple[str, object], ...] = (("onset", onset), ("on", on))
    for name, value in given:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise TypeError(f"{name} must be a date, got {value!r}")
    if on < onset:
        raise ValueError(f"Pain onset {onset.isoformat()} is after {on.isoformat()}")
    return CHRONIC if on - onset >= CHRONIC_AFTER else ACUTE


SWEDISH = "swedish"
DEEP_TISSUE = "deep_tissue"
TRIGGER_POINT = "trigger_point"
MYOFASCIAL = "myofascial"
SPORTS = "sports"
NEUROMUSCULAR = "neuromuscular"
TECHNIQUES: tuple[str, ...] = (
    SWEDISH,
    DEEP_TISSUE,
    TRIGGER_POINT,
    MYOFASCIAL,
    SPORTS,
    NEUROMUSCULAR,
)


# Never deep tissue or firm sustained pressure for a client who answered yes to one of
# these (DESIGN.md, "The flags come first"). The first ten are DESIGN.md's list; the
# last two follow CLINICAL.md's guidance for the whole body, not one area:
# pain_medication_today ("dulled feedback ... lighter pressure") and cancer ("adapt
# pressure"; fragile tissue). Codes whose guidance concerns one area (varicose veins,
# numbness, a wound) leave the rest of the body open to firmer work.
GENTLE_ONLY_CODES: frozenset[str] = frozenset(
    {
        "anticoagulant_medication",
        "clotting_disorder",
        "dvt_history",
        "osteoporosis",
        "severe_osteoporosis",
        "long_term_steroids",
        "disc_herniation_nerve_compression",
        "pregnancy",
        "high_risk_pregnancy",
        "low_pain_tolerance",
        "pain_medication_today",
        "cancer",
    }
)
# The intake's pressure preference that rules firm pressure out, and the reason code
# shown for it beside the condition codes.
LIGHT_PRESSURE = "light"
PREFERS_LIGHT_PRESSURE = "prefers_light_pressure"


@dataclass(frozen=True, slots=True)
class TechniqueSuggestion:
    """A suggested technique and, when it had to be gentle, why.

    ``reasons`` lists the flag codes (sorted) that rule firm pressure out, then
    ``"prefers_light_pressure"`` if the client asked for light pressure; it is empty when
    nothing ruled firm pressure out.
    """

    technique: str
    reasons: tuple[str, ...] = ()

    @property
    def gentle(self) -> bool:
        return bool(self.reasons)

    @property
    def flag_reasons(self) -> tuple[str, ...]:
        return tuple(reason for reason in self.reasons if reason != PREFERS_LIGHT_PRESSURE)

    @property
    def prefers_light_pressure(self) -> bool:
        return PREFERS_LIGHT_PRESSURE in self.reasons


def gentle_reasons(*, flags: Iterable[str], pressure: str) -> tuple[str, ...]:
    """Why firm pressure is ruled out for these flags and pressure preference, if at all.

    ``flags`` are the condition codes answered yes; ``pressure`` is the intake's pressure
    preference (``"light"``, ``"medium"``, ``"firm"``, ``"unsure"`` or ``""``).
    """
    if isinstance(flags, str):
        raise TypeError("flags must be an iterable of codes, not a single string")
    reasons = sorted(set(flags) & GENTLE_ONLY_CODES)
    if pressure == LIGHT_PRESSURE:
        reasons.append(PREFERS_LIGHT_PRESSURE)
    return tuple(reasons)


def suggest_technique(
    *, chronic: bool, radiating: bool, stressed: bool, flags: Iterable[str], pressure: str
) -> TechniqueSuggestion:
    """Suggest a technique from the intake answers; the therapist can change it.

    DESIGN.md: Swedish for stress or low pain tolerance, deep tissue for chronic pain,
    trigger point / myofascial for radiating pain; the flags come first. When several
    apply, the first match wins:

    1. a flag in ``GENTLE_ONLY_CODES`` or a light-pressure preference -> ``"swedish"``
       with the reasons. Deep tissue is firm pressure, and trigger point and myofascial
       work hold sustained pressure on one spot, so none of them fits "light pressure",
       "gentle" or "no deep tissue" (CLINICAL.md);
    2. radiating pain -> ``"trigger_point"``: it targets the referral pattern, and deep
       pressure along an irritated nerve is what the guidance says to avoid;
    3. chronic pain -> ``"deep_tissue"``;
    4. stress -> ``"swedish"``;
    5. otherwise ``"swedish"``, the gentlest general choice.

    ``flags`` are the condition codes answered yes (any iterable, not a bare string);
    ``pressure`` is the client's pressure preference. Pure: no database access.
    """
    reasons = gentle_reasons(flags=flags, pressure=pressure)
    if reasons:
        return TechniqueSuggestion(SWEDISH, reasons)
    if radiating:
        return TechniqueSuggestion(TRIGGER_POINT)
    if chronic:
        return TechniqueSuggestion(DEEP_TISSUE)
    if stressed:
        return TechniqueSuggestion(SWEDISH)
    return TechniqueSuggestion(SWEDISH)
