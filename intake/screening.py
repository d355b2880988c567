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
    for name, value in (("onset", onset), ("on", on)):
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


def suggest_technique(
    *, chronic: bool, radiating: bool, low_pain_tolerance: bool, stressed: bool
) -> str:
    """Suggest a technique from the intake answers; the therapist can change it.

    DESIGN.md: Swedish for stress or low pain tolerance, deep tissue for chronic pain,
    trigger point / myofascial for radiating pain. When several apply, the first match
    wins:

    1. low pain tolerance -> ``"swedish"``: pressure must stay light, and both deep
       tissue and trigger point work rely on firm pressure;
    2. radiating pain -> ``"trigger_point"``: it targets the referral pattern, and deep
       pressure along an irritated nerve is what the guidance says to avoid;
    3. chronic pain -> ``"deep_tissue"``;
    4. stress -> ``"swedish"``;
    5. otherwise ``"swedish"``, the gentlest general choice.
    """
    if low_pain_tolerance:
        return SWEDISH
    if radiating:
        return TRIGGER_POINT
    if chronic:
        return DEEP_TISSUE
    if stressed:
        return SWEDISH
    return SWEDISH
