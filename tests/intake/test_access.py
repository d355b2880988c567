"""Who may see an intake and its documents: the access matrix on every intake URL."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from intake.models import Clearance, HealthDataAccess
from tests.base import ClinicTestCase, make_therapist, make_user
from tests.intake.factories import make_intake

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@override_settings(MEDIA_ROOT="/tmp/intake-test-media")
@time_machine.travel(NOW, tick=False)
class AccessMatrixTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.carer = make_therapist("carer@example.com", first_name="Cara")
        cls.client_profile.care_team.add(cls.carer)
        cls.staff = make_user("records@example.com", first_name="Rita", is_staff=True)
        cls.staff.user_permissions.add(
            Permission.objects.get(codename="view_health_data", content_type__app_label="intake")
        )
        # Waiting for review: reviewing therapists may read it.
        cls.waiting = make_intake(cls.client_profile, yes={"diabetes"})
        cls.record = Clearance.objects.create(
            intake=cls.waiting, codes=["diabetes"], received_on=NOW.date(), note="GP letter"
        )
        cls.record.document.save("x.pdf", ContentFile(PDF), save=True)
        cls.record.document_type = "application/pdf"
        cls.record.save(update_fields=["document_type"])
        # Nothing to review: only the client, the care team and permitted staff.
        cls.clear = make_intake(cls.other_client_profile)

    def urls(self, intake):
        return {
            "outcome": reverse("intake:outcome", args=[intake.public_id]),
            "review": reverse("intake:review", args=[intake.public_id]),
        }

    def status(self, user, url):
        self.client.logout()
        if user is not None:
            self.login(user)
        return self.client.get(url).status_code

    def test_anonymous_visitors_are_sent_to_log_in_everywhere(self):
        urls = [
            *self.urls(self.waiting).values(),
            reverse("intake:clearance", args=[self.waiting.public_id]),
            reverse("intake:document", args=[self.record.public_id]),
            reverse("intake:review_queue"),
            reverse("intake:update"),
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_another_client_gets_not_found(self):
        for url in [
            *self.urls(self.waiting).values(),
            reverse("intake:document", args=[self.record.public_id]),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.status(self.other_client_user, url), 404)

    def test_front_desk_never_sees_health_data(self):
        for url in [
            *self.urls(self.waiting).values(),
            reverse("intake:clearance", args=[self.waiting.public_id]),
            reverse("intake:document", args=[self.record.public_id]),
            reverse("intake:review_queue"),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.status(self.front_desk_user, url), 403)

    def test_a_therapist_who_neither_treats_nor_reviews_is_refused(self):
        url = reverse("intake:review", args=[self.clear.public_id])

        self.assertEqual(self.status(self.therapist_user, url), 403)

    def test_a_reviewing_therapist_reads_intakes_waiting_for_review(self):
        for url in [
            reverse("intake:review", args=[self.waiting.public_id]),
            reverse("intake:clearance", args=[self.waiting.public_id]),
            reverse("intake:document", args=[self.record.public_id]),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.status(self.therapist_user, url), 200)

    def test_the_care_team_reads_its_clients_intake(self):
        self.assertEqual(self.status(self.carer.user, self.urls(self.waiting)["review"]), 200)

    def test_staff_with_the_permission_read_any_intake(self):
        self.assertEqual(self.status(self.staff, self.urls(self.clear)["review"]), 200)
        self.assertEqual(
            self.status(self.staff, reverse("intake:document", args=[self.record.public_id])), 200
        )

    def test_staff_without_the_permission_are_refused(self):
        self.assertEqual(self.status(self.admin_user, self.urls(self.clear)["review"]), 403)

    def test_the_client_reads_their_own_outcome_and_document(self):
        self.assertEqual(self.status(self.client_user, self.urls(self.waiting)["outcome"]), 200)
        url = reverse("intake:document", args=[self.record.public_id])
        self.assertEqual(self.status(self.client_user, url), 200)

    def test_the_document_is_an_uncached_attachment_and_its_download_is_logged(self):
        self.login(self.therapist_user)

        response = self.client.get(reverse("intake:document", args=[self.record.public_id]))

        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="clearance-2026-03-02.pdf"'
        )
        self.assertEqual(response["Cache-Control"], "no-store, private")
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertTrue(
            HealthDataAccess.objects.filter(
                user=self.therapist_user, intake=self.waiting, action="download"
            ).exists()
        )

    def test_intake_pages_are_never_cached(self):
        self.login(self.client_user)

        response = self.client.get(self.urls(self.waiting)["outcome"])

        self.assertEqual(response["Cache-Control"], "no-store, private")

    def test_viewing_an_intake_is_logged_with_who_and_what(self):
        self.login(self.carer.user)

        self.client.get(self.urls(self.waiting)["review"])

        row = HealthDataAccess.objects.get(user=self.carer.user)
        self.assertEqual(
            (row.client, row.intake, row.action, row.detail, row.at),
            (
                self.client_profile,
                self.waiting,
                "view",
                "review",
                NOW,
            ),
        )

    def test_review_pages_refuse_other_methods(self):
        self.login(self.therapist_user)

        self.assertEqual(self.client.put(self.urls(self.waiting)["review"]).status_code, 405)
        self.assertEqual(self.client.post(reverse("intake:review_queue")).status_code, 405)
        self.assertEqual(
            self.client.post(reverse("intake:document", args=[self.record.public_id])).status_code,
            405,
        )
