"""A health form started at the desk is for the client: front desk never reads the
previous answers, nor the ones just typed, unless the client confirms who they are."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from clinic.models import ClientProfile
from intake.models import HealthDataAccess, Intake
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake
from tests.intake.helpers import PAIN, health_answers

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
BIRTHDAY = date(1980, 5, 17)
# Free text from the previous version: no desk page may show it.
OLD_TEXT = ("Gardening on Sundays", "Old knee operation in 2019", "Warfarin five milligrams")
# Free text the client types at the desk today.
NEW_TEXT = ("Carrying the shopping", "Asthma as a child", "Inhaler when needed")


@time_machine.travel(NOW, tick=False)
class DeskPrivacyTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ClientProfile.objects.filter(pk=cls.client_profile.pk).update(date_of_birth=BIRTHDAY)
        cls.client_profile.refresh_from_db()
        cls.previous = make_intake(
            cls.client_profile,
            yes={"rash", "pregnancy"},
            worse_with=OLD_TEXT[0],
            other_conditions=OLD_TEXT[1],
            medications=OLD_TEXT[2],
        )

    def start_at_desk(self):
        self.login(self.front_desk_user)
        self.client.post(reverse("intake:desk_start", args=[self.client_profile.public_id]))
        return Intake.objects.get(client=self.client_profile, status="draft")

    def step_url(self, draft, number):
        return reverse("intake:step", args=[draft.public_id, number])

    def prefill_url(self, draft):
        return reverse("intake:prefill", args=[draft.public_id])

    def desk_pages(self, draft):
        return [self.client.get(self.step_url(draft, n)) for n in (1, 2, 3)]

    def assert_no_answers_shown(self, responses, texts):
        for response in responses:
            page = response.content.decode()
            for text in texts:
                self.assertNotIn(text, page)
            self.assertIsNone(
                re.search(r"<input[^>]*\schecked", page), "a saved answer is ticked on a desk page"
            )

    def client_types_steps_one_and_two(self, draft):
        self.client.post(
            self.step_url(draft, 1), {**PAIN, "worse_with": NEW_TEXT[0], "goals": "Walk"}
        )
        self.client.post(
            self.step_url(draft, 2),
            {
                **health_answers(yes={"varicose_veins"}),
                "other_conditions": NEW_TEXT[1],
                "medications": NEW_TEXT[2],
            },
        )

    def test_a_draft_started_at_the_desk_starts_empty(self):
        draft = self.start_at_desk()

        self.assertEqual(
            (draft.answers, draft.worse_with, draft.medications, draft.pain_areas),
            ({}, "", "", []),
        )

    def test_front_desk_never_reads_the_previous_answers_on_any_step(self):
        draft = self.start_at_desk()
        Intake.objects.filter(pk=draft.pk).update(steps_done=2)

        self.assert_no_answers_shown(self.desk_pages(draft), OLD_TEXT)

    def test_going_back_at_the_desk_does_not_show_the_answers_the_client_just_typed(self):
        draft = self.start_at_desk()
        self.client_types_steps_one_and_two(draft)

        responses = self.desk_pages(draft)

        self.assert_no_answers_shown(responses, NEW_TEXT)
        self.assertContains(responses[0], "This step is saved.")
        draft.refresh_from_db()
        self.assertEqual(draft.steps_done, 2)
        self.assertEqual(draft.medications, NEW_TEXT[2])

    def test_a_draft_the_client_started_online_shows_front_desk_blank_steps(self):
        self.login(self.client_user)
        self.client.post(reverse("intake:update"))
        draft = Intake.objects.get(client=self.client_profile, status="draft")
        self.assertEqual(draft.medications, OLD_TEXT[2])  # the client's own draft: prefilled
        self.login(self.front_desk_user)
        self.client.post(reverse("intake:desk_start", args=[self.client_profile.public_id]))

        self.assert_no_answers_shown(self.desk_pages(draft), OLD_TEXT)

    def test_the_client_confirms_their_date_of_birth_to_start_from_previous_answers(self):
        draft = self.start_at_desk()
        self.assertContains(
            self.client.get(self.step_url(draft, 1)), "type your date of birth first"
        )

        response = self.client.post(
            self.prefill_url(draft), {"date_of_birth": "1980-05-17"}, follow=True
        )

        self.assertRedirects(response, self.step_url(draft, 1))
        draft.refresh_from_db()
        self.assertEqual(
            (draft.answers, draft.worse_with, draft.medications, draft.steps_done),
            (self.previous.answers, OLD_TEXT[0], OLD_TEXT[2], 0),
        )
        self.assertContains(response, OLD_TEXT[0])
        self.assertContains(self.client.get(self.step_url(draft, 1)), OLD_TEXT[0])
        self.assertTrue(
            HealthDataAccess.objects.filter(
                user=self.front_desk_user, intake=self.previous, action="view"
            ).exists()
        )

    def test_previous_answers_fill_only_the_steps_not_saved_yet(self):
        draft = self.start_at_desk()
        self.client.post(self.step_url(draft, 1), {**PAIN, "worse_with": NEW_TEXT[0]})

        self.client.post(self.prefill_url(draft), {"date_of_birth": "1980-05-17"})

        draft.refresh_from_db()
        self.assertEqual((draft.worse_with, draft.medications), (NEW_TEXT[0], OLD_TEXT[2]))

    def test_a_wrong_date_of_birth_changes_nothing_and_says_so(self):
        draft = self.start_at_desk()

        response = self.client.post(
            self.prefill_url(draft), {"date_of_birth": "1981-05-17"}, follow=True
        )

        self.assertContains(response, "That date of birth does not match our records.")
        self.assertContains(response, "Tries left: 4.")
        draft.refresh_from_db()
        self.assertEqual((draft.answers, draft.medications), ({}, ""))
        self.assert_no_answers_shown(self.desk_pages(draft), OLD_TEXT)

    def test_garbled_input_is_a_clear_message_not_an_error_page(self):
        draft = self.start_at_desk()

        response = self.client.post(self.prefill_url(draft), {"date_of_birth": "soon"}, follow=True)

        self.assertContains(response, "Please type your date of birth as a date.")

    def test_after_five_wrong_dates_even_the_right_one_is_refused_in_a_new_session(self):
        draft = self.start_at_desk()
        for _ in range(5):
            self.client.post(self.prefill_url(draft), {"date_of_birth": "2000-01-01"})
        self.client.logout()
        self.login(self.front_desk_user)

        response = self.client.post(
            self.prefill_url(draft), {"date_of_birth": "1980-05-17"}, follow=True
        )

        self.assertContains(response, "Too many wrong dates of birth")
        draft.refresh_from_db()
        self.assertEqual(draft.medications, "")
        self.assertNotContains(response, OLD_TEXT[0])

    def test_a_client_without_a_date_of_birth_on_record_is_not_offered_previous_answers(self):
        ClientProfile.objects.filter(pk=self.client_profile.pk).update(date_of_birth=None)
        draft = self.start_at_desk()

        self.assertNotContains(self.client.get(self.step_url(draft, 1)), "date of birth")
        self.client.post(self.prefill_url(draft), {"date_of_birth": "1980-05-17"})
        draft.refresh_from_db()
        self.assertEqual(draft.medications, "")

    def test_the_client_logged_in_as_themselves_takes_previous_answers_without_a_date(self):
        draft = self.start_at_desk()
        self.login(self.client_user)

        self.assertContains(self.client.get(self.step_url(draft, 1)), "Use my previous answers")
        self.client.post(self.prefill_url(draft))

        draft.refresh_from_db()
        self.assertEqual(draft.medications, OLD_TEXT[2])

    def test_once_sent_front_desk_sees_only_that_the_form_is_done(self):
        draft = self.start_at_desk()
        self.client_types_steps_one_and_two(draft)

        response = self.client.post(
            self.step_url(draft, 3), {"agree": "on", "signature_name": "Ann Client"}, follow=True
        )

        self.assertRedirects(response, reverse("intake:desk_done", args=[draft.public_id]))
        self.assertContains(response, "Needs review")
        for text in (*NEW_TEXT, *OLD_TEXT, "varicose"):
            self.assertNotContains(response, text)

    def test_who_may_ask_for_previous_answers(self):
        draft = self.start_at_desk()
        url = self.prefill_url(draft)
        self.client.logout()
        self.assertTrue(self.client.post(url).url.startswith(reverse("login")))
        self.login(self.other_client_user)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_a_first_time_client_sees_the_answers_they_saved_after_confirming_who_they_are(self):
        ClientProfile.objects.filter(pk=self.other_client_profile.pk).update(date_of_birth=BIRTHDAY)
        self.login(self.front_desk_user)
        self.client.post(reverse("intake:desk_start", args=[self.other_client_profile.public_id]))
        draft = Intake.objects.get(client=self.other_client_profile)
        self.client_types_steps_one_and_two(draft)
        self.assert_no_answers_shown(self.desk_pages(draft), NEW_TEXT)
        self.assertContains(self.client.get(self.step_url(draft, 2)), "See the answers you saved?")

        response = self.client.post(
            self.prefill_url(draft), {"date_of_birth": "1980-05-17"}, follow=True
        )

        self.assertContains(response, "your saved answers are shown again")
        self.assertContains(self.client.get(self.step_url(draft, 1)), NEW_TEXT[0])
        self.assertContains(self.client.get(self.step_url(draft, 2)), NEW_TEXT[2])
