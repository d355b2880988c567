"""Two-step sign-in: staff reach nothing with a password alone; clients may turn it on."""

import re
from base64 import b32encode
from datetime import timedelta

import pyotp
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AccountEvent, SignInEvent, User, UserSession
from clinic.security.middleware import OPEN_BEFORE_CODE
from tests.base import PASSWORD, ClinicTestCase, make_user
from tests.test_url_walk import walk_urls


def code_for(device, at=None):
    """The code an authenticator app shows for ``device`` (now, or at ``at``)."""
    totp = pyotp.TOTP(b32encode(device.bin_key).decode())
    return totp.at(at) if at is not None else totp.now()


def make_device(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def password_login(client, user):
    """Sign in through the log-in page, as a person does: the password step only."""
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def plain_urls():
    """Every URL of the site that takes no argument, by name."""
    for name, _route, pattern in walk_urls():
        if name and not pattern.regex.groups and not name.startswith("admin:"):
            yield name, reverse(name)


class StaffNeedTheSecondStepTests(ClinicTestCase):
    """Signed in with the password alone (never force_login, which stands for both steps)."""

    def sign_in(self, user, client=None):
        return password_login(client or self.client, user)

    def test_every_page_sends_staff_without_a_device_to_set_up(self):
        owner = make_user("owner@example.com", is_superuser=True, is_staff=True)
        for user in (self.therapist_user, self.front_desk_user, self.admin_user, owner):
            client = self.sign_in(user, Client())
            for name, url in plain_urls():
                if name in OPEN_BEFORE_CODE:
                    continue
                with self.subTest(user=user.email, url=name):
                    response = client.get(url)
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(
                        response["Location"].startswith(reverse("two_factor_setup")),
                        response["Location"],
                    )

    def test_the_admin_too_sends_staff_to_the_code_page(self):
        make_device(self.admin_user)
        self.sign_in(self.admin_user)
        for url in (
            reverse("admin:index"),
            reverse("admin:clinic_location_changelist"),
            reverse("admin:clinic_clientprofile_changelist"),
        ):
            response = self.client.get(url)
            self.assertRedirects(
                response,
                f"{reverse('two_factor_verify')}?next={url.replace('/', '%2F')}",
                fetch_redirect_response=False,
            )
        # And a POST to the admin changes nothing either.
        response = self.client.post(reverse("admin:clinic_location_add"), {"name": "Sneaky"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.location.__class__.objects.filter(name="Sneaky").exists())

    def test_a_client_is_not_asked_for_a_code(self):
        self.sign_in(self.client_user)
        self.assertEqual(self.client.get(reverse("profile")).status_code, 200)

    def test_set_up_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(self):
        self.sign_in(self.therapist_user)
        page = self.client.get(reverse("two_factor_setup"), {"next": "/bookings/week/"})
        self.assertContains(page, "<svg")
        self.assertNotContains(page, "<img")
        self.assertNotRegex(page.content.decode(), r"<script(?![^>]*\bsrc=)")  # no inline script
        device = TOTPDevice.objects.get(user=self.therapist_user, confirmed=False)
        secret = b32encode(device.bin_key).decode()
        self.assertContains(page, " ".join(re.findall(".{1,4}", secret)))
        # Reloading keeps the same secret (the app may already have it).
        self.client.get(reverse("two_factor_setup"))
        self.assertEqual(TOTPDevice.objects.filter(user=self.therapist_user).count(), 1)

        wrong = self.client.post(reverse("two_factor_setup"), {"code": "000000"})
        self.assertContains(wrong, "That code is not right")
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

        with time_machine.travel(timezone.now() + timedelta(seconds=5)):
            response = self.client.post(
                reverse("two_factor_setup"),
                {"code": code_for(device), "next": "/bookings/week/"},
            )
        self.assertRedirects(
            response,
            f"{reverse('two_factor_recovery_codes')}?next=%2Fbookings%2Fweek%2F",
            fetch_redirect_response=False,
        )
        page = self.client.get(response["Location"])
        codes = re.findall(r'<code class="fs-5">(\w+)</code>', page.content.decode())
        self.assertEqual(len(codes), 10)
        self.assertEqual(
            set(codes),
            set(
                StaticToken.objects.filter(device__user=self.therapist_user).values_list(
                    "token", flat=True
                )
            ),
        )
        self.assertContains(page, 'href="/bookings/week/"')
        again = self.client.get(reverse("two_factor_recovery_codes"))
        self.assertNotContains(again, codes[0])
        self.assertContains(again, "You have 10 unused")
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.assertTrue(
            SignInEvent.objects.filter(
                user=self.therapist_user, kind=SignInEvent.Kind.OTP_SET_UP
            ).exists()
        )

    def test_staff_with_a_device_enter_its_code_and_go_where_they_were_going(self):
        device = make_device(self.front_desk_user)
        self.sign_in(self.front_desk_user)
        response = self.client.get(reverse("client_list"))
        self.assertRedirects(
            response,
            f"{reverse('two_factor_verify')}?next=%2Fclients%2F",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)
        response = self.client.post(
            reverse("two_factor_verify"), {"code": code_for(device), "next": "/clients/"}
        )
        self.assertRedirects(response, "/clients/")
        event = SignInEvent.objects.filter(kind=SignInEvent.Kind.OTP_VERIFIED).get()
        self.assertEqual((event.user, event.ip), (self.front_desk_user, "127.0.0.1"))

    def test_a_wrong_code_is_refused_and_logged(self):
        make_device(self.front_desk_user)
        self.sign_in(self.front_desk_user)
        response = self.client.post(reverse("two_factor_verify"), {"code": "123456"})
        self.assertContains(response, "That code is not right")
        self.assertEqual(self.client.get(reverse("client_list")).status_code, 302)
        self.assertTrue(SignInEvent.objects.filter(kind=SignInEvent.Kind.OTP_FAILED).exists())
        nonsense = self.client.post(reverse("two_factor_verify"), {"code": "<b>x</b>" * 9})
        self.assertEqual(nonsense.status_code, 200)
        self.assertNotContains(nonsense, "<b>x</b>")

    def test_a_recovery_code_works_once(self):
        from clinic.security import twofactor

        make_device(self.admin_user)
        codes = twofactor.new_recovery_codes(self.admin_user)
        self.sign_in(self.admin_user)
        response = self.client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
        self.assertEqual(twofactor.recovery_codes_left(self.admin_user), 9)
        self.assertTrue(SignInEvent.objects.filter(kind=SignInEvent.Kind.RECOVERY_USED).exists())

        other = self.sign_in(self.admin_user, Client())
        with time_machine.travel(timezone.now() + timedelta(seconds=5)):
            response = other.post(reverse("two_factor_verify"), {"code": codes[0]})
        self.assertContains(response, "That code is not right")

    def test_staff_cannot_turn_it_off(self):
        device = make_device(self.therapist_user)
        self.client.force_login(self.therapist_user)
        self.client.post(reverse("two_factor_turn_off"), {"code": code_for(device)})
        self.assertTrue(TOTPDevice.objects.filter(user=self.therapist_user).exists())


class ClientsMayTurnItOnTests(ClinicTestCase):
    def test_a_client_turns_it_on_is_then_asked_for_it_and_may_turn_it_off(self):
        password_login(self.client, self.client_user)
        self.assertContains(self.client.get(reverse("two_factor")), "Status: <strong>off</strong>")
        self.client.get(reverse("two_factor_setup"))
        device = TOTPDevice.objects.get(user=self.client_user)
        start = timezone.now()
        self.client.post(reverse("two_factor_setup"), {"code": code_for(device, start)})
        self.assertContains(self.client.get(reverse("two_factor")), "Status: <strong>on</strong>")

        later = Client()
        password_login(later, self.client_user)
        self.assertTrue(
            later.get(reverse("profile"))["Location"].startswith(reverse("two_factor_verify"))
        )

        with time_machine.travel(start + timedelta(seconds=40)):
            response = self.client.post(
                reverse("two_factor_turn_off"),
                {"code": code_for(device, start + timedelta(seconds=40))},
            )
        self.assertRedirects(response, reverse("two_factor"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.client_user).exists())
        self.assertEqual(self.client.get(reverse("profile")).status_code, 200)
        # Any other session ends with the change; signing in again needs no code.
        self.assertTrue(later.get(reverse("profile"))["Location"].startswith(reverse("login")))
        password_login(later, self.client_user)
        self.assertEqual(later.get(reverse("profile")).status_code, 200)
        self.assertTrue(SignInEvent.objects.filter(kind=SignInEvent.Kind.OTP_TURNED_OFF).exists())

    def test_turning_it_on_signs_the_password_only_sessions_out(self):
        elsewhere = password_login(Client(), self.client_user)
        password_login(self.client, self.client_user)
        self.client.get(reverse("two_factor_setup"))
        device = TOTPDevice.objects.get(user=self.client_user)
        self.client.post(reverse("two_factor_setup"), {"code": code_for(device)})
        self.assertEqual(self.client.get(reverse("profile")).status_code, 200)
        self.assertTrue(elsewhere.get(reverse("profile"))["Location"].startswith(reverse("login")))

    def test_turning_off_needs_a_right_code(self):
        make_device(self.client_user)
        self.client.force_login(self.client_user, verified=False)
        from conftest import verify_session

        verify_session(self.client, self.client_user)
        self.client.post(reverse("two_factor_turn_off"), {"code": "000000"})
        self.assertTrue(TOTPDevice.objects.filter(user=self.client_user).exists())


class OwnerResetsALostDeviceTests(ClinicTestCase):
    def setUp(self):
        self.owner = make_user("owner@example.com", is_superuser=True, is_staff=True)
        make_device(self.therapist_user)
        self.therapists_browser = Client()
        self.therapists_browser.force_login(self.therapist_user)

    def reset(self, by):
        self.client.force_login(by)
        return self.client.post(
            reverse("admin:clinic_user_changelist"),
            {"action": "reset_two_factor", "_selected_action": [self.therapist_user.pk]},
        )

    def test_the_owner_resets_it_the_sessions_end_and_it_is_logged(self):
        self.assertEqual(self.therapists_browser.get(reverse("home")).status_code, 200)
        response = self.reset(self.owner)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(TOTPDevice.objects.filter(user=self.therapist_user).exists())
        self.assertFalse(UserSession.objects.filter(user=self.therapist_user).exists())
        event = AccountEvent.objects.get(action=AccountEvent.Action.TWO_FACTOR_RESET)
        self.assertEqual((event.actor, event.target), (self.owner, self.therapist_user))
        self.assertTrue(SignInEvent.objects.filter(kind=SignInEvent.Kind.OTP_RESET).exists())
        # The therapist's browser is signed out; signing in again leads to a new set-up.
        today = reverse("therapist_today")
        self.assertTrue(self.therapists_browser.get(today)["Location"].startswith(reverse("login")))
        password_login(self.therapists_browser, self.therapist_user)
        self.assertTrue(
            self.therapists_browser.get(today)["Location"].startswith(reverse("two_factor_setup"))
        )

    def test_a_clinic_admin_cannot_reset_it(self):
        self.reset(self.admin_user)
        self.assertTrue(TOTPDevice.objects.filter(user=self.therapist_user).exists())
        self.assertFalse(AccountEvent.objects.exists())

    def test_the_devices_and_their_secrets_are_not_in_the_admin(self):
        self.client.force_login(self.owner)
        page = self.client.get(reverse("admin:index"))
        self.assertNotContains(page, "TOTP")
        self.assertTrue(User.objects.filter(pk=self.owner.pk).exists())


class TwoStepPagesTests(ClinicTestCase):
    def test_new_recovery_codes_replace_the_old_ones(self):
        from clinic.security import twofactor

        make_device(self.therapist_user)
        old = twofactor.new_recovery_codes(self.therapist_user)
        self.client.force_login(self.therapist_user)
        response = self.client.post(reverse("two_factor_recovery_codes"))
        self.assertRedirects(
            response, reverse("two_factor_recovery_codes"), fetch_redirect_response=False
        )
        page = self.client.get(reverse("two_factor_recovery_codes")).content.decode()
        new = re.findall(r'<code class="fs-5">(\w+)</code>', page)
        self.assertEqual(len(new), 10)
        self.assertFalse(set(old) & set(new))
        self.assertTrue(SignInEvent.objects.filter(kind=SignInEvent.Kind.RECOVERY_CODES).exists())

    def test_pages_send_each_account_where_it_belongs(self):
        make_device(self.therapist_user)
        self.client.force_login(self.therapist_user)
        # Set up already: set-up goes to the overview; the code page goes on.
        self.assertRedirects(
            self.client.get(reverse("two_factor_setup")),
            reverse("two_factor"),
            fetch_redirect_response=False,
        )
        self.assertRedirects(
            self.client.get(reverse("two_factor_verify"), {"next": "https://evil.example/"}),
            reverse("home"),
            fetch_redirect_response=False,
        )
        other = Client()
        other.force_login(self.therapist_user, verified=False)
        self.assertRedirects(
            other.get(reverse("two_factor_setup")),
            reverse("two_factor_verify"),
            fetch_redirect_response=False,
        )
        self.assertRedirects(
            other.get(reverse("two_factor_recovery_codes")),
            reverse("two_factor_verify"),
            fetch_redirect_response=False,
        )
        # An address that is no page still goes to the code page, not to a 404 that
        # might say more.
        self.assertTrue(
            other.get("/no-such-page/")["Location"].startswith(reverse("two_factor_verify"))
        )

    def test_a_code_with_symbols_is_refused_with_a_message(self):
        make_device(self.therapist_user)
        self.client.force_login(self.therapist_user, verified=False)
        response = self.client.post(reverse("two_factor_verify"), {"code": "12'; --"})
        self.assertContains(response, "letters and digits only")

    def test_a_client_without_it_is_sent_to_set_up_from_the_code_page(self):
        self.client.force_login(self.client_user)
        response = self.client.get(reverse("two_factor_verify"), {"next": "/dashboard/"})
        self.assertRedirects(
            response,
            f"{reverse('two_factor_setup')}?next=%2Fdashboard%2F",
            fetch_redirect_response=False,
        )
        self.client.post(reverse("two_factor_turn_off"))  # nothing to turn off
        self.assertContains(self.client.get(reverse("two_factor")), "Status: <strong>off</strong>")
