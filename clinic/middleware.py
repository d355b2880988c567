import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

_BUSY_MARKERS = ("database is locked", "database table is locked", "could not serialize")


class DatabaseBusyMiddleware:
    """Turn a busy database into a calm "please try again" page instead of an error.

    SQLite allows one writer at a time; a writer that waits longer than the timeout gets
    "database is locked". Nothing was written (the transaction rolled back), so the
    person can safely send the same form again with the browser's back button.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and any(
            marker in str(exception).lower() for marker in _BUSY_MARKERS
        ):
            logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
            response = render(request, "busy.html", status=503)
            response["Retry-After"] = "5"
            return response
        return None
