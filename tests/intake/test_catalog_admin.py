"""The catalog model, its seed, its history in the admin, and the read-only logs."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from intake.audit import log_access
from intake.catalog import SEED_CATALOG
from intake.demo import seed
from intake.models import Condition, HealthDataAccess, Intake
from intake.screening import screen
from tests.base import ClinicTestCase, make_client, make_user
from tests.intake.factories import make_intake

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


class CatalogTests(ClinicTestCase):
    def test_the_data_migration_seeds_every_code_with_its_category(self):
        expected = {entry.code: entry.category for entry in SEED_CATALOG}

        self.assertEqual(Condition.objects.category_map(), expected)
        self.assertEqual(Condition.objects.active().first().code, "saddle_numbness")

    def test_screening_with_the_database_catalog_honours_a_staff_edit(self):
        Condition.objects.filter(code="rash").update(category="defer")

        result = screen(conditions={"rash"}, catalog=Condition.objects.category_map())

        self.assertEqual(result.outcome, "defer")

    @time_machine.travel(NOW, tick=False)
    def test_an_inactive_question_is_not_asked(self):
        Condition.objects.filter(code="rash").update(active=False)
        intake = make_intake(self.client_profile)

        self.assertNotIn("rash", intake.answers)

    def test_therapists_may_review_and_nobody_has_health_data_by_default(self):
        therapist = Group.objects.get(name="Therapist")
        self.assertTrue(therapist.permissions.filter(codename="review_intake").exists())
        self.assertFalse(Permission.objects.get(codename="view_health_data").group_set.exists())


class AdminTests(ClinicTestCase):
    def test_staff_edit_the_catalog_and_each_change_is_kept_with_who_and_before(self):
        self.login(self.admin_user)
        rash = Condition.objects.get(code="rash")
        url = reverse("admin:intake_condition_change", args=[rash.pk])
        data = {
            "category": "caution",
            "active": "on",
            "order": rash.order,
            "question": rash.question,
            "help_text": rash.help_text,
            "client_reason": rash.client_reason,
            "guidance": "New guidance.",
            "sources": rash.sources,
        }

        response = self.client.post(url, data)

        self.assertEqual(response.status_code, 302)
        latest, before = rash.history.all()[:2]
        self.assertEqual(
            (latest.history_user, latest.category, latest.guidance),
            (
                self.admin_user,
                "caution",
                "New guidance.",
            ),
        )
        self.assertEqual(before.category, "local")
        history = self.client.get(reverse("admin:intake_condition_history", args=[rash.pk]))
        self.assertEqual(history.status_code, 200)

    def test_catalog_list_filters_by_category(self):
        self.login(self.admin_user)

        response = self.client.get(reverse("admin:intake_condition_changelist") + "?category=refer")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["cl"].result_count, 7)

    @time_machine.travel(NOW, tick=False)
    def test_the_access_log_is_read_only_in_the_admin(self):
        row = log_access(self.therapist_user, client=self.client_profile, action="view")
        superuser = make_user("root@example.com", is_staff=True, is_superuser=True)
        self.login(superuser)

        change = self.client.get(reverse("admin:intake_healthdataaccess_change", args=[row.pk]))
        add = self.client.get(reverse("admin:intake_healthdataaccess_add"))
        delete = self.client.post(
            reverse("admin:intake_healthdataaccess_delete", args=[row.pk]), {"post": "yes"}
        )

        self.assertEqual(change.status_code, 200)
        self.assertNotIn('name="_save"', change.content.decode())
        self.assertEqual(add.status_code, 403)
        self.assertEqual(delete.status_code, 403)
        self.assertTrue(HealthDataAccess.objects.filter(pk=row.pk).exists())

    @time_machine.travel(NOW, tick=False)
    def test_intakes_in_the_admin_need_the_health_data_permission_and_are_logged(self):
        intake = make_intake(self.client_profile, yes={"rash"})
        url = reverse("admin:intake_intake_change", args=[intake.pk])
        self.login(self.admin_user)
        self.assertEqual(self.client.get(url).status_code, 403)

        self.admin_user.user_permissions.add(Permission.objects.get(codename="view_health_data"))
        response = self.client.get(url)

        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(
            HealthDataAccess.objects.filter(
                user=self.admin_user, intake=intake, detail="admin"
            ).exists()
        )

    @time_machine.travel(NOW, tick=False)
    def test_the_admin_list_of_intakes_logs_every_intake_it_shows(self):
        first = make_intake(self.client_profile, yes={"rash"})
        second = make_intake(self.other_client_profile)
        self.admin_user.user_permissions.add(Permission.objects.get(codename="view_health_data"))
        self.login(self.admin_user)

        response = self.client.get(reverse("admin:intake_intake_changelist"))

        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        logged = set(
            HealthDataAccess.objects.filter(user=self.admin_user, detail="admin list").values_list(
                "intake", flat=True
            )
        )
        self.assertEqual(logged, {first.pk, second.pk})


class AuditTests(ClinicTestCase):
    @time_machine.travel(NOW, tick=False)
    def test_log_access_records_who_when_whose_and_what(self):
        row = log_access(
            self.therapist_user,
            client=self.client_profile,
            action="view",
            detail="visit note",
        )

        row.refresh_from_db()
        self.assertEqual(
            (row.user, row.at, row.client, row.intake, row.action, row.detail),
            (
                self.therapist_user,
                NOW,
                self.client_profile,
                None,
                "view",
                "visit note",
            ),
        )


class DemoTests(ClinicTestCase):
    @time_machine.travel(NOW, tick=False)
    def test_demo_seed_gives_the_demo_client_an_intake_to_review_once(self):
        self.assertNotEqual(
            seed(location=self.location), []
        )  # client@example.com is the test client
        intake = Intake.objects.current_for(self.client_profile)
        self.assertEqual((intake.outcome, intake.awaiting_review), ("review", True))

        self.assertEqual(seed(location=self.location), [])

    def test_demo_seed_does_nothing_without_the_demo_client(self):
        self.client_profile.user.delete()
        make_client("someone@example.com")

        self.assertEqual(seed(location=self.location), [])
