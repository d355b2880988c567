"""Proving who is at the desk: the client types their date of birth on the desk's device.

One rule for every flow that shows a client's own data at the desk (their previous
answers in the health form, a copy of all their data): ``BirthDateForm`` compares the
date, each wrong date is a ``refused`` row in the access log, and after
``BIRTH_DATE_TRIES`` wrong dates the flow is closed. The questionnaire counts per draft
form (for good); a flow with no form counts per client over ``REFUSALS_WINDOW``, so a
guesser is stopped and the client can still be served another day.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from intake.audit import log_access
from intake.models import HealthDataAccess

BIRTH_DATE_TRIES = 5
REFUSALS_WINDOW = timedelta(hours=24)


def _refusals(client, intake=None, *, now=None):
    rows = HealthDataAccess.objects.filter(client=client, action=HealthDataAccess.Action.REFUSED)
    if intake is not None:
        return rows.filter(intake=intake)
    now = now or timezone.now()
    return rows.filter(intake__isnull=True, at__gt=now - REFUSALS_WINDOW)


def tries_left(client, *, intake=None, now=None) -> int:
    """Wrong dates of birth still allowed (for ``intake``'s draft, or for the client)."""
    return max(BIRTH_DATE_TRIES - _refusals(client, intake, now=now).count(), 0)


def check_birth_date(form, *, user, client, intake=None, refused_detail: str):
    """Validate a bound ``BirthDateForm``; log a wrong date. Returns (ok, error message).

    A missing or unreadable date is not a try; a wrong one is logged as ``refused``
    (counted by that stored action, never by its text) and the message says how many
    tries are left.
    """
    tries = tries_left(client, intake=intake)
    if tries == 0:
        return False, "Too many wrong dates of birth."
    if form.is_valid():
        return True, ""
    if form.has_error("date_of_birth", "mismatch"):
        log_access(
            user,
            client=client,
            intake=intake,
            action=HealthDataAccess.Action.REFUSED,
            detail=refused_detail,
        )
        tries -= 1
    error = form.errors["date_of_birth"][0]
    return False, (f"{error} Tries left: {tries}." if tries else error)
