import re

from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.base import PASSWORD, ClinicTestCase


class PasswordResetTests(ClinicTestCase):
    def test_a_reset_link_is_emailed_and_sets_a_new_password(self):
        response = self.client.post(reverse("password_reset"), {"email": "client@example.com"})
        self.assertRedirects(response, reverse("password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["client@example.com"])
        link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
        path = link.removeprefix(settings.SITE_URL)
        form_page = self.client.get(path, follow=True)
        self.assertContains(form_page, "Choose a new password")
        done = self.client.post(
            form_page.redirect_chain[-1][0],
            {
                "new_password1": "harbour-willow-candle-17",
                "new_password2": "harbour-willow-candle-17",
            },
        )
        self.assertRedirects(done, reverse("password_reset_complete"))
        self.client_user.refresh_from_db()
        self.assertTrue(self.client_user.check_password("harbour-willow-candle-17"))

    @override_settings(
        ALLOWED_HOSTS=["testserver", "evil.example"], SITE_URL="https://clinic.example"
    )
    def test_the_reset_link_points_at_the_site_whatever_host_the_request_names(self):
        self.client.post(
            reverse("password_reset"),
            {"email": "client@example.com"},
            HTTP_HOST="evil.example",
        )
        body = mail.outbox[0].body
        self.assertIn("https://clinic.example/accounts/reset/", body)
        self.assertNotIn("evil.example", body)

    def test_an_unknown_address_sends_nothing_and_reveals_nothing(self):
        response = self.client.post(reverse("password_reset"), {"email": "nobody@example.com"})
        self.assertRedirects(response, reverse("password_reset_done"))
        self.assertEqual(mail.outbox, [])

    def test_a_used_link_no_longer_works(self):
        self.client.get(reverse("password_reset"))
        response = self.client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
        self.assertContains(response, "This link no longer works")


class PasswordChangeTests(ClinicTestCase):
    def test_anonymous_users_are_sent_to_log_in(self):
        url = reverse("password_change")
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_a_client_changes_their_password(self):
        self.login(self.client_user)
        response = self.client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "copper-meadow-violin-42",
                "new_password2": "copper-meadow-violin-42",
            },
        )
        self.assertRedirects(response, reverse("password_change_done"))
        self.client_user.refresh_from_db()
        self.assertTrue(self.client_user.check_password("copper-meadow-violin-42"))
