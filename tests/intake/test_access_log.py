"""The access log is health data, and it misses no read (issue 8, items 5, 8 and 10)."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from bookings.models import TreatmentPlan
from clinic.models import User
from intake.audit import log_access
from intake.models import Decision, HealthDataAccess
from tests.base import ClinicTestCase, make_service
from tests.intake.factories import make_intake

MARKER_NOTE = "MARKER-plan-note-5521"


def grant_health(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="intake", codename="view_health_data")
    )
    return User.objects.get(pk=user.pk)


class AccessLogAdminTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = User.objects.create_superuser("owner@example.com", "owner-password-123")
        cls.intake = make_intake(cls.client_profile, yes={"diabetes"})
        log_access(cls.therapist_user, client=cls.client_profile, intake=cls.intake, action="view")

    def test_a_clinic_admin_without_the_permission_cannot_read_or_search_the_log(self):
        self.login(self.admin_user)
        url = reverse("admin:intake_healthdataaccess_changelist")
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.get(url, {"q": "diabetes"}).status_code, 403)
        row = HealthDataAccess.objects.first()
        change = reverse("admin:intake_healthdataaccess_change", args=[row.pk])
        self.assertEqual(self.client.get(change).status_code, 403)
        index = self.client.get(reverse("admin:index"))
        self.assertNotContains(index, "access log")

    def test_reading_the_log_is_itself_logged(self):
        self.login(self.owner)
        before = HealthDataAccess.objects.count()
        response = self.client.get(reverse("admin:intake_healthdataaccess_changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(HealthDataAccess.objects.count(), before + 1)
        row = HealthDataAccess.objects.order_by("-pk").first()
        self.assertEqual((row.user_email, row.detail), ("owner@example.com", "access log list"))

    def test_someone_granted_the_permission_reads_the_log(self):
        reader = grant_health(self.admin_user)
        self.login(reader)
        url = reverse("admin:intake_healthdataaccess_changelist")
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_log_keeps_who_did_it_after_the_user_is_deleted(self):
        row = HealthDataAccess.objects.get(user=self.therapist_user)
        self.assertEqual(row.user_email, "therapist@example.com")
        self.assertEqual(row.user_name, "Theo Therapist")
        self.therapist.delete()
        User.objects.filter(pk=self.therapist_user.pk).delete()
        row.refresh_from_db()
        self.assertIsNone(row.user_id)
        self.assertEqual(row.user_email, "therapist@example.com")


class NoConditionInTheLogTests(ClinicTestCase):
    """The log's details name the page or the step, never a condition or a decision."""

    def test_reviewing_and_recording_a_clearance_log_no_condition_or_decision(self):
        intake = make_intake(self.client_profile, yes={"diabetes", "varicose_veins"})
        self.login(self.therapist_user)
        self.client.get(reverse("intake:review", args=[intake.public_id]))
        self.client.post(
            reverse("intake:review", args=[intake.public_id]),
            {"decision": Decision.CLEARANCE_REQUIRED, "reason": "Please ask your GP."},
        )
        self.client.post(
            reverse("intake:clearance", args=[intake.public_id]),
            {"codes": ["diabetes"], "received_on": intake.completed_on.isoformat(), "note": "GP"},
        )
        details = " ".join(HealthDataAccess.objects.values_list("detail", flat=True))
        self.assertTrue(details)
        for word in ("diabetes", "varicose", "clearance_required", "cleared", "not_suitable"):
            self.assertNotIn(word, details)


class ReadsAreLoggedTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = User.objects.create_superuser("owner@example.com", "owner-password-123")
        cls.intake = make_intake(cls.client_profile, yes={"varicose_veins"})

    def logged(self, **filters):
        return HealthDataAccess.objects.filter(**filters).exists()

    def test_the_health_form_update_page_is_logged(self):
        self.login(self.client_user)
        self.client.get(reverse("intake:update"))
        self.assertTrue(self.logged(user=self.client_user, detail="update page"))

    def test_the_review_queue_logs_each_client_it_shows(self):
        self.login(self.therapist_user)
        response = self.client.get(reverse("intake:review_queue"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            self.logged(user=self.therapist_user, client=self.client_profile, detail="review queue")
        )

    def test_the_admin_history_of_an_intake_is_logged(self):
        self.login(self.owner)
        url = reverse("admin:intake_intake_history", args=[self.intake.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertTrue(self.logged(user=self.owner, intake=self.intake, detail="admin history"))

    def test_a_clinic_admin_cannot_open_an_intakes_admin_history(self):
        self.login(self.admin_user)
        url = reverse("admin:intake_intake_history", args=[self.intake.pk])
        self.assertEqual(self.client.get(url).status_code, 403)


class PlanNotesAdminTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        service = make_service()
        cls.plan = TreatmentPlan.objects.create(
            client=cls.client_profile,
            kind="acute",
            sessions_per_week=1,
            weeks=3,
            technique=service.technique,
            service=service,
            status="active",
            notes=MARKER_NOTE,
        )

    def test_a_clinic_admin_without_the_permission_never_sees_plan_notes(self):
        self.login(self.admin_user)
        change = self.client.get(
            reverse("admin:bookings_treatmentplan_change", args=[self.plan.pk])
        )
        self.assertEqual(change.status_code, 200)
        self.assertNotContains(change, MARKER_NOTE)
        history = self.client.get(
            reverse("admin:bookings_treatmentplan_history", args=[self.plan.pk])
        )
        self.assertEqual(history.status_code, 403)
        listing = self.client.get(reverse("admin:bookings_treatmentplan_changelist"))
        self.assertNotContains(listing, MARKER_NOTE)

    def test_saving_the_plan_without_the_permission_keeps_the_notes(self):
        self.login(self.admin_user)
        url = reverse("admin:bookings_treatmentplan_change", args=[self.plan.pk])
        response = self.client.get(url)
        form = response.context["adminform"].form
        data = {
            name: form[name].value() if form[name].value() is not None else ""
            for name in form.fields
        }
        self.client.post(url, data)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.notes, MARKER_NOTE)

    def test_with_the_permission_plan_notes_are_shown_and_logged(self):
        reader = grant_health(self.admin_user)
        self.login(reader)
        change = self.client.get(
            reverse("admin:bookings_treatmentplan_change", args=[self.plan.pk])
        )
        self.assertContains(change, MARKER_NOTE)
        self.assertTrue(
            HealthDataAccess.objects.filter(
                user=reader, client=self.client_profile, detail="admin treatment plan"
            ).exists()
        )
