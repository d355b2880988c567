"""The sign-in log: one row per sign-in, failure, lockout and two-step event."""

from clinic.models import SignInEvent

USER_AGENT_MAX = 300


def client_ip(request):
    """The address the request came from (behind a proxy, the proxy passes it on as
    REMOTE_ADDR, as django-axes also expects)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request):
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX]


def record(kind, *, request=None, user=None, email="", detail=""):
    """Log one event; ``email`` defaults to the user's address."""
    known = user is not None and getattr(user, "is_authenticated", False)
    return SignInEvent.objects.create(
        kind=kind,
        user=user if known else None,
        email=(email or (user.email if known else ""))[:254],
        ip=client_ip(request),
        user_agent=user_agent(request),
        detail=detail[:300],
    )
