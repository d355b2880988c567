"""The site's address for links that leave the page: e-mails, calendar feeds, reset links.

Every absolute link is built by :func:`absolute_url` (or starts from :func:`site_url`).
It is ``settings.SITE_URL`` (set it in production), except while trying the product:
with ``DEBUG`` on and no ``SITE_URL`` set, a link made while a request is served uses the
address that request came to (``make run PORT=8101`` gives links on port 8101), and
``SITE_URL`` itself defaults to ``http://127.0.0.1:$PORT``. The request's host has
passed ``ALLOWED_HOSTS`` by then, and none of this applies with debug off.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

_served_at: ContextVar[str | None] = ContextVar("served_at", default=None)


def follows_request() -> bool:
    return bool(settings.DEBUG and getattr(settings, "SITE_URL_FROM_REQUEST", False))


def site_url() -> str:
    """The scheme and host (and port) links start with, without a trailing slash."""
    return (follows_request() and _served_at.get()) or settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (starting with "/") as a full address on this site."""
    return site_url() + path


class ServedAtMiddleware:
    """In debug with no ``SITE_URL`` set, remember the address this request came to, so
    links made while serving it (and tasks run straight away) point back there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not follows_request():
            return self.get_response(request)
        token = _served_at.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _served_at.reset(token)
