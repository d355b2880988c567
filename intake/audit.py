"""The health-data access log: every view, change and download, with who and when.

The log is itself health data (who looked at whose record, and when), so rows say only
which page or action it was: never a condition, an answer or a decision. Who did it is
copied onto the row, so deleting or renaming a user keeps the record readable.
"""

from __future__ import annotations

from collections.abc import Iterable

from intake.models import HealthDataAccess


def _who(user) -> dict:
    if user is None or not user.is_authenticated:
        return {"user": None, "user_name": "", "user_email": ""}
    return {
        "user": user,
        "user_name": user.get_full_name()[:200],
        "user_email": user.email,
    }


def log_access(user, *, client, action: str, intake=None, detail: str = "") -> HealthDataAccess:
    """Write one read-only log row; ``action`` is e.g. "view", "change", "download", "review".

    ``detail`` names the page or the step ("review page", "clearance recorded"), never
    health content. Other apps call this too (bookings logs visit notes with it). An
    anonymous user (a check-in link) is stored as no user.
    """
    return HealthDataAccess.objects.create(
        **_who(user), client=client, intake=intake, action=action, detail=detail[:300]
    )


def log_reads(user, rows: Iterable[tuple], *, detail: str) -> None:
    """Log one "view" per ``(client_id, intake_id)`` pair a list page showed, in one query."""
    who = _who(user)
    HealthDataAccess.objects.bulk_create(
        HealthDataAccess(
            **who,
            client_id=client_id,
            intake_id=intake_id,
            action=HealthDataAccess.Action.VIEW,
            detail=detail[:300],
        )
        for client_id, intake_id in rows
    )
