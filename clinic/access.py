"""Small access helpers shared by every app's views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

# Given to no group: owners grant it person by person (DESIGN.md, "Who uses it").
HEALTH_PERMISSION = "intake.view_health_data"


def has_health_permission(user) -> bool:
    """May ``user`` read every client's health data (owners, and those granted it)?"""
    return bool(user.is_authenticated and user.is_active and user.has_perm(HEALTH_PERMISSION))


def is_owner_account(user) -> bool:
    """Owners are the superusers: only they manage accounts, roles and permissions."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


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
