"""Rate limits for the forms that send e-mail or write a lot: one decorator for them all.

Each limit (settings.RATE_LIMITS, "per address, per IP address, minutes") counts the
requests that send the form (POST) for one e-mail address (the signed-in account's, or
the one typed in) and from one IP address, in the cache. Over either count, the view does
not run: a "try again in N minutes" page, status 429.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render

from clinic.security.events import client_ip


@dataclass(frozen=True)
class Limit:
    per_address: int
    per_ip: int
    minutes: int


def limit(name) -> Limit:
    text = settings.RATE_LIMITS[name]
    try:
        per_address, per_ip, minutes = (int(part) for part in str(text).split(","))
    except ValueError:
        raise ImproperlyConfigured(
            f"RATE_LIMIT_{name.upper()} must be 'per address,per IP,minutes', not {text!r}"
        ) from None
    if min(per_address, per_ip, minutes) < 1:
        raise ImproperlyConfigured(f"RATE_LIMIT_{name.upper()}: every number must be at least 1")
    return Limit(per_address, per_ip, minutes)


def posted_email(request, *args, **kwargs):
    """The address counted: the signed-in account's, else the one typed into the form."""
    if request.user.is_authenticated:
        return request.user.email
    return str(request.POST.get("email", "")).strip().lower()[:254]


def _key(name, kind, value):
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    return f"ratelimit:{name}:{kind}:{digest}"


def _wait(key, cap, window, now):
    """Seconds until ``key`` may count again, or 0 while it is under ``cap``."""
    count = cache.get(key, 0)
    if count < cap:
        return 0
    started = cache.get(f"{key}:start", now)
    return max(1, math.ceil(started + window - now))


def _count(key, window, now):
    if cache.add(key, 0, window):
        cache.set(f"{key}:start", now, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        cache.set(f"{key}:start", now, window)


def too_many(request, seconds):
    minutes = max(1, math.ceil(seconds / 60))
    response = render(request, "ratelimited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(seconds))
    return response


def rate_limited(name, *, address=posted_email, when=None):
    """Limit a view's POSTs by ``settings.RATE_LIMITS[name]``.

    ``address(request, *args, **kwargs)`` names the e-mail address counted (empty: none);
    ``when(request, *args, **kwargs)`` (optional) says whether this POST counts at all.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and (when is None or when(request, *args, **kwargs)):
                rule = limit(name)
                window = rule.minutes * 60
                now = time.time()
                counters = []
                who = address(request, *args, **kwargs)
                if who:
                    counters.append((_key(name, "address", who.lower()), rule.per_address))
                ip = client_ip(request)
                if ip:
                    counters.append((_key(name, "ip", ip), rule.per_ip))
                wait = max((_wait(key, cap, window, now) for key, cap in counters), default=0)
                if wait:
                    return too_many(request, wait)
                for key, _cap in counters:
                    _count(key, window, now)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
