"""After logging in, each role lands on its own start page unless ``next`` says otherwise."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from clinic.models import Role
from tests.base import ClinicTestCase, make_user

PASSWORD = "a long and quiet river 42"


class LoginStartPageTests(ClinicTestCase):
    def log_in(self, user, **query):
        user.set_password(PASSWORD)
        user.save()
        url = reverse("login")
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        return self.client.post(url, {"username": user.email, "password": PASSWORD})

    def test_each_role_lands_on_its_own_page(self):
        desk_admin = make_user("deskadmin@example.com", Role.CLINIC_ADMIN, is_staff=False)
        owner = make_user("owner@example.com", Role.CLINIC_ADMIN, is_staff=True)
        owner.user_permissions.add(Permission.objects.get(codename="view_health_data"))
        cases = [
            (self.client_user, reverse("client_dashboard")),
            (self.therapist_user, reverse("therapist_today")),
            (self.front_desk_user, reverse("bookings:front_desk_day")),
            (self.admin_user, reverse("admin:index")),
            (desk_admin, reverse("bookings:front_desk_day")),
            (owner, reverse("admin:index")),
        ]
        for user, expected in cases:
            with self.subTest(user=user.email):
                self.client.logout()
                response = self.log_in(user)
                self.assertRedirects(response, expected, fetch_redirect_response=False)

    def test_next_wins(self):
        target = reverse("bookings:my_appointments")
        response = self.log_in(self.client_user, next=target)
        self.assertRedirects(response, target, fetch_redirect_response=False)

    def test_an_outside_next_is_ignored_for_the_start_page(self):
        response = self.log_in(self.therapist_user, next="https://evil.example/")
        self.assertRedirects(response, reverse("therapist_today"), fetch_redirect_response=False)
