"""The outcome page: plain words for each outcome, each flag's reason, never a diagnosis."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from intake.models import Intake
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
SAFETY = "This is a safety check before massage, not a medical assessment."


@time_machine.travel(NOW, tick=False)
class OutcomePageTests(ClinicTestCase):
    def setUp(self):
        self.login(self.client_user)

    def page(self, **kwargs):
        intake = make_intake(self.client_profile, **kwargs)
        response = self.client.get(reverse("intake:outcome", args=[intake.public_id]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, SAFETY)
        return response

    def test_clear_outcome_says_nothing_more_is_needed(self):
        response = self.page()

        self.assertContains(response, 'data-outcome="clear"')
        self.assertContains(response, "Nothing more is needed.")

    def test_review_outcome_opens_booking_and_gives_each_reason(self):
        response = self.page(yes={"varicose_veins", "pregnancy"})

        self.assertContains(response, 'data-outcome="review"')
        self.assertContains(response, "A therapist will read your answers before your visit")
        self.assertContains(response, "You told us you have varicose veins.")
        self.assertContains(response, "You told us you are pregnant", count=1)

    def test_clearance_outcome_says_what_the_note_must_say_and_how_to_send_it(self):
        response = self.page(yes={"diabetes"})

        self.assertContains(response, 'data-outcome="clearance"')
        self.assertContains(response, "that massage is suitable for you")
        self.assertContains(response, "Bring it to the clinic")
        self.assertContains(response, "Booking opens once a therapist has recorded it.")

    def test_defer_outcome_gives_the_day_booking_opens_again(self):
        response = self.page(yes={"fever"})

        self.assertContains(response, 'data-outcome="defer"')
        self.assertContains(response, "Booking opens again on <strong>9 March 2026</strong>")
        self.assertContains(response, "update your health form")

    def test_urgent_refer_outcome_gives_emergency_numbers_and_no_booking(self):
        response = self.page(yes={"saddle_numbness", "rash"})

        self.assertContains(response, 'data-outcome="refer"')
        self.assertContains(response, "Please get urgent medical care today.")
        self.assertContains(response, '<a href="tel:999"><strong>999</strong></a>', html=True)
        self.assertContains(response, '<a href="tel:111"><strong>111</strong></a>', html=True)
        self.assertNotContains(response, "Book a visit")
        self.assertNotContains(response, "Suggested treatment")
        other = response.content.decode().split("data-other-flags")[1]
        self.assertIn("You told us you have a rash.", other)

    def test_no_page_names_a_diagnosis_to_the_client(self):
        for yes in ({"suspected_dvt"}, {"fever_with_back_pain"}, {"dvt_history"}):
            with self.subTest(yes=yes):
                response = self.page(yes=yes)
                text = response.content.decode().lower()
                self.assertNotIn("clot", text.split("your answers")[0])
                self.assertNotIn("infection", text)

    def test_the_suggested_technique_follows_the_intake_rule(self):
        response = self.page(onset=datetime(2025, 11, 1).date(), pain_now=5)

        self.assertContains(response, "<strong>Deep tissue massage</strong>")
        self.assertContains(response, "for 12 weeks or more")

    def test_an_old_version_is_shown_read_only(self):
        old = make_intake(self.client_profile, yes={"rash"})
        make_intake(self.client_profile)

        response = self.client.get(reverse("intake:outcome", args=[old.public_id]))

        self.assertContains(response, "This is an earlier form, kept as it was")
        self.assertNotContains(response, "Update my health form")

    def test_a_draft_sends_its_owner_back_to_the_form(self):
        draft = Intake.objects.create(client=self.client_profile)

        response = self.client.get(reverse("intake:outcome", args=[draft.public_id]))

        self.assertRedirects(response, reverse("intake:step", args=[draft.public_id, 1]))

    def test_the_start_page_shows_the_current_outcome(self):
        intake = make_intake(self.client_profile)

        response = self.client.get(reverse("intake:start"))

        self.assertRedirects(response, reverse("intake:outcome", args=[intake.public_id]))

    def test_outcome_refuses_other_methods(self):
        intake = make_intake(self.client_profile)

        response = self.client.post(reverse("intake:outcome", args=[intake.public_id]))

        self.assertEqual(response.status_code, 405)


@time_machine.travel(NOW, tick=False)
class ReadingListTests(ClinicTestCase):
    def test_outcome_page_offers_articles_matching_the_flags_and_pain(self):
        from tests.library.factories import make_article

        make_article("Massage in pregnancy", tags=["pregnancy"])
        make_article("Living with chronic pain", tags=["chronic"])
        make_article("Sports recovery", tags=["sports"])
        intake = make_intake(
            self.client_profile, yes={"pregnancy"}, onset=datetime(2025, 11, 1).date()
        )
        self.login(self.client_user)

        response = self.client.get(reverse("intake:outcome", args=[intake.public_id]))

        titles = [article.title for article in response.context["reading"]]
        self.assertEqual(sorted(titles), ["Living with chronic pain", "Massage in pregnancy"])
        self.assertContains(response, "Read more")
