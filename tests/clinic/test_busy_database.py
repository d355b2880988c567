from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase

from clinic.middleware import DatabaseBusyMiddleware


class DatabaseBusyTests(SimpleTestCase):
    def test_a_locked_database_becomes_a_please_try_again_page(self):
        middleware = DatabaseBusyMiddleware(lambda request: HttpResponse())
        request = RequestFactory().post("/bookings/")
        request.user = AnonymousUser()
        response = middleware.process_exception(request, OperationalError("database is locked"))
        self.assertEqual(response.status_code, 503)
        self.assertIn(b"Nothing was saved", response.content)
        self.assertEqual(response["Retry-After"], "5")

    def test_other_database_errors_are_not_hidden(self):
        middleware = DatabaseBusyMiddleware(lambda request: HttpResponse())
        request = RequestFactory().get("/")
        self.assertIsNone(middleware.process_exception(request, OperationalError("no such table")))
