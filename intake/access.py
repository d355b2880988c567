"""Who may see a client's health data (DESIGN.md, "Non-negotiables").

The client; therapists who treat the client (``client.care_team``); therapists with
``intake.review_intake`` while an intake waits for review; and users granted
``intake.view_health_data``. Front desk never, whatever else they are.
"""

from __future__ import annotations

from clinic.access import has_health_permission
from clinic.models import ClientProfile


def is_owner(user, client) -> bool:
    return user.is_authenticated and client.user_id is not None and client.user_id == user.pk


def treats(user, client) -> bool:
    therapist_id = getattr(getattr(user, "therapist", None), "pk", None)
    if therapist_id is None or not user.is_therapist:
        return False
    return client.care_team.filter(pk=therapist_id).exists()


def can_see_health_data(user, client, intake=None) -> bool:
    """May ``user`` read ``client``'s health data (``intake``, if given, in particular)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_owner(user, client):
        return True
    if has_health_permission(user):
        return True
    if treats(user, client):
        return True
    return bool(
        intake is not None and user.has_perm("intake.review_intake") and intake.open_for_review
    )


def can_review(user, intake) -> bool:
    """May ``user`` record a decision or a clearance on ``intake``?"""
    if not user.is_authenticated or not user.has_perm("intake.review_intake"):
        return False
    if not intake.is_current or not intake.is_completed:
        return False
    return intake.open_for_review or treats(user, intake.client)


def can_see_chart(user, client) -> bool:
    """May ``user`` read ``client``'s chart: the flags' guidance for therapists, the
    reviewer's limits and every visit's notes?

    The therapists who treat the client and staff with the health-data permission. Not
    the client (their own pages show them their answers and their pain, in their words),
    and not a therapist only because an intake waits for review.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return has_health_permission(user) or treats(user, client)


def chart_client_ids(user, client_ids) -> set[int]:
    """Which of ``client_ids`` :func:`can_see_chart` allows ``user``, in one query at most.

    For list pages (the therapist's day and week) that link each row to its chart.
    """
    ids = set(client_ids)
    if not ids or not user.is_authenticated or not user.is_active:
        return set()
    if has_health_permission(user):
        return ids
    if not user.is_therapist:
        return set()
    return set(
        ClientProfile.objects.filter(pk__in=ids, care_team__user=user).values_list("pk", flat=True)
    )
