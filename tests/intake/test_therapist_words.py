"""What therapists stumbled on: codes in words, a clearance offered only where needed,
an expired note refused, the week in the menu."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from intake.models import Clearance
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake, record_clearance

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@time_machine.travel(NOW, tick=False)
class CodesInWordsTests(ClinicTestCase):
    def test_queue_and_review_show_conditions_areas_and_character_in_words(self):
        intake = make_intake(
            self.client_profile,
            yes={"varicose_veins", "anticoagulant_medication"},
            pain_areas=["lower_back"],
            pain_character=["dull_ache"],
            tried=["physical_therapy", "heat_cold"],
        )
        self.login(self.therapist_user)

        queue = self.client.get(reverse("intake:review_queue"))
        page = self.client.get(reverse("intake:review", args=[intake.public_id]))

        for response in (queue, page):
            self.assertContains(response, "Varicose veins")
            self.assertNotContains(response, ">varicose_veins<")
            self.assertNotContains(response, "varicose_veins</")
        self.assertContains(page, "Lower back")
        self.assertContains(page, "A dull ache")
        self.assertContains(page, "Physiotherapy, Heat or cold")
        body = page.content.decode()
        # Codes stay only in data attributes, never in what people read.
        visible = (
            re.sub(r'value="[a-z_]+"', "", body)
            .replace('data-flag="varicose_veins"', "")
            .replace('data-flag="anticoagulant_medication"', "")
        )
        for code in (
            "varicose_veins",
            "anticoagulant_medication",
            "lower_back",
            "dull_ache",
            "physical_therapy",
        ):
            self.assertNotIn(code, visible)
        self.assertContains(page, "Local")  # the category in words, not "local"

    def test_clearance_form_and_records_name_conditions_in_words(self):
        intake = make_intake(self.client_profile, yes={"dvt_history"})
        record_clearance(intake, codes=["dvt_history"], by=self.therapist_user)
        self.login(self.therapist_user)

        form = self.client.get(reverse("intake:clearance", args=[intake.public_id]))
        page = self.client.get(reverse("intake:review", args=[intake.public_id]))

        self.assertContains(form, "Dvt history")
        self.assertNotContains(form, ">dvt history<")
        self.assertContains(page, "<strong>Dvt history</strong>", html=False)
        self.assertIn("dvt history", str(Clearance.objects.get()))


@time_machine.travel(NOW, tick=False)
class ClearanceOfferedOnlyWhenNeededTests(ClinicTestCase):
    def review(self, intake):
        self.login(self.therapist_user)
        return self.client.get(reverse("intake:review", args=[intake.public_id]))

    def test_no_clearance_offered_when_no_flag_needs_one(self):
        intake = make_intake(self.client_profile, yes={"varicose_veins"})
        response = self.review(intake)
        self.assertNotContains(response, "Record a clearance")
        self.assertEqual(response.context["clearance_missing"], [])

    def test_offered_when_a_flag_needs_one_and_none_is_valid(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        response = self.review(intake)
        self.assertContains(response, "Record a clearance")
        self.assertEqual(response.context["clearance_missing"], ["Diabetes"])

    def test_not_offered_once_a_valid_clearance_covers_it(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        record_clearance(intake, codes=["diabetes"], by=self.therapist_user)
        response = self.review(intake)
        self.assertNotContains(response, "Record a clearance")
        clearance_page = self.client.get(reverse("intake:clearance", args=[intake.public_id]))
        self.assertContains(clearance_page, "no need to record another")

    def test_offered_again_and_marked_expired_when_the_clearance_has_run_out(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        record_clearance(
            intake, codes=["diabetes"], by=self.therapist_user, received=date(2024, 1, 10)
        )
        response = self.review(intake)
        self.assertContains(response, "Record a clearance")
        self.assertContains(response, "Expired")

    def test_a_note_dated_years_ago_is_refused_and_nothing_is_saved(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        self.login(self.therapist_user)
        response = self.client.post(
            reverse("intake:clearance", args=[intake.public_id]),
            {"codes": ["diabetes"], "received_on": "2019-05-01", "note": "Old letter."},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "has expired")
        self.assertFalse(Clearance.objects.exists())


class TherapistMenuTests(ClinicTestCase):
    def test_the_menu_has_the_week(self):
        self.login(self.therapist_user)
        response = self.client.get(reverse("therapist_today"))
        self.assertContains(response, f'href="{reverse("bookings:therapist_week")}"')
        self.assertContains(response, ">Week</a>")

    def test_clients_do_not_get_the_week(self):
        self.login(self.client_user)
        response = self.client.get(reverse("client_dashboard"))
        self.assertNotContains(response, ">Week</a>")


@time_machine.travel(NOW, tick=False)
class BackOfficeWordsTests(ClinicTestCase):
    def test_the_intake_page_in_the_back_office_names_flags_and_areas_in_words(self):
        intake = make_intake(self.client_profile, yes={"varicose_veins"})
        from intake.review import record_decision

        record_decision(
            intake=intake,
            by=self.therapist_user,
            decision="cleared_with_changes",
            avoid_areas=["lower_back"],
            pressure_limit="",
            notes="",
            reason="",
        )
        self.admin_user.is_superuser = True
        self.admin_user.save()
        self.login(self.admin_user)
        response = self.client.get(reverse("admin:intake_intake_change", args=[intake.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Varicose veins")
        self.assertContains(response, "Lower back")


@time_machine.travel(NOW, tick=False)
class ClearanceChoicesTests(ClinicTestCase):
    def test_the_form_offers_only_the_conditions_that_need_a_clearance(self):
        intake = make_intake(self.client_profile, yes={"diabetes", "varicose_veins"})
        self.login(self.therapist_user)
        url = reverse("intake:clearance", args=[intake.public_id])
        response = self.client.get(url)
        self.assertEqual(
            response.context["form"].fields["codes"].choices, [("diabetes", "Diabetes")]
        )
        self.assertContains(response, "Needed for: diabetes.")
        posted = self.client.post(
            url, {"codes": ["varicose_veins"], "received_on": "2026-03-01", "note": "Fine."}
        )
        self.assertEqual(posted.status_code, 200)
        self.assertFalse(Clearance.objects.exists())
