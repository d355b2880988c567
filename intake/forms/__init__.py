"""The intake's forms: the questionnaire's (``questionnaire``) and the therapist's (``therapist``)."""

from intake.forms.questionnaire import (
    CONSENT_TEXT,
    BirthDateForm,
    ConsentForm,
    HealthForm,
    PainForm,
)
from intake.forms.therapist import ClearanceForm, DecisionForm

__all__ = [
    "CONSENT_TEXT",
    "BirthDateForm",
    "ClearanceForm",
    "ConsentForm",
    "DecisionForm",
    "HealthForm",
    "PainForm",
]
