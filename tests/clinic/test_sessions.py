"""Sessions: staff time limits, the registry, ending sessions, and the sign-in log."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from clinic.models import SignInEvent, UserSession
from clinic.roles import is_staff_member
from conftest import verify_session
from tests.base import PASSWORD, ClinicTestCase

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))
NEW_PASSWORD = "another-long-password-77"


def browser(user, agent="Firefox on a laptop"):
    """A browser signed in through the log-in page (and, for staff, the code page)."""
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if is_staff_member(user):
        verify_session(client, user)
    return client


class StaffTimeLimitTests(ClinicTestCase):
    def test_staff_are_signed_out_after_thirty_idle_minutes(self):
        with time_machine.travel(NOW, tick=False) as clock:
            self.login(self.front_desk_user)
            self.assertEqual(self.client.get(reverse("client_list")).status_code, 200)
            clock.shift(timedelta(minutes=29))
            self.assertEqual(self.client.get(reverse("client_list")).status_code, 200)
            clock.shift(timedelta(minutes=31))
            response = self.client.get(reverse("client_list"))
        self.assertRedirects(
            response, f"{reverse('login')}?next=%2Fclients%2F", fetch_redirect_response=False
        )
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertFalse(UserSession.objects.filter(user=self.front_desk_user).exists())
        event = SignInEvent.objects.get(kind=SignInEvent.Kind.TIMED_OUT)
        self.assertEqual((event.user, event.detail), (self.front_desk_user, "idle"))
        page = self.client.get(response["Location"])
        self.assertContains(page, "signed out after 30 minutes without activity")

    def test_staff_are_signed_out_twelve_hours_after_signing_in_however_busy(self):
        with time_machine.travel(NOW, tick=False) as clock:
            self.login(self.therapist_user)
            for _ in range(12 * 3 + 3):
                clock.shift(timedelta(minutes=20))
                response = self.client.get(reverse("therapist_today"))
                if response.status_code != 200:
                    break
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))
        self.assertEqual(
            SignInEvent.objects.get(kind=SignInEvent.Kind.TIMED_OUT).detail, "too long"
        )

    def test_the_admin_sends_a_timed_out_owner_to_its_own_log_in(self):
        with time_machine.travel(NOW, tick=False) as clock:
            self.login(self.admin_user)
            clock.shift(timedelta(minutes=45))
            response = self.client.get(reverse("admin:index"))
        self.assertTrue(response["Location"].startswith(reverse("admin:login")))

    def test_clients_are_not_held_to_the_staff_limits(self):
        with time_machine.travel(NOW, tick=False) as clock:
            self.login(self.client_user)
            clock.shift(timedelta(hours=13))
            self.assertEqual(self.client.get(reverse("profile")).status_code, 200)

    def test_the_limits_are_settings(self):
        with (
            self.settings(STAFF_SESSION_IDLE_MINUTES=5),
            time_machine.travel(NOW, tick=False) as clock,
        ):
            self.login(self.front_desk_user)
            clock.shift(timedelta(minutes=6))
            self.assertEqual(self.client.get(reverse("client_list")).status_code, 302)


class SessionRegistryTests(ClinicTestCase):
    def test_signing_in_records_the_session_and_the_event(self):
        client = Client(HTTP_USER_AGENT="Test browser 1.0", REMOTE_ADDR="203.0.113.9")
        client.post(reverse("login"), {"username": self.client_user.email, "password": PASSWORD})
        row = UserSession.objects.get(user=self.client_user)
        self.assertEqual(row.session_key, client.session.session_key)
        self.assertEqual((row.ip, row.user_agent), ("203.0.113.9", "Test browser 1.0"))
        event = SignInEvent.objects.get(kind=SignInEvent.Kind.SIGNED_IN)
        self.assertEqual(
            (event.user, event.email, event.ip, event.user_agent),
            (self.client_user, self.client_user.email, "203.0.113.9", "Test browser 1.0"),
        )
        client.post(reverse("logout"))
        self.assertFalse(UserSession.objects.exists())
        self.assertTrue(SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_OUT).exists())

    def test_failures_and_the_lockout_are_logged_with_the_address_typed(self):
        for _ in range(5):
            self.client.post(
                reverse("login"), {"username": "Nobody@Example.com", "password": "wrong"}
            )
        failures = SignInEvent.objects.filter(kind=SignInEvent.Kind.FAILED)
        self.assertEqual(failures.count(), 5)
        self.assertEqual({e.email for e in failures}, {"nobody@example.com"})
        self.assertEqual({e.ip for e in failures}, {"127.0.0.1"})
        self.assertTrue(
            SignInEvent.objects.filter(
                kind=SignInEvent.Kind.LOCKED_OUT, email="nobody@example.com"
            ).exists()
        )

    def test_a_session_from_before_the_registry_is_registered_on_its_next_request(self):
        client = browser(self.client_user)
        UserSession.objects.all().delete()
        with time_machine.travel(datetime.now(ZoneInfo("UTC")) + timedelta(minutes=2)):
            client.get(reverse("profile"))
        self.assertEqual(UserSession.objects.get().session_key, client.session.session_key)


class EndingSessionsTests(ClinicTestCase):
    def setUp(self):
        self.laptop = browser(self.therapist_user, "Laptop")
        self.phone = browser(self.therapist_user, "Phone")
        self.today = reverse("therapist_today")

    def test_changing_ones_password_keeps_this_session_and_ends_the_others(self):
        response = self.laptop.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        self.assertRedirects(response, reverse("password_change_done"))
        self.assertEqual(self.laptop.get(self.today).status_code, 200)
        self.assertEqual(self.phone.get(self.today).status_code, 302)
        self.assertEqual(
            list(UserSession.objects.values_list("session_key", flat=True)),
            [self.laptop.session.session_key],
        )
        self.assertFalse(
            Session.objects.filter(session_key=self.phone.session.session_key).exists()
        )

    def test_a_password_set_by_an_owner_or_a_reset_ends_every_session(self):
        self.therapist_user.set_password(NEW_PASSWORD)
        self.therapist_user.save()
        self.assertEqual(self.laptop.get(self.today).status_code, 302)
        self.assertEqual(self.phone.get(self.today).status_code, 302)
        self.assertFalse(UserSession.objects.exists())
        self.assertIn(
            "password changed",
            SignInEvent.objects.get(kind=SignInEvent.Kind.SESSIONS_ENDED).detail,
        )

    def test_switching_the_account_off_ends_every_session(self):
        self.therapist_user.is_active = False
        self.therapist_user.save()
        self.assertFalse(UserSession.objects.exists())
        self.assertEqual(Session.objects.count(), 0)

    def test_saving_other_details_ends_nothing(self):
        self.therapist_user.first_name = "Renamed"
        self.therapist_user.save()
        self.assertEqual(UserSession.objects.count(), 2)

    def test_the_sessions_page_lists_them_and_ends_one(self):
        page = self.laptop.get(reverse("sessions"))
        self.assertContains(page, "Laptop")
        self.assertContains(page, "Phone")
        self.assertContains(page, "(this session)", count=1)
        phone_row = UserSession.objects.get(user_agent="Phone")
        response = self.laptop.post(reverse("session_end"), {"session": phone_row.pk})
        self.assertRedirects(response, reverse("sessions"))
        self.assertEqual(self.phone.get(self.today).status_code, 302)
        self.assertEqual(self.laptop.get(self.today).status_code, 200)

    def test_sign_out_everywhere_else(self):
        third = browser(self.therapist_user, "Tablet")
        self.laptop.post(reverse("session_end"), {"session": "others"})
        self.assertEqual(self.laptop.get(self.today).status_code, 200)
        self.assertEqual(self.phone.get(self.today).status_code, 302)
        self.assertEqual(third.get(self.today).status_code, 302)

    def test_nobody_ends_or_sees_another_persons_session(self):
        stranger = browser(self.front_desk_user, "Desk PC")
        phone_row = UserSession.objects.get(user_agent="Phone")
        self.assertNotContains(stranger.get(reverse("sessions")), "Phone")
        stranger.post(reverse("session_end"), {"session": phone_row.pk})
        stranger.post(reverse("session_end"), {"session": "not-a-number"})
        self.assertEqual(self.phone.get(self.today).status_code, 200)

    def test_an_expired_session_drops_off_the_list(self):
        Session.objects.filter(session_key=self.phone.session.session_key).delete()
        page = self.laptop.get(reverse("sessions"))
        self.assertNotContains(page, "Phone")
        self.assertEqual(UserSession.objects.count(), 1)


class EndingOwnSessionTests(ClinicTestCase):
    def test_ending_this_session_from_the_list_points_to_log_out(self):
        laptop = browser(self.client_user, "Laptop")
        row = UserSession.objects.get()
        response = laptop.post(reverse("session_end"), {"session": row.pk}, follow=True)
        self.assertContains(response, "use Log out to end it")
        self.assertEqual(laptop.get(reverse("profile")).status_code, 200)

    def test_an_owner_switching_an_account_off_in_the_admin_signs_it_out(self):
        from tests.base import make_user

        owner = make_user("owner@example.com", is_superuser=True, is_staff=True)
        desk = browser(self.front_desk_user, "Desk PC")
        self.client.force_login(owner)
        url = reverse("admin:clinic_user_change", args=[self.front_desk_user.pk])
        form = self.client.get(url).context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
        data.update(
            {
                "groups": [g.pk for g in self.front_desk_user.groups.all()],
                "user_permissions": [],
                "is_active": "",
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "09:00:00",
            }
        )
        data.pop("is_active")
        data.pop("last_login", None)
        data.pop("date_joined", None)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(desk.get(reverse("client_list")).status_code, 302)
        self.assertFalse(UserSession.objects.filter(user=self.front_desk_user).exists())
