"""A changed address is told; health wording goes only to a confirmed one (issue 8, item 9)."""

import re

from django.core import mail
from django.urls import reverse

from bookings import notifications
from clinic.models import ClientProfile
from intake.models import Decision, Review
from intake.tasks import send_decision_email
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake


def profile_data(profile, **changes):
    data = {
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "date_of_birth": "1980-05-01",
        "email": profile.email,
        "phone": profile.phone,
        "contact_by_email": "on",
        "reminders": "on",
    }
    data.update(changes)
    return data


def confirm_path(message):
    return re.search(r"/accounts/confirm-email/\S+?/", message.body).group(0)


class ContactChangeTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.walk_in = ClientProfile.objects.create(
            first_name="Wanda", last_name="Walkin", email="wanda@example.com", phone="07700 900001"
        )

    def post(self, url, data):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    def test_a_client_changing_their_address_tells_the_old_one_and_asks_the_new_one(self):
        self.login(self.client_user)
        response = self.post(
            reverse("profile"), profile_data(self.client_profile, email="ann.new@example.com")
        )
        self.assertRedirects(response, reverse("profile"))
        by_address = {m.to[0]: m for m in mail.outbox}
        self.assertEqual(set(by_address), {"client@example.com", "ann.new@example.com"})
        self.assertIn("was changed to a…@example.com", by_address["client@example.com"].body)
        self.assertIn("/accounts/confirm-email/", by_address["ann.new@example.com"].body)
        profile = ClientProfile.objects.get(pk=self.client_profile.pk)
        # Until the new address is confirmed, health wording goes to the proven log-in one.
        self.assertEqual(profile.confirmed_email, "client@example.com")

    def test_following_the_confirmation_link_needs_a_press_of_the_button(self):
        self.login(self.front_desk_user)
        url = reverse("client_edit", args=[self.walk_in.public_id])
        self.post(url, profile_data(self.walk_in, email="wanda.new@example.com"))
        message = next(m for m in mail.outbox if m.to == ["wanda.new@example.com"])
        self.client.logout()
        page = self.client.get(confirm_path(message))
        self.assertContains(page, "Yes, this is my address")
        self.assertEqual(ClientProfile.objects.get(pk=self.walk_in.pk).confirmed_email, "")
        done = self.client.post(confirm_path(message))
        self.assertContains(done, "is confirmed")
        self.assertEqual(
            ClientProfile.objects.get(pk=self.walk_in.pk).confirmed_email, "wanda.new@example.com"
        )
        again = self.client.post(confirm_path(message))
        self.assertContains(again, "This link no longer works")

    def test_front_desk_changing_an_address_tells_the_old_one(self):
        self.login(self.front_desk_user)
        url = reverse("client_edit", args=[self.walk_in.public_id])
        self.post(url, profile_data(self.walk_in, email="someone.else@example.com"))
        old = [m for m in mail.outbox if m.to == ["wanda@example.com"]]
        self.assertEqual(len(old), 1)
        self.assertIn("phone us straight away", old[0].body)

    def test_registering_a_client_with_an_address_asks_them_to_confirm_it(self):
        self.login(self.front_desk_user)
        data = {
            "first_name": "Rita",
            "last_name": "New",
            "date_of_birth": "1970-01-01",
            "email": "rita@example.com",
            "phone": "",
            "contact_by_email": "on",
        }
        self.post(reverse("client_create"), data)
        self.assertEqual([m.to for m in mail.outbox], [["rita@example.com"]])
        self.assertIn("/accounts/confirm-email/", mail.outbox[0].body)

    def test_a_link_for_an_address_since_replaced_no_longer_confirms(self):
        self.login(self.front_desk_user)
        url = reverse("client_edit", args=[self.walk_in.public_id])
        self.post(url, profile_data(self.walk_in, email="first@example.com"))
        first = next(m for m in mail.outbox if m.to == ["first@example.com"])
        self.post(url, profile_data(self.walk_in, email="second@example.com"))
        self.assertContains(self.client.get(confirm_path(first)), "This link no longer works")


class HealthWordingOnlyToConfirmedAddressTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.walk_in = ClientProfile.objects.create(
            first_name="Wanda", last_name="Walkin", email="wanda@example.com", phone="07700 900001"
        )
        cls.intake = make_intake(cls.walk_in, yes={"varicose_veins"})
        cls.review = Review.objects.create(
            intake=cls.intake, reviewer=cls.therapist_user, decision=Decision.CLEARED
        )

    def test_a_decision_is_not_e_mailed_to_an_address_typed_at_the_desk(self):
        self.assertFalse(send_decision_email.call(self.review.pk))
        self.assertEqual(mail.outbox, [])

    def test_a_decision_is_e_mailed_once_the_address_is_confirmed(self):
        ClientProfile.objects.filter(pk=self.walk_in.pk).update(email_confirmed="wanda@example.com")
        self.assertTrue(send_decision_email.call(self.review.pk))
        self.assertEqual(mail.outbox[0].to, ["wanda@example.com"])

    def test_reminders_ask_about_health_so_go_only_to_a_confirmed_address(self):
        self.assertFalse(notifications.wants_reminder(self.walk_in))
        self.assertTrue(notifications.wants_email(self.walk_in))  # times and places still go
        self.walk_in.email_confirmed = "wanda@example.com"
        self.assertTrue(notifications.wants_reminder(self.walk_in))
