"""What every intake view shares: fetching an intake for the user, and refusing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from clinic.roles import is_staff_booker
from intake.access import can_see_health_data
from intake.models import Intake


def deny(user):
    # Another client learns nothing, not even that the intake exists; staff get a 403.
    if user.is_client and not (is_staff_booker(user) or user.is_staff):
        raise Http404
    raise PermissionDenied


def get_intake_for_user(request, public_id) -> Intake:
    """The intake, if ``request.user`` may read its health data; else 404 or 403."""
    intake = get_object_or_404(Intake.objects.select_related("client__user"), public_id=public_id)
    if not can_see_health_data(request.user, intake.client, intake):
        deny(request.user)
    return intake
