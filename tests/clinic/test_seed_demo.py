from io import StringIO

import pyotp
from django.core.management import CommandError, call_command
from django.shortcuts import resolve_url
from django.test import TestCase, override_settings
from django.urls import reverse

from clinic.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from clinic.models import ClientProfile, Location, Room, Service, Therapist, User, WorkingHours
from clinic.roles import start_page


@override_settings(DEBUG=True)
class SeedDemoTests(TestCase):
    def counts(self):
        return {
            model.__name__: model.objects.count()
            for model in (Location, Room, Service, Therapist, WorkingHours, User, ClientProfile)
        }

    def test_seed_demo_creates_the_demo_clinic_and_running_it_twice_changes_nothing(self):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        first = self.counts()
        self.assertEqual(first["Location"], 1)
        self.assertEqual(first["Room"], 3)
        self.assertEqual(first["Therapist"], 4)
        self.assertTrue(
            {"swedish", "deep_tissue", "trigger_point", "myofascial", "sports"}
            <= set(Service.objects.values_list("technique__code", flat=True))
        )
        self.assertTrue(Service.objects.filter(is_reassessment=True).exists())
        self.assertIn("frontdesk@example.com", out.getvalue())
        for therapist in Therapist.objects.all():
            self.assertTrue(therapist.working_hours.exists())

        again = StringIO()
        call_command("seed_demo", stdout=again)
        self.assertEqual(self.counts(), first)
        self.assertIn("nothing changed", again.getvalue())

    def test_every_demo_account_can_log_in_with_its_role(self):
        call_command("seed_demo", stdout=StringIO())
        for email, check in [
            ("client@example.com", "is_client"),
            ("therapist@example.com", "is_therapist"),
            ("frontdesk@example.com", "is_front_desk"),
            ("admin@example.com", "is_clinic_admin"),
        ]:
            user = User.objects.get(email=email)
            self.assertTrue(getattr(user, check), email)
            response = self.client.post(
                reverse("login"), {"username": email, "password": DEMO_PASSWORD}
            )
            start = resolve_url(start_page(user))
            self.assertRedirects(response, start, fetch_redirect_response=False)
            if email != "client@example.com":
                # Staff: the password alone opens nothing; the printed secret's code does.
                page = self.client.get(start)
                self.assertTrue(page["Location"].startswith(reverse("two_factor_verify")))
                code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
                response = self.client.post(
                    reverse("two_factor_verify"), {"code": code, "next": start}
                )
                self.assertRedirects(response, start, fetch_redirect_response=False)
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)
            self.client.post(reverse("logout"))

    def test_the_secret_is_printed_beside_the_passwords(self):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        self.assertIn(DEMO_TOTP_SECRET, out.getvalue())
        self.assertIn(DEMO_PASSWORD, out.getvalue())

    @override_settings(DEBUG=False)
    def test_refused_when_debug_is_off(self):
        with self.assertRaisesMessage(CommandError, "DEBUG only"):
            call_command("seed_demo", stdout=StringIO())
        self.assertFalse(User.objects.exists())
