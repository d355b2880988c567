"""Pain areas are stored as codes (``lower_back``) but every page shows the words."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from intake.models import PainArea, Review, pain_area_labels
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


class PainAreaLabelTests(ClinicTestCase):
    def test_each_code_becomes_its_label_in_order(self):
        self.assertEqual(
            pain_area_labels(["lower_back", "neck", "middle_back"]),
            ["Lower back", "Neck", "Middle back"],
        )

    def test_every_area_has_words_that_are_not_its_code(self):
        for code, label in PainArea.choices:
            with self.subTest(code=code):
                self.assertEqual(pain_area_labels([code]), [label])
                self.assertNotIn("_", label)

    def test_an_area_no_longer_offered_is_still_readable(self):
        self.assertEqual(pain_area_labels(["left_knee", " "]), ["Left knee"])

    def test_nothing_gives_an_empty_list(self):
        self.assertEqual(pain_area_labels(None), [])
        self.assertEqual(pain_area_labels([]), [])


@time_machine.travel(NOW, tick=False)
class PagesShowWordsTests(ClinicTestCase):
    def setUp(self):
        self.intake = make_intake(
            self.client_profile,
            yes={"varicose_veins"},
            pain_areas=["lower_back", "upper_back"],
            pain_character=["dull_ache", "stiffness"],
        )
        review = Review.objects.create(
            intake=self.intake,
            reviewer=self.therapist.user,
            decision="cleared_with_changes",
            avoid_areas=["legs", "lower_back"],
            pressure_limit="light",
        )
        self.intake.decision = review.decision
        self.intake.decided_at = review.created_at
        self.intake.save(update_fields=["decision", "decided_at"])

    def test_the_client_reads_where_it_hurts_and_what_is_left_out_in_words(self):
        self.login(self.client_user)

        response = self.client.get(reverse("intake:outcome", args=[self.intake.public_id]))

        self.assertContains(response, "<dd>Lower back, Upper back</dd>", html=True)
        self.assertContains(response, "leaving out these areas: legs, lower back and keeping")
        self.assertNotContains(response, "lower_back")
        self.assertNotContains(response, "upper_back")

    def test_the_reviewing_therapist_reads_words_too(self):
        self.client_profile.care_team.add(self.therapist)
        self.login(self.therapist.user)

        response = self.client.get(reverse("intake:review", args=[self.intake.public_id]))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Lower back, Upper back")
        self.assertContains(response, "avoid legs, lower back")
        self.assertContains(response, "A dull ache, Stiffness")
        self.assertNotContains(response, "dull_ache")
        # Only the decision form's tick boxes carry the codes, as their values.
        self.assertContains(response, "lower_back", count=1)
        self.assertContains(response, 'value="lower_back"', count=1)
