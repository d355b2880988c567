from django.contrib.auth import get_user_model
from django.urls import reverse

from clinic.models import ClientProfile, Role
from tests.base import PASSWORD, ClinicTestCase

User = get_user_model()
URL = reverse("signup")


class SignUpTests(ClinicTestCase):
    def valid_data(self, **overrides):
        data = {
            "first_name": "Nina",
            "last_name": "New",
            "email": "Nina.New@Example.com",
            "password1": "walnut-harbour-lantern-88",
            "password2": "walnut-harbour-lantern-88",
        }
        data.update(overrides)
        return data

    def test_sign_up_page_shows_the_form(self):
        response = self.client.get(URL)
        self.assertContains(response, "Create an account")
        self.assertContains(response, 'name="email"')

    def test_signing_up_makes_a_logged_in_client_with_a_profile(self):
        response = self.client.post(URL, self.valid_data())
        self.assertRedirects(response, reverse("profile"))
        user = User.objects.get(email="nina.new@example.com")
        self.assertTrue(user.is_client)
        self.assertFalse(user.is_staff)
        profile = user.client_profile
        self.assertEqual(profile.full_name, "Nina New")
        self.assertEqual(profile.email, "nina.new@example.com")
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)

    def test_an_email_already_in_use_is_refused_whatever_its_case(self):
        before = User.objects.count()
        response = self.client.post(URL, self.valid_data(email="CLIENT@example.com"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "already exists")
        self.assertEqual(User.objects.count(), before)

    def test_mismatched_passwords_create_nothing_and_keep_what_was_typed(self):
        response = self.client.post(URL, self.valid_data(password2="something-else-entirely"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Nina"')
        self.assertFalse(User.objects.filter(email="nina.new@example.com").exists())

    def test_a_profile_front_desk_made_for_the_address_becomes_the_clients_own(self):
        walk_in = ClientProfile.objects.create(
            first_name="Nina", last_name="New", email="nina.new@example.com", phone="07700 900001"
        )
        self.client.post(URL, self.valid_data())
        walk_in.refresh_from_db()
        self.assertEqual(walk_in.user.email, "nina.new@example.com")
        self.assertEqual(ClientProfile.objects.filter(email="nina.new@example.com").count(), 1)

    def test_a_logged_in_user_is_sent_home(self):
        self.login(self.client_user)
        self.assertRedirects(self.client.get(URL), reverse("home"))

    def test_other_methods_are_not_allowed(self):
        self.assertEqual(self.client.put(URL).status_code, 405)


class LogInOutTests(ClinicTestCase):
    def test_log_in_with_email_in_any_case(self):
        response = self.client.post(
            reverse("login"), {"username": "Client@Example.COM", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("home"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.client_user.pk)

    def test_a_wrong_password_says_so_and_logs_nobody_in(self):
        response = self.client.post(
            reverse("login"), {"username": "client@example.com", "password": "wrong"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "correct e-mail address and password")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_repeated_wrong_passwords_pause_log_in_for_that_account(self):
        for _ in range(5):
            self.client.post(reverse("login"), {"username": "client@example.com", "password": "x"})
        response = self.client.post(
            reverse("login"), {"username": "client@example.com", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many attempts", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        other = self.client.post(
            reverse("login"), {"username": "other@example.com", "password": PASSWORD}
        )
        self.assertRedirects(other, reverse("home"))

    def test_log_out_is_a_post_and_ends_the_session(self):
        self.login(self.client_user)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        response = self.client.post(reverse("logout"))
        self.assertRedirects(response, reverse("home"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_roles_come_from_groups(self):
        self.assertTrue(self.client_user.is_client)
        self.assertFalse(self.client_user.is_therapist)
        self.assertTrue(self.therapist_user.is_therapist)
        self.assertTrue(self.front_desk_user.is_front_desk)
        self.assertTrue(self.admin_user.is_clinic_admin)
        self.assertFalse(self.front_desk_user.has_role(Role.CLINIC_ADMIN))
