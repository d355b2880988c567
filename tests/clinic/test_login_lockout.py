from axes.models import AccessAttempt
from django.urls import reverse

from tests.base import PASSWORD, ClinicTestCase, make_client

LONG_NAME = "a" * 288 + "@example.com"  # 300 characters


class LoginLockoutTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.locked_user = make_client("lock@example.com", first_name="Lou", last_name="Lock")

    def log_in(self, username, password="wrong-password"):
        return self.client.post(reverse("login"), {"username": username, "password": password})

    def test_five_failures_lock_the_address_in_every_letter_case(self):
        for _ in range(5):
            self.log_in("lock@example.com")
        response = self.log_in("LOCK@example.com", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_failures_in_mixed_case_and_with_spaces_count_as_one_address(self):
        for username in [
            "Lock@Example.com",
            "LOCK@EXAMPLE.COM",
            " lock@example.com ",
            "lOck@example.com",
        ]:
            self.log_in(username)
        self.assertEqual(
            list(AccessAttempt.objects.values_list("username", "failures_since_start")),
            [("lock@example.com", 4)],
        )
        self.assertEqual(self.log_in("lock@EXAMPLE.com").status_code, 429)
        self.assertEqual(self.log_in("lock@example.com", PASSWORD).status_code, 429)

    def test_the_lockout_does_not_spill_over_to_another_address(self):
        for _ in range(5):
            self.log_in("lock@example.com")
        response = self.log_in("Client@Example.com", PASSWORD)
        self.assertRedirects(response, reverse("client_dashboard"), fetch_redirect_response=False)

    def test_a_300_character_user_name_is_a_form_error(self):
        response = self.log_in(LONG_NAME, PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.assertFormError(
            response.context["form"],
            "username",
            "Ensure this value has at most 254 characters (it has 300).",
        )
        self.assertFalse(AccessAttempt.objects.exists())

    def test_a_300_character_name_on_the_admin_log_in_is_recorded_within_axes_column(self):
        response = self.client.post(
            reverse("admin:login"), {"username": LONG_NAME, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            list(AccessAttempt.objects.values_list("username", flat=True)), [LONG_NAME[:255]]
        )

    def test_a_300_character_address_on_password_reset_is_a_form_error(self):
        response = self.client.post(reverse("password_reset"), {"email": LONG_NAME})
        self.assertEqual(response.status_code, 200)
        self.assertFormError(
            response.context["form"],
            "email",
            "Ensure this value has at most 254 characters (it has 300).",
        )
