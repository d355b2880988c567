import logging

from django.db import OperationalError
from django.http.multipartparser import MultiPartParserError
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


NUL = "\x00"


def _has_nul(request) -> bool:
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    return any(NUL in (upload.name or "") for upload in request.FILES.values())


class RefuseNulMiddleware:
    """Refuse a request whose form data holds a NUL character, before any view reads it.

    No person types one; PostgreSQL cannot store one in text (it raised an error, a 500),
    and Django's CharField refuses it but date, number and choice fields did not always.
    One check here covers every form and every search: a 400 page that says what to do,
    and nothing written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = _has_nul(request)
        except MultiPartParserError:
            refused = True  # a body that cannot be read is refused the same way
        if refused:
            logger.info("Refused a NUL character in %s %s", request.method, request.path)
            return render(request, "bad_characters.html", status=400)
        return self.get_response(request)
