"""A client's own copy of their data: a ZIP with data.json, copy.pdf and the documents."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

from django.test import override_settings
from django.urls import reverse

from clinic.export import SCHEMA_VERSION
from clinic.models import ClientProfile
from intake.export import document_name
from intake.models import HealthDataAccess
from tests.base import ClinicTestCase
from tests.clinic.privacy_data import DOCUMENT, MEDIA, fill_client

MY_DATA = reverse("my_data")
SECTIONS = {
    "profile",
    "account_events",
    "account_messages",
    "health_forms",
    "access_log",
    "health_messages",
    "appointments",
    "plans",
    "visits",
    "reassessments",
    "day_of_checks",
    "after_visit_replies",
    "booking_messages",
}


def read_zip(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return archive, json.loads(archive.read("data.json"))


@override_settings(MEDIA_ROOT=MEDIA)
class ClientDownloadsTheirCopyTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ann = fill_client(
            cls, cls.client_profile, marker="ANN-1", therapist=cls.therapist, room=cls.room
        )
        cls.olga = fill_client(
            cls,
            cls.other_client_profile,
            marker="OLGA-2",
            therapist=cls.therapist,
            room=cls.room,
            shift=3,
        )

    def download(self):
        self.login(self.client_user)
        response = self.client.post(MY_DATA)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertEqual(response["Cache-Control"], "no-store, private")
        return read_zip(response)

    def test_anonymous_users_are_sent_to_log_in(self):
        self.assertRedirects(self.client.get(MY_DATA), f"{reverse('login')}?next={MY_DATA}")
        response = self.client.post(MY_DATA)
        self.assertEqual(response.status_code, 302)

    def test_staff_have_no_copy_of_their_own_to_take(self):
        for user in (self.therapist_user, self.front_desk_user, self.admin_user):
            self.login(user)
            self.assertEqual(self.client.post(MY_DATA).status_code, 404)

    def test_other_methods_are_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.put(MY_DATA).status_code, 405)

    def test_the_page_says_what_the_copy_holds_and_makes_nothing(self):
        self.login(self.client_user)
        response = self.client.get(MY_DATA)
        self.assertContains(response, "Download my data")
        self.assertFalse(
            HealthDataAccess.objects.filter(action="download", client=self.client_profile).exists()
        )

    def test_the_zip_holds_every_section_a_pdf_and_the_documents(self):
        archive, data = self.download()
        self.assertEqual(data["schema_version"], SCHEMA_VERSION)
        self.assertEqual(data["client"], str(self.client_profile.public_id))
        self.assertLessEqual(SECTIONS, set(data))
        self.assertTrue(archive.read("copy.pdf").startswith(b"%PDF"))
        name = document_name(self.ann["clearance"])
        self.assertEqual(archive.read(name), DOCUMENT)
        self.assertIn("README.txt", archive.namelist())

    def test_every_health_form_version_comes_with_answers_flags_decisions_and_clearances(self):
        _, data = self.download()
        forms = data["health_forms"]
        self.assertEqual([f["version"] for f in forms], [1, 2])
        self.assertEqual(forms[0]["medications"], "old ANN-1")
        latest = forms[1]
        self.assertEqual(latest["goals"], "goals ANN-1")
        diabetes = next(a for a in latest["answers"] if a["code"] == "diabetes")
        self.assertEqual(diabetes["answer"], "yes")
        self.assertTrue(diabetes["question"])
        self.assertEqual([f["code"] for f in latest["flags"]], ["diabetes"])
        self.assertEqual(latest["decisions"][0]["notes"], "review ANN-1")
        clearance = latest["clearances"][0]
        self.assertEqual(clearance["note"], "clearance ANN-1")
        self.assertEqual(clearance["document"], document_name(self.ann["clearance"]))

    def test_appointments_plans_visits_check_ins_and_messages_are_there(self):
        _, data = self.download()
        appointments = {a["reference"]: a for a in data["appointments"]}
        self.assertEqual(
            set(appointments),
            {self.ann["past"].pk, self.ann["upcoming"].pk, self.ann["cancelled"].pk},
        )
        self.assertIsNotNone(appointments[self.ann["past"].pk]["checked_in_at"])
        self.assertEqual(appointments[self.ann["cancelled"].pk]["cancel_reason"], "reason ANN-1")
        self.assertEqual(appointments[self.ann["past"].pk]["price"], "50.00")
        self.assertEqual(data["plans"][0]["notes"], "plan ANN-1")
        self.assertEqual(data["visits"][0]["pain_score"], 4)
        self.assertEqual(data["visits"][0]["notes"], "visit ANN-1")
        self.assertEqual(data["visits"][0]["pain_after"], 3)
        self.assertEqual(data["visits"][0]["client_reports"], "reports ANN-1")
        self.assertEqual(data["visits"][0]["amendments"][0]["text"], "amendment ANN-1")
        self.assertEqual(data["reassessments"][0]["activity"], "activity ANN-1")
        self.assertEqual(data["reassessments"][0]["pain_now"], 4)
        self.assertEqual(data["day_of_checks"][0]["note"], "day-of ANN-1")
        self.assertTrue(data["day_of_checks"][0]["painkillers_today"])
        self.assertEqual(data["after_visit_replies"][0]["your_words"], "aftercare ANN-1")
        self.assertEqual(
            [m["message"] for m in data["booking_messages"]],
            ["appointment: booked", "plan booked"],
        )
        self.assertEqual(len(data["health_messages"]), 1)
        account = data["account_messages"]
        self.assertEqual([m["to"] for m in account], ["client@example.com"])
        self.assertNotIn("secret-ANN-1", json.dumps(data))  # the link itself stays out

    def test_the_access_log_shows_who_looked_and_the_copy_itself_is_logged(self):
        _, data = self.download()
        who = [row["who"] for row in data["access_log"]]
        self.assertIn(self.therapist_user.get_full_name(), who)
        self.assertTrue(
            HealthDataAccess.objects.filter(
                client=self.client_profile, user=self.client_user, action="download"
            ).exists()
        )

    def test_another_clients_data_is_nowhere_in_the_copy(self):
        archive, data = self.download()
        text = json.dumps(data)
        self.assertNotIn("OLGA-2", text)
        self.assertNotIn("Olga", text)
        olga_doc = document_name(self.olga["clearance"])
        self.assertNotIn(olga_doc, archive.namelist())
        for name in archive.namelist():
            self.assertNotIn(b"OLGA-2", archive.read(name))


@override_settings(MEDIA_ROOT=MEDIA)
class FrontDeskMakesACopyTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.walk_in = ClientProfile.objects.create(
            first_name="Wally", last_name="Walkin", phone="07700 900321"
        )
        cls.data = fill_client(
            cls, cls.walk_in, marker="WALLY-3", therapist=cls.therapist, room=cls.room
        )
        cls.url = reverse("client_export", args=[cls.walk_in.public_id])

    def post_birth_date(self, day):
        return self.client.post(self.url, {"date_of_birth": day})

    def test_only_front_desk_and_owners_reach_it(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        for user in (self.client_user, self.therapist_user, self.admin_user):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.post_birth_date("1980-05-17").status_code, 403)

    def test_the_form_asks_for_the_date_of_birth_and_shows_nothing_held(self):
        self.login(self.front_desk_user)
        response = self.client.get(self.url)
        self.assertContains(response, 'name="date_of_birth"')
        self.assertNotContains(response, "WALLY-3")

    def test_the_right_date_of_birth_gives_the_copy_and_it_is_logged(self):
        self.login(self.front_desk_user)
        response = self.post_birth_date("1980-05-17")
        self.assertEqual(response["Content-Type"], "application/zip")
        _, data = read_zip(response)
        self.assertEqual(data["health_forms"][-1]["goals"], "goals WALLY-3")
        row = HealthDataAccess.objects.get(client=self.walk_in, action="download")
        self.assertEqual(row.user, self.front_desk_user)
        self.assertIn("date of birth", row.detail)

    def test_a_wrong_date_of_birth_is_refused_counted_and_logged(self):
        self.login(self.front_desk_user)
        response = self.post_birth_date("1980-05-18")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "does not match our records")
        self.assertContains(response, "Tries left: 4")
        self.assertFalse(HealthDataAccess.objects.filter(action="download").exists())
        self.assertEqual(
            HealthDataAccess.objects.filter(client=self.walk_in, action="refused").count(), 1
        )

    def test_an_empty_or_impossible_date_is_not_a_try(self):
        self.login(self.front_desk_user)
        for value in ("", "1980-02-31", "x" * 500):
            response = self.post_birth_date(value)
            self.assertEqual(response.status_code, 200)
        self.assertFalse(HealthDataAccess.objects.filter(action__in=["refused", "download"]))

    def test_after_five_wrong_dates_even_the_right_one_is_refused(self):
        self.login(self.front_desk_user)
        for _ in range(5):
            self.post_birth_date(date(1999, 1, 1).isoformat())
        response = self.post_birth_date("1980-05-17")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Too many wrong dates of birth")
        self.assertFalse(HealthDataAccess.objects.filter(action="download").exists())

    def test_wrong_dates_at_the_health_form_do_not_count_against_the_copy(self):
        intake = self.data["intake"]
        HealthDataAccess.objects.bulk_create(
            HealthDataAccess(client=self.walk_in, intake=intake, action="refused") for _ in range(5)
        )
        self.login(self.front_desk_user)
        response = self.post_birth_date("1980-05-17")
        self.assertEqual(response["Content-Type"], "application/zip")

    def test_a_client_with_an_account_downloads_it_themselves(self):
        self.login(self.front_desk_user)
        url = reverse("client_export", args=[self.client_profile.public_id])
        self.assertContains(self.client.get(url), "has an online account")
        response = self.client.post(url, {"date_of_birth": "1980-05-17"})
        self.assertNotEqual(response.get("Content-Type"), "application/zip")
        self.assertFalse(HealthDataAccess.objects.filter(action__in=["refused", "download"]))

    def test_a_client_without_a_date_of_birth_cannot_be_checked(self):
        ClientProfile.objects.filter(pk=self.walk_in.pk).update(date_of_birth=None)
        self.login(self.front_desk_user)
        self.assertContains(self.client.get(self.url), "no date of birth")
        response = self.post_birth_date("1980-05-17")
        self.assertNotEqual(response.get("Content-Type"), "application/zip")
