"""The three questionnaire steps: saving, validation, resuming and the final submit."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from intake.models import Condition, HealthDataAccess, Intake
from tests.base import ClinicTestCase, make_client
from tests.intake.factories import make_intake
from tests.intake.helpers import PAIN, health_answers

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@time_machine.travel(NOW, tick=False)
class QuestionnaireTests(ClinicTestCase):
    def setUp(self):
        self.login(self.client_user)

    def start(self):
        response = self.client.post(reverse("intake:start"))
        intake = Intake.objects.get(client=self.client_profile, status="draft")
        self.assertRedirects(response, reverse("intake:step", args=[intake.public_id, 1]))
        return intake

    def step_url(self, intake, number):
        return reverse("intake:step", args=[intake.public_id, number])

    def test_start_page_invites_a_new_client_to_begin(self):
        response = self.client.get(reverse("intake:start"))

        self.assertContains(response, "Start my health form")
        self.assertEqual(response["Cache-Control"], "no-store, private")

    def test_anonymous_visitor_is_sent_to_log_in(self):
        self.client.logout()

        response = self.client.get(reverse("intake:start"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_start_page_is_for_clients_only(self):
        self.login(self.front_desk_user)

        self.assertEqual(self.client.get(reverse("intake:start")).status_code, 403)

    def test_start_refuses_other_methods(self):
        self.assertEqual(self.client.put(reverse("intake:start")).status_code, 405)

    def test_starting_twice_makes_one_draft(self):
        first = self.start()
        self.client.post(reverse("intake:start"))

        self.assertEqual(Intake.objects.filter(client=self.client_profile).count(), 1)
        self.assertEqual(first.version, 1)

    def test_pain_step_shows_the_body_map_and_its_checkboxes(self):
        intake = self.start()

        response = self.client.get(self.step_url(intake, 1))

        self.assertContains(response, 'data-area="lower_back"', count=1)
        self.assertContains(response, 'name="pain_areas" value="lower_back"')
        self.assertContains(response, "intake/body_map.js")
        self.assertContains(response, 'aria-current="step"')

    def test_pain_step_saves_and_moves_on(self):
        intake = self.start()

        response = self.client.post(self.step_url(intake, 1), PAIN)

        self.assertRedirects(response, self.step_url(intake, 2))
        intake.refresh_from_db()
        self.assertEqual(
            (intake.pain_areas, intake.pain_onset, intake.pain_now, intake.pain_worst),
            (
                ["lower_back", "hips"],
                date(2026, 2, 1),
                6,
                8,
            ),
        )
        self.assertEqual(intake.steps_done, 1)

    def test_pain_step_rejects_a_future_onset_date(self):
        intake = self.start()

        response = self.client.post(self.step_url(intake, 1), {**PAIN, "pain_onset": "2026-03-03"})

        self.assertContains(response, "This date is in the future.")
        intake.refresh_from_db()
        self.assertEqual((intake.steps_done, intake.pain_onset), (0, None))

    def test_pain_step_rejects_worst_pain_below_pain_now(self):
        intake = self.start()

        response = self.client.post(self.step_url(intake, 1), {**PAIN, "pain_worst": "3"})

        self.assertContains(response, "cannot be lower than your pain now")

    def test_pain_step_rejects_scores_outside_zero_to_ten(self):
        intake = self.start()

        response = self.client.post(self.step_url(intake, 1), {**PAIN, "pain_now": "11"})

        self.assertEqual(response.status_code, 200)
        self.assertIn("pain_now", response.context["form"].errors)

    def test_pain_step_asks_for_at_least_one_area(self):
        intake = self.start()
        data = {k: v for k, v in PAIN.items() if k != "pain_areas"}

        response = self.client.post(self.step_url(intake, 1), data)

        self.assertContains(response, "Please tick at least one area.")

    def test_a_later_step_cannot_be_skipped_to(self):
        intake = self.start()

        response = self.client.get(self.step_url(intake, 3))

        self.assertRedirects(response, self.step_url(intake, 1))

    def test_unanswered_health_question_is_never_taken_as_no(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)

        response = self.client.post(
            self.step_url(intake, 2), health_answers(skip={"saddle_numbness"})
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["q_saddle_numbness"], ["Please answer yes or no."]
        )
        intake.refresh_from_db()
        self.assertEqual(intake.answers, {})

    def test_a_question_added_while_filling_in_must_be_answered_even_if_another_was_retired(
        self,
    ):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)
        self.client.post(self.step_url(intake, 2), health_answers())
        Condition.objects.filter(code="rash").update(active=False)
        Condition.objects.create(
            code="new_question",
            category="clearance",
            question="A new question?",
            client_reason="New.",
            guidance="New.",
        )

        response = self.client.post(
            self.step_url(intake, 3), {"agree": "on", "signature_name": "Ann Client"}
        )

        self.assertRedirects(response, self.step_url(intake, 2))
        intake.refresh_from_db()
        self.assertEqual(intake.status, "draft")

    def test_health_questions_have_no_default_answer_and_urgent_ones_come_first(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)

        response = self.client.get(self.step_url(intake, 2))

        self.assertFalse(
            re.search(r'<input type="radio"[^>]*\bchecked\b', response.content.decode())
        )
        fields = list(response.context["form"].fields)
        self.assertEqual(fields[0], "q_saddle_numbness")
        self.assertGreater(fields.index("q_fever"), fields.index("q_pregnancy_warning_signs"))

    def test_other_serious_condition_needs_a_few_words(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)

        response = self.client.post(
            self.step_url(intake, 2), health_answers(yes={"other_serious_condition"})
        )

        self.assertContains(response, "Please add a few words")

    def test_consent_needs_the_name_on_the_profile(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)
        self.client.post(self.step_url(intake, 2), health_answers())

        response = self.client.post(
            self.step_url(intake, 3), {"agree": "on", "signature_name": "Someone Else"}
        )

        self.assertContains(response, "Please type your name as it appears")
        intake.refresh_from_db()
        self.assertEqual(intake.status, "draft")

    def test_completing_the_form_screens_it_and_shows_the_outcome(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)
        self.client.post(self.step_url(intake, 2), health_answers(yes={"varicose_veins"}))

        response = self.client.post(
            self.step_url(intake, 3), {"agree": "on", "signature_name": "  ann   CLIENT "}
        )

        self.assertRedirects(response, reverse("intake:outcome", args=[intake.public_id]))
        intake.refresh_from_db()
        self.assertEqual(
            (intake.status, intake.is_current, intake.outcome), ("completed", True, "review")
        )
        self.assertEqual(intake.signature_name, "ann CLIENT")
        self.assertEqual(intake.signed_on, date(2026, 3, 2))
        self.assertEqual(
            list(intake.flags.values_list("code", "category")), [("varicose_veins", "local")]
        )
        self.assertEqual(intake.suggested_technique, "swedish")

    def test_a_double_submit_makes_one_completed_intake(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)
        self.client.post(self.step_url(intake, 2), health_answers(yes={"rash"}))
        consent = {"agree": "on", "signature_name": "Ann Client"}

        self.client.post(self.step_url(intake, 3), consent)
        response = self.client.post(self.step_url(intake, 3), consent)

        self.assertRedirects(response, reverse("intake:outcome", args=[intake.public_id]))
        self.assertEqual(Intake.objects.filter(client=self.client_profile).count(), 1)
        self.assertEqual(intake.flags.count(), 1)

    def test_a_half_finished_form_resumes_at_the_first_unsaved_step(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)

        response = self.client.get(reverse("intake:start"))

        self.assertRedirects(response, self.step_url(intake, 2))

    def test_going_back_shows_the_saved_answers(self):
        intake = self.start()
        self.client.post(self.step_url(intake, 1), PAIN)

        response = self.client.get(self.step_url(intake, 1))

        self.assertContains(response, 'value="2026-02-01"')

    def test_each_step_view_and_save_is_logged(self):
        intake = self.start()
        self.client.get(self.step_url(intake, 1))
        self.client.post(self.step_url(intake, 1), PAIN)

        rows = list(
            HealthDataAccess.objects.filter(intake=intake)
            .order_by("pk")
            .values_list("user__email", "action", "detail")
        )
        self.assertEqual(
            rows,
            [
                ("client@example.com", "change", "started a new version"),
                ("client@example.com", "view", "step 1"),  # assertRedirects fetched it
                ("client@example.com", "view", "step 1"),
                ("client@example.com", "change", "step 1"),
            ],
        )

    def test_another_client_cannot_open_the_draft(self):
        intake = self.start()
        self.login(self.other_client_user)

        self.assertEqual(self.client.get(self.step_url(intake, 1)).status_code, 404)

    def test_a_therapist_cannot_fill_in_a_clients_draft(self):
        intake = self.start()
        self.login(self.therapist_user)

        self.assertEqual(self.client.get(self.step_url(intake, 1)).status_code, 403)

    def test_step_refuses_other_methods(self):
        intake = self.start()

        self.assertEqual(self.client.delete(self.step_url(intake, 1)).status_code, 405)


@time_machine.travel(NOW, tick=False)
class MinorConsentTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.teen = make_client(
            "teen@example.com", first_name="Tia", last_name="Young", date_of_birth=date(2010, 3, 3)
        )

    def test_a_client_under_18_needs_a_guardians_name_and_consent(self):
        self.login(self.teen)
        self.client.post(reverse("intake:start"))
        intake = Intake.objects.get(client=self.teen.client_profile)
        url = reverse("intake:step", args=[intake.public_id, 3])
        self.client.post(reverse("intake:step", args=[intake.public_id, 1]), PAIN)
        self.client.post(reverse("intake:step", args=[intake.public_id, 2]), health_answers())

        response = self.client.post(url, {"agree": "on", "signature_name": "Tia Young"})

        self.assertContains(response, "Please give the name of a parent or guardian.")
        self.assertContains(response, "A parent or guardian needs to agree")
        response = self.client.post(
            url,
            {
                "agree": "on",
                "signature_name": "Tia Young",
                "guardian_name": "Gil Young",
                "guardian_consent": "on",
            },
        )
        intake.refresh_from_db()
        self.assertEqual(
            (intake.status, intake.guardian_name, intake.guardian_consent),
            (
                "completed",
                "Gil Young",
                True,
            ),
        )


@time_machine.travel(NOW, tick=False)
class VersionTests(ClinicTestCase):
    def test_an_update_starts_from_the_previous_answers_and_keeps_the_old_version(self):
        old = make_intake(self.client_profile, yes={"rash"}, pain_now=4, goals="Garden again")
        self.login(self.client_user)

        response = self.client.post(reverse("intake:update"))

        new = Intake.objects.get(client=self.client_profile, status="draft")
        self.assertRedirects(response, reverse("intake:step", args=[new.public_id, 1]))
        self.assertEqual(
            (new.version, new.pain_now, new.goals, new.answers),
            (
                2,
                4,
                "Garden again",
                old.answers,
            ),
        )
        old.refresh_from_db()
        self.assertIs(old.is_current, True)

    def test_completing_the_update_retires_the_old_version(self):
        old = make_intake(self.client_profile, yes={"rash"})
        new = make_intake(self.client_profile)

        old.refresh_from_db()
        self.assertEqual((old.is_current, new.is_current, new.version), (False, True, 2))
        self.assertEqual(Intake.objects.current_for(self.client_profile), new)

    def test_the_update_returns_to_a_safe_next_url(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        self.client.post(reverse("intake:update") + "?next=/bookings/check-in/abc/")
        draft = Intake.objects.get(client=self.client_profile, status="draft")
        self.client.post(reverse("intake:step", args=[draft.public_id, 1]), PAIN)
        self.client.post(reverse("intake:step", args=[draft.public_id, 2]), health_answers())

        response = self.client.post(
            reverse("intake:step", args=[draft.public_id, 3]),
            {"agree": "on", "signature_name": "Ann Client"},
        )

        self.assertEqual(response["Location"], "/bookings/check-in/abc/")

    def test_the_update_ignores_an_unsafe_next_url(self):
        make_intake(self.client_profile)
        self.login(self.client_user)

        self.client.post(reverse("intake:update"), {"next": "https://evil.example.com/"})

        self.assertEqual(
            Intake.objects.get(client=self.client_profile, status="draft").return_url, ""
        )

    def test_a_database_constraint_allows_one_current_intake_per_client(self):
        from django.db import IntegrityError, transaction

        make_intake(self.client_profile)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Intake.objects.create(
                client=self.client_profile, version=9, status="completed", is_current=True
            )
