import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.dateformat import format as format_date

# The dates any form accepts. Anything outside is a typing slip or a probe; both ends sit
# far inside Python's date range, so a view's "date ± a week" can never overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

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


def validate_sensible_date(value):
    """Refuse a date (or a datetime's date) outside EARLIEST_DATE to LATEST_DATE."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            "Enter a date between %(earliest)s and %(latest)s.",
            code="date_out_of_range",
            params={
                "earliest": format_date(EARLIEST_DATE, "j F Y"),
                "latest": format_date(LATEST_DATE, "j F Y"),
            },
        )
