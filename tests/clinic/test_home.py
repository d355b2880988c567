from django.urls import reverse

from tests.base import ClinicTestCase, make_service

URL = reverse("home")


class HomePageTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_service("Deep tissue massage", "deep_tissue", description="Firm, slow pressure.")

    def test_a_newcomer_learns_what_we_offer_and_how_to_start(self):
        response = self.client.get(URL)
        self.assertContains(response, "How it works")
        self.assertContains(response, "Deep tissue massage")
        self.assertContains(response, reverse("signup"))
        self.assertContains(response, 'href="#main"')  # skip link
        self.assertContains(response, "<main")

    def test_a_client_sees_their_next_steps(self):
        self.login(self.client_user)
        response = self.client.get(URL)
        self.assertContains(response, "Your next steps")
        self.assertContains(response, reverse("profile"))
        self.assertNotContains(response, reverse("client_list"))
        self.assertNotContains(response, reverse("admin:index"))

    def test_front_desk_sees_client_search_and_registration(self):
        self.login(self.front_desk_user)
        response = self.client.get(URL)
        self.assertContains(response, reverse("client_list"))
        self.assertContains(response, reverse("client_create"))
        self.assertNotContains(response, reverse("profile") + '"')

    def test_a_therapist_sees_their_work(self):
        self.login(self.therapist_user)
        response = self.client.get(URL)
        self.assertContains(response, "review health forms")
        self.assertNotContains(response, reverse("client_create"))

    def test_a_clinic_admin_sees_the_back_office(self):
        self.login(self.admin_user)
        self.assertContains(self.client.get(URL), reverse("admin:index"))

    def test_only_get_is_allowed(self):
        self.assertEqual(self.client.post(URL).status_code, 405)


class SecurityHeaderTests(ClinicTestCase):
    def test_pages_forbid_scripts_from_anywhere_but_this_site(self):
        policy = self.client.get(URL)["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertIn("frame-ancestors 'none'", policy)
        self.assertNotIn("http", policy)
