"""Sign-up proves the address before any account or profile link exists (issue 8, item 1)."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clinic import accounts
from clinic.models import AccountEvent, ClientProfile, Role
from intake.models import Intake
from tests.base import PASSWORD, ClinicTestCase
from tests.intake.factories import make_intake

User = get_user_model()
URL = reverse("signup")
NEW_PASSWORD = "walnut-harbour-lantern-88"


def link_in(message):
    return re.search(r"https?://\S+/accounts/[\w-]+/\S+?/", message.body).group(0)


def path_of(link):
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


class SignUpTests(ClinicTestCase):
    def valid_data(self, **overrides):
        data = {"first_name": "Nina", "last_name": "New", "email": "Nina.New@Example.com"}
        data.update(overrides)
        return data

    def sign_up(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, self.valid_data(**overrides))

    def finish(self, link, password=NEW_PASSWORD):
        return self.client.post(path_of(link), {"password1": password, "password2": password})

    def test_sign_up_page_shows_the_form(self):
        response = self.client.get(URL)
        self.assertContains(response, "Create an account")
        self.assertContains(response, 'name="email"')
        self.assertEqual(response.content.count(b"csrfmiddlewaretoken"), 1)

    def test_signing_up_sends_a_link_and_makes_nothing_yet(self):
        response = self.sign_up()
        self.assertContains(response, "We have sent a link to <strong>nina.new@example.com")
        self.assertFalse(User.objects.filter(email="nina.new@example.com").exists())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["nina.new@example.com"])
        self.assertIn("/accounts/signup/", link_in(mail.outbox[0]))

    def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(self):
        unknown = self.sign_up(email="nobody@example.com")
        self.client.cookies.clear()
        known = self.sign_up(email="CLIENT@example.com")

        def page(response, address):
            text = response.content.decode().replace(address, "ADDRESS")
            return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(page(known, "client@example.com"), page(unknown, "nobody@example.com"))
        # The owner of the known address is told, with no link that could make an account.
        self.assertEqual(mail.outbox[1].to, ["client@example.com"])
        self.assertIn("already have one", mail.outbox[1].body)
        self.assertNotIn("/accounts/signup/", mail.outbox[1].body)

    def test_following_the_link_makes_a_logged_in_client_with_a_confirmed_profile(self):
        self.sign_up()
        link = link_in(mail.outbox[0])
        self.assertTrue(link.startswith("http://testserver") is False)
        self.assertContains(self.client.get(path_of(link)), "Choose your password")
        response = self.finish(link)
        self.assertRedirects(response, reverse("profile"))
        user = User.objects.get(email="nina.new@example.com")
        self.assertTrue(user.is_client)
        self.assertFalse(user.is_staff)
        profile = user.client_profile
        self.assertEqual(profile.full_name, "Nina New")
        self.assertEqual(profile.confirmed_email, "nina.new@example.com")
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertTrue(AccountEvent.objects.filter(target=user, action="account_created").exists())

    def test_a_link_works_once(self):
        self.sign_up()
        link = link_in(mail.outbox[0])
        self.finish(link)
        self.client.logout()
        again = self.finish(link, password="another-long-password-99")
        self.assertContains(again, "This link no longer works")
        self.assertEqual(User.objects.filter(email="nina.new@example.com").count(), 1)
        self.assertTrue(User.objects.get(email="nina.new@example.com").check_password(NEW_PASSWORD))

    def test_a_link_expires(self):
        self.sign_up()
        link = link_in(mail.outbox[0])
        later = timezone.now() + timedelta(hours=accounts.link_hours(), minutes=1)
        with time_machine.travel(later):
            response = self.finish(link)
        self.assertContains(response, "This link no longer works")
        self.assertFalse(User.objects.filter(email="nina.new@example.com").exists())

    def test_a_tampered_link_is_refused(self):
        self.sign_up()
        link = link_in(mail.outbox[0])
        response = self.client.get(path_of(link)[:-5] + "xxxx/")
        self.assertContains(response, "This link no longer works")

    def test_a_weak_or_mismatched_password_is_a_form_error_and_makes_nothing(self):
        self.sign_up()
        link = link_in(mail.outbox[0])
        weak = self.finish(link, password="nina")
        self.assertEqual(weak.status_code, 200)
        self.assertContains(weak, "too short")
        mismatch = self.client.post(
            path_of(link), {"password1": NEW_PASSWORD, "password2": "something-else-9"}
        )
        self.assertContains(mismatch, "didn’t match")
        self.assertFalse(User.objects.filter(email="nina.new@example.com").exists())

    def test_a_bad_address_keeps_what_was_typed(self):
        response = self.client.post(URL, self.valid_data(email="not-an-address"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Nina"')
        self.assertEqual(len(mail.outbox), 0)

    def test_a_300_character_address_is_a_form_error(self):
        response = self.client.post(URL, self.valid_data(email="a" * 290 + "@example.com"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "at most 254")

    def test_a_logged_in_user_is_sent_home(self):
        self.login(self.client_user)
        self.assertRedirects(self.client.get(URL), reverse("home"))

    def test_other_methods_are_not_allowed(self):
        self.assertEqual(self.client.put(URL).status_code, 405)


class WalkInProfileTests(ClinicTestCase):
    """A profile front desk registered, with a health form filled at the desk."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.walk_in = ClientProfile.objects.create(
            first_name="Wanda",
            last_name="Walkin",
            email="wanda@example.com",
            phone="07700 900001",
        )
        cls.intake = make_intake(cls.walk_in, medications="MARKER-walkin-meds")

    def sign_up(self, **data):
        values = {"first_name": "Mallory", "last_name": "Stranger", "email": "WANDA@example.com"}
        values.update(data)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, values)

    def test_signing_up_with_a_walk_ins_address_reveals_and_links_nothing(self):
        response = self.sign_up()
        self.assertContains(response, "We have sent a link")
        self.walk_in.refresh_from_db()
        self.assertIsNone(self.walk_in.user_id)
        self.assertEqual(self.walk_in.full_name, "Wanda Walkin")
        self.assertNotIn("_auth_user_id", self.client.session)
        # Nobody logged in can open the walk-in's health form.
        outcome = self.client.get(reverse("intake:outcome", args=[self.intake.public_id]))
        self.assertNotContains(outcome, "MARKER-walkin-meds", status_code=outcome.status_code)

    def test_the_link_sent_to_the_address_links_the_profile_without_renaming_it(self):
        self.sign_up()
        link = link_in(mail.outbox[0])
        self.client.post(path_of(link), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.walk_in.refresh_from_db()
        self.assertEqual(self.walk_in.user.email, "wanda@example.com")
        self.assertEqual(self.walk_in.full_name, "Wanda Walkin")
        self.assertEqual(ClientProfile.objects.filter(email="wanda@example.com").count(), 1)
        self.assertEqual(Intake.objects.current_for(self.walk_in), self.intake)

    def test_two_unlinked_profiles_with_one_address_are_both_left_alone(self):
        twin = ClientProfile.objects.create(
            first_name="Wendy", last_name="Walkin", email="wanda@example.com", phone="07700 900002"
        )
        self.sign_up()
        link = link_in(mail.outbox[0])
        self.client.post(path_of(link), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.walk_in.refresh_from_db()
        twin.refresh_from_db()
        self.assertIsNone(self.walk_in.user_id)
        self.assertIsNone(twin.user_id)
        user = User.objects.get(email="wanda@example.com")
        self.assertEqual(user.client_profile.full_name, "Mallory Stranger")

    def test_front_desk_sends_an_invitation_that_links_this_profile(self):
        self.login(self.front_desk_user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("client_invite", args=[self.walk_in.public_id]))
        self.assertRedirects(response, self.walk_in.get_absolute_url())
        self.assertEqual(mail.outbox[0].to, ["wanda@example.com"])
        self.assertIn("invited you", mail.outbox[0].body)
        link = link_in(mail.outbox[0])
        self.client.logout()
        self.assertContains(self.client.get(path_of(link)), "wanda@example.com")
        self.client.post(path_of(link), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.walk_in.refresh_from_db()
        self.assertEqual(self.walk_in.user.email, "wanda@example.com")
        self.assertEqual(self.walk_in.confirmed_email, "wanda@example.com")

    def test_an_invitation_stops_working_once_the_address_on_the_profile_changes(self):
        token = accounts.signup_token(email=self.walk_in.email, profile=self.walk_in)
        ClientProfile.objects.filter(pk=self.walk_in.pk).update(email="new@example.com")
        response = self.client.get(reverse("signup_finish", args=[token]))
        self.assertContains(response, "This link no longer works")

    def test_only_staff_who_edit_clients_can_send_an_invitation(self):
        url = reverse("client_invite", args=[self.walk_in.public_id])
        self.assertRedirects(self.client.post(url), f"{reverse('login')}?next={url}")
        for user in (self.client_user, self.therapist_user):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertEqual(len(mail.outbox), 0)

    def test_an_invitation_is_not_sent_for_a_client_with_an_account(self):
        self.login(self.front_desk_user)
        url = reverse("client_invite", args=[self.client_user.client_profile.public_id])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, follow=True)
        self.assertContains(response, "already has an online account")
        self.assertEqual(len(mail.outbox), 0)

    def test_no_invitation_is_sent_when_an_account_already_uses_the_address(self):
        ClientProfile.objects.filter(pk=self.walk_in.pk).update(email="CLIENT@example.com")
        self.login(self.front_desk_user)
        url = reverse("client_invite", args=[self.walk_in.public_id])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, follow=True)
        self.assertContains(response, "already uses this address")
        self.assertEqual(len(mail.outbox), 0)

    def test_finishing_twice_makes_one_account_and_a_normal_page(self):
        link = accounts.read_signup_token(accounts.signup_token(email="wanda@example.com"))
        accounts.finish_signup(link, password=NEW_PASSWORD)
        with self.assertRaises(accounts.AccountExists):
            accounts.finish_signup(link, password=NEW_PASSWORD)
        self.assertEqual(User.objects.filter(email="wanda@example.com").count(), 1)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_finishes_of_one_address_end_in_one_account(client):
    for role in Role:
        Group.objects.get_or_create(name=role)
    token = accounts.signup_token(email="race@example.com", first_name="Rae", last_name="Race")
    url = reverse("signup_finish", args=[token])
    barrier = threading.Barrier(2)
    statuses = []

    def attempt():
        from django.test import Client

        try:
            browser = Client()
            barrier.wait()
            response = browser.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) in ([200, 302], [302, 302], [200, 200])
    assert 302 in statuses
    assert User.objects.filter(email="race@example.com").count() == 1
    assert ClientProfile.objects.filter(user__email="race@example.com").count() == 1


class LogInOutTests(ClinicTestCase):
    def test_log_in_with_email_in_any_case(self):
        response = self.client.post(
            reverse("login"), {"username": "Client@Example.COM", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("client_dashboard"))
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
        self.assertRedirects(other, reverse("client_dashboard"))

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
