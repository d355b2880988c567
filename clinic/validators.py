import re

from django.core.exceptions import ValidationError

# Digits with the separators people type: spaces, dots, dashes, brackets, a leading +.
_PHONE_RE = re.compile(r"^\+?[\d\s().\-]+$")


def validate_phone(value):
    """Accept phone numbers as people write them, with 7 to 15 digits (the ITU maximum)."""
    digits = re.sub(r"\D", "", value or "")
    if not _PHONE_RE.match(value or "") or not 7 <= len(digits) <= 15:
        raise ValidationError(
            "Enter a phone number of 7 to 15 digits, for example 020 7946 0018 or +44 20 7946 0018.",
            code="invalid_phone",
        )
