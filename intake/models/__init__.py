"""The health intake: the contraindication catalog, questionnaires, flags, therapist
review, physician clearance and the health-data access log.

Screening itself is pure (:mod:`intake.screening`); these models store the answers,
pass the live catalog to it and keep what it said at the time.
"""

# One module per part; every name is importable from intake.models, as before (the
# migrations name intake.models._clearance_path).
from intake.models.common import (
    DEFER_DAYS,
    STRENGTH,
    VALID_FOR_YEARS,
    Category,
    Decision,
    LikelyCause,
    Outcome,
    PainArea,
    PainCharacter,
    Pressure,
    Treatment,
    condition_name,
    condition_names,
    pain_area_labels,
    stronger,
)
from intake.models.condition import Condition, ConditionQuerySet
from intake.models.intake import Intake, IntakeFlag, IntakeFlagQuerySet, IntakeQuerySet
from intake.models.records import (
    Clearance,
    HealthDataAccess,
    Review,
    _clearance_path,
    covered_codes,
)

__all__ = [
    "DEFER_DAYS",
    "STRENGTH",
    "VALID_FOR_YEARS",
    "Category",
    "Clearance",
    "Condition",
    "ConditionQuerySet",
    "Decision",
    "HealthDataAccess",
    "Intake",
    "IntakeFlag",
    "IntakeFlagQuerySet",
    "IntakeQuerySet",
    "LikelyCause",
    "Outcome",
    "PainArea",
    "PainCharacter",
    "Pressure",
    "Review",
    "Treatment",
    "_clearance_path",
    "condition_name",
    "condition_names",
    "covered_codes",
    "pain_area_labels",
    "stronger",
]
