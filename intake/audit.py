"""The health-data access log: every view, change and download, with who and when."""

from __future__ import annotations

from intake.models import HealthDataAccess


def log_access(user, *, client, action: str, intake=None, detail: str = "") -> HealthDataAccess:
    """Write one read-only log row; ``action`` is e.g. "view", "change", "download", "review".

    Other apps call this too (bookings logs visit notes with it). An anonymous user is
    stored as no user.
    """
    return HealthDataAccess.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        client=client,
        intake=intake,
        action=action,
        detail=detail[:300],
    )
