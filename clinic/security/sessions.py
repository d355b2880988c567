"""The per-user session registry, and the staff sessions' time limits.

Each signed-in session has a ``UserSession`` row (made at sign-in, or on the next request
for a session made before the registry existed), so a user's sessions can be listed and
ended: all of them when the password changes, the account is switched off or two-step
sign-in is reset. Ending a session deletes it from the session store, so its cookie no
longer signs anyone in.
"""

from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from clinic.models import SignInEvent, UserSession
from clinic.security import events

# Session keys (epoch seconds): when this session signed in, and its last request.
SIGNED_IN_AT = "clinic_signed_in_at"
SEEN_AT = "clinic_seen_at"
# Writes of "last seen" are spared for requests closer together than this.
TOUCH_SECONDS = 60


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def idle_limit():
    return timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES)


def max_age():
    return timedelta(hours=settings.STAFF_SESSION_MAX_HOURS)


def signed_in(request, user):
    """At sign-in: stamp the session and register it."""
    now = timezone.now()
    request.session[SIGNED_IN_AT] = now.timestamp()
    request.session[SEEN_AT] = now.timestamp()
    register(request, user, created=now)


def register(request, user, *, created=None):
    key = request.session.session_key
    if not key:
        return None
    now = timezone.now()
    started = request.session.get(SIGNED_IN_AT)
    row, _ = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "last_seen": now,
            "ip": events.client_ip(request),
            "user_agent": events.user_agent(request),
        },
        create_defaults={
            "user": user,
            "created": created or (datetime.fromtimestamp(started, tz=UTC) if started else now),
            "last_seen": now,
            "ip": events.client_ip(request),
            "user_agent": events.user_agent(request),
        },
    )
    return row


def expired(request, user, now):
    """Why a staff session must end now ("idle" or "too long"), or None."""
    seen = request.session.get(SEEN_AT)
    started = request.session.get(SIGNED_IN_AT)
    if seen is not None and now.timestamp() - seen > idle_limit().total_seconds():
        return "idle"
    if started is not None and now.timestamp() - started > max_age().total_seconds():
        return "too long"
    return None


def touch(request, user, now):
    """Note this request: in the session, and (at most once a minute) in the registry."""
    seen = request.session.get(SEEN_AT)
    if seen is None or now.timestamp() - seen >= TOUCH_SECONDS:
        request.session[SEEN_AT] = now.timestamp()
        if request.session.get(SIGNED_IN_AT) is None:
            request.session[SIGNED_IN_AT] = now.timestamp()
        key = request.session.session_key
        if key and not UserSession.objects.filter(session_key=key).update(last_seen=now):
            register(request, user)


def forget(session_key):
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def end_sessions(user, *, keep=None, only=None, reason="", request=None):
    """End every session of ``user`` (except the session key ``keep``; or just ``only``);
    the count ended."""
    rows = UserSession.objects.filter(user=user)
    if only:
        rows = rows.filter(session_key=only)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    store = _store()
    for key in keys:
        store().delete(key)
    rows.delete()
    if keys:
        events.record(
            SignInEvent.Kind.SESSIONS_ENDED,
            request=request,
            user=user,
            detail=f"{len(keys)} ended: {reason}" if reason else f"{len(keys)} ended",
        )
    return len(keys)


def active_sessions(user):
    """The user's sessions that still sign in, newest first; forgets the ones that expired."""
    store = _store()
    alive, gone = [], []
    for row in UserSession.objects.filter(user=user).order_by("-last_seen"):
        (alive if store().exists(row.session_key) else gone).append(row.pk)
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return list(UserSession.objects.filter(pk__in=alive).order_by("-last_seen"))
