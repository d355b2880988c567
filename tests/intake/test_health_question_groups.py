"""Step 2's health questions come in groups, one fieldset with a heading per category."""

import re

from django.urls import reverse

from intake.forms.questionnaire import QUESTION_GROUPS, HealthForm, question_groups
from intake.models import Condition, Intake
from tests.base import ClinicTestCase


class HealthQuestionGroupTests(ClinicTestCase):
    def test_every_active_question_is_in_exactly_one_group_strongest_first(self):
        conditions = list(Condition.objects.filter(active=True))
        groups = question_groups(conditions)
        codes = [c.code for _, group in groups for c in group]
        self.assertEqual(sorted(codes), sorted(c.code for c in conditions))
        self.assertEqual(len(codes), len(set(codes)))
        self.assertEqual([h for h, _ in groups], list(QUESTION_GROUPS.values()))
        self.assertTrue(all(c.category == "refer" for c in groups[0][1]))

    def test_the_page_shows_a_fieldset_and_legend_per_group(self):
        self.login(self.client_user)
        intake = Intake.objects.create(client=self.client_profile, steps_done=1)
        response = self.client.get(reverse("intake:step", args=[intake.public_id, 2]))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        for heading in QUESTION_GROUPS.values():
            self.assertIn(heading, body)
        self.assertGreaterEqual(len(re.findall(r"<fieldset", body)), len(QUESTION_GROUPS) + 1)
        # The red-flag questions come first on the page.
        first = body.index("Symptoms to check first")
        self.assertLess(first, body.index("How you are at the moment"))

    def test_a_category_a_clinic_adds_later_still_has_a_group(self):
        condition = Condition(code="x", category="odd", question="?")
        self.assertEqual(question_groups([condition])[0][0], "Other questions")
        form = HealthForm(conditions=[])
        self.assertIn("other_conditions", form.fields)
