from datetime import date

import time_machine
from django.urls import reverse

from tests.base import ClinicTestCase

URL = reverse("profile")


def profile_data(**overrides):
    data = {
        "first_name": "Ann",
        "last_name": "Client",
        "date_of_birth": "1980-04-02",
        "email": "ann@example.com",
        "phone": "020 7946 0000",
        "emergency_contact_name": "Bob Client",
        "emergency_contact_phone": "+44 20 7946 0999",
        "physician_name": "Dr Green",
        "physician_practice": "Canal Street Surgery",
        "physician_phone": "020 7946 0500",
        "physician_email": "",
        "contact_by_email": "on",
        "reminders": "on",
    }
    data.update(overrides)
    return data


class ProfileTests(ClinicTestCase):
    def test_anonymous_users_are_sent_to_log_in(self):
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")

    def test_staff_without_a_client_profile_get_404(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_other_methods_are_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.delete(URL).status_code, 405)

    def test_a_client_sees_only_their_own_details_and_no_cache(self):
        self.login(self.client_user)
        response = self.client.get(URL)
        self.assertContains(response, 'value="Ann"')
        self.assertNotContains(response, "Olga")
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_client_saves_their_details(self):
        self.login(self.client_user)
        response = self.client.post(URL, profile_data())
        self.assertRedirects(response, URL)
        self.client_profile.refresh_from_db()
        self.assertEqual(self.client_profile.date_of_birth, date(1980, 4, 2))
        self.assertEqual(self.client_profile.physician_name, "Dr Green")
        self.assertTrue(self.client_profile.reminders)
        self.assertFalse(self.client_profile.contact_by_phone)

    @time_machine.travel("2026-03-10 12:00Z", tick=False)
    def test_a_date_of_birth_in_the_future_is_refused_and_nothing_changes(self):
        self.login(self.client_user)
        response = self.client.post(URL, profile_data(date_of_birth="2026-03-11"))
        self.assertContains(response, "cannot be in the future")
        self.client_profile.refresh_from_db()
        self.assertIsNone(self.client_profile.date_of_birth)

    def test_a_malformed_phone_number_is_refused_and_what_was_typed_is_kept(self):
        self.login(self.client_user)
        response = self.client.post(URL, profile_data(phone="call me maybe", physician_name="Dr Z"))
        self.assertContains(response, "Enter a phone number we can dial")
        self.assertContains(response, 'value="Dr Z"')
        self.client_profile.refresh_from_db()
        self.assertEqual(self.client_profile.phone, "020 7946 0000")

    def test_a_phone_number_with_too_few_digits_is_refused(self):
        self.login(self.client_user)
        response = self.client.post(URL, profile_data(emergency_contact_phone="12 34"))
        self.assertContains(response, "Enter a phone number of 7 to 15 digits")

    def test_a_client_needs_an_email_or_a_phone(self):
        self.login(self.client_user)
        response = self.client.post(URL, profile_data(email="", phone=""))
        self.assertContains(response, "Give an e-mail address or a phone number")
