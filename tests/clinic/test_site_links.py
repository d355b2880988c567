"""Links that leave the page (e-mails, the calendar feed's address) point where the site
is served: SITE_URL, or in debug with none set, the address the page came to."""

from django.test import RequestFactory, override_settings
from django.urls import reverse

from bookings.models import CalendarFeed
from clinic import sites
from tests.base import ClinicTestCase


class SiteUrlTests(ClinicTestCase):
    def served(self, host, view=None):
        request = RequestFactory().get("/", HTTP_HOST=host)
        seen = {}

        def record(request):
            seen["url"] = sites.absolute_url("/x/")
            return None

        sites.ServedAtMiddleware(view or record)(request)
        return seen["url"]

    @override_settings(
        DEBUG=True,
        SITE_URL_FROM_REQUEST=True,
        SITE_URL="http://127.0.0.1:8000",
        ALLOWED_HOSTS=["127.0.0.1"],
    )
    def test_in_debug_links_follow_the_address_served(self):
        self.assertEqual(self.served("127.0.0.1:8101"), "http://127.0.0.1:8101/x/")
        # Outside a request (a worker), SITE_URL.
        self.assertEqual(sites.absolute_url("/x/"), "http://127.0.0.1:8000/x/")

    @override_settings(DEBUG=False, SITE_URL_FROM_REQUEST=True, SITE_URL="https://clinic.example")
    def test_without_debug_the_request_never_decides(self):
        self.assertEqual(self.served("testserver"), "https://clinic.example/x/")

    @override_settings(DEBUG=True, SITE_URL_FROM_REQUEST=False, SITE_URL="https://clinic.example")
    def test_a_configured_site_url_wins_in_debug_too(self):
        self.assertEqual(self.served("testserver"), "https://clinic.example/x/")

    @override_settings(DEBUG=True, SITE_URL_FROM_REQUEST=True, SITE_URL="http://127.0.0.1:8000")
    def test_the_calendar_feed_address_uses_the_port_served(self):
        CalendarFeed.objects.create(therapist=self.therapist)
        self.login(self.therapist_user)
        response = self.client.get(reverse("bookings:feed_settings"), HTTP_HOST="localhost:8101")
        self.assertContains(response, "http://localhost:8101/bookings/feed/")
        self.assertNotContains(response, ":8000/")
