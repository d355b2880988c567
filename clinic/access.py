"""Small access helpers shared by every app's views."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from clinic.models import ClientProfile

# Given to no group: owners grant it person by person (DESIGN.md, "Who uses it").
HEALTH_PERMISSION = "intake.view_health_data"


def has_health_permission(user) -> bool:
    """May ``user`` read every client's health data (owners, and those granted it)?"""
    return bool(user.is_authenticated and user.is_active and user.has_perm(HEALTH_PERMISSION))


def is_owner_account(user) -> bool:
    """Owners are the superusers: only they manage accounts, roles and permissions."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


# django-axes stores the name tried in a 255-character column (AccessAttempt.username).
AXES_USERNAME_MAX_LENGTH = 255


def axes_username(request, credentials=None):
    """The address django-axes counts failures for: stripped and lower-cased.

    Log-in matches e-mail addresses case-insensitively, so the lockout must too, or five
    failures for lock@example.com would not stop LOCK@example.com. Capped to axes' column
    so an absurdly long name (e.g. on the admin's log-in form) is not a database error.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials is not None:
        name = credentials.get(field)
    else:
        name = request.POST.get(field) if request is not None else None
    if name is None:
        return None
    return str(name).strip().lower()[:AXES_USERNAME_MAX_LENGTH]


def role_required(*roles):
    """Log-in required; then 403 unless the user has one of ``roles`` (or is superuser)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or any(user.has_role(role) for role in roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def no_store(view):
    """Keep pages with personal or health data out of every cache, the browser's included."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        return response

    return wrapped


def get_own_profile(request) -> ClientProfile:
    """The logged-in user's own client profile, or 404 (staff have none)."""
    try:
        return ClientProfile.objects.select_related("user").get(user=request.user)
    except ClientProfile.DoesNotExist:
        raise Http404("No client profile for this account.") from None


def get_client_for_staff(request, public_id) -> ClientProfile:
    """The client profile for staff pages (the view checks the permission), or 404."""
    return get_object_or_404(ClientProfile.objects.select_related("user"), public_id=public_id)
