"""Every place that suggests reading to a client follows their health form.

The outcome page, the client dashboard, a booked appointment's aftercare and the booking
e-mails all go through intake.reading, which passes the client's flags and outcome to
library.reading.reading_list (DESIGN.md, "Reading lists follow the outcome").
"""

import re
from datetime import date
from pathlib import Path

import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bookings import notifications
from library.demo import seed
from library.models import Tag
from tests.base import ClinicTestCase, make_service
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake
from tests.library.factories import make_article

NOW = utc(2026, 3, 2, 8, 0)
CHRONIC_ONSET = date(2025, 11, 1)


def titles(response):
    return [article.title for article in response.context["reading"]]


@time_machine.travel(NOW, tick=False)
class OutcomePageReadingTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(NOW, tick=False):
            seed()  # the real starter articles

    def outcome(self, **intake):
        intake = make_intake(self.client_profile, onset=CHRONIC_ONSET, **intake)
        self.login(self.client_user)
        return self.client.get(reverse("intake:outcome", args=[intake.public_id]))

    def test_a_red_flag_page_lists_only_how_to_reach_medical_care(self):
        response = self.outcome(yes={"saddle_numbness"})

        self.assertEqual(titles(response), ["When to see a doctor instead of having a massage"])
        self.assertNotContains(response, "How massage helps")
        self.assertNotContains(response, "Massage techniques")

    def test_a_deferred_client_is_offered_nothing_that_invites_booking(self):
        response = self.outcome(yes={"fever"})

        found = titles(response)
        self.assertIn("When massage should wait or be changed", found)
        for title in ("How massage helps", "Your first visit", "How often to come"):
            self.assertNotIn(title, found)

    def test_a_client_on_blood_thinners_is_not_offered_self_massage_with_a_ball(self):
        response = self.outcome(yes={"anticoagulant_medication"}, pain_character=["stiffness"])

        self.assertNotIn("Self-massage at home", titles(response))

    def test_the_reading_tags_follow_the_gentle_suggestion_not_deep_tissue(self):
        # Each matches the flag and the chronic pain too, so the starter articles that
        # share two of the tags cannot crowd them out of the five: only the technique
        # tag decides.
        deep = make_article(
            "Deep tissue explained", tags=["deep_tissue", "osteoporosis", "chronic"]
        )
        make_article("Gentle Swedish massage", tags=["swedish", "osteoporosis", "chronic"])

        response = self.outcome(yes={"osteoporosis"})

        self.assertNotIn(deep.title, titles(response))
        self.assertIn("Gentle Swedish massage", titles(response))


@override_settings(SITE_URL="https://clinic.example")
@time_machine.travel(NOW, tick=False)
class AftercareFollowsTheFlagsTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        with time_machine.travel(NOW, tick=False):
            cls.aftercare = make_article("Heat after your massage", tags=["aftercare"])
            cls.aftercare.not_for.set([Tag.objects.get_or_create(name="pregnancy")[0]])

    def appointment(self):
        return make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 9, 10, 0)
        )

    def test_the_dashboard_leaves_out_aftercare_a_flag_rules_out(self):
        make_intake(self.client_profile, yes={"pregnancy"})
        self.login(self.client_user)

        response = self.client.get(reverse("client_dashboard"))

        self.assertNotIn(self.aftercare, response.context["reading"])

    def test_the_dashboard_still_offers_it_to_a_client_without_the_flag(self):
        make_intake(self.client_profile)
        self.login(self.client_user)

        response = self.client.get(reverse("client_dashboard"))

        self.assertIn(self.aftercare, response.context["reading"])

    def test_a_booked_appointment_page_leaves_out_aftercare_a_flag_rules_out(self):
        make_intake(self.client_profile, yes={"pregnancy"})
        appointment = self.appointment()
        self.login(self.client_user)
        url = reverse("bookings:appointment_detail", args=[appointment.pk])

        response = self.client.get(url, {"booked": "1"})

        self.assertEqual(response.context["reading"], [])

    def test_a_booked_appointment_page_offers_it_without_the_flag(self):
        make_intake(self.client_profile)
        appointment = self.appointment()
        self.login(self.client_user)
        url = reverse("bookings:appointment_detail", args=[appointment.pk])

        response = self.client.get(url, {"booked": "1"})

        self.assertEqual(response.context["reading"], [self.aftercare])

    def test_the_booking_e_mail_leaves_out_aftercare_a_flag_rules_out(self):
        make_intake(self.client_profile, yes={"pregnancy"})

        notifications.deliver_appointment_message(self.appointment(), "booked")

        [message] = mail.outbox
        self.assertNotIn("Heat after your massage", message.body)
        self.assertIsNone(notifications.aftercare_article(self.client_profile))

    def test_the_booking_e_mail_links_it_without_the_flag(self):
        make_intake(self.client_profile)

        notifications.deliver_appointment_message(self.appointment(), "booked")

        self.assertIn("Heat after your massage", mail.outbox[0].body)


def test_only_intake_reading_calls_the_library_reading_list():
    """A new page that suggests reading must go through intake.reading, or this fails."""
    root = Path(settings.BASE_DIR)
    callers = sorted(
        str(path.relative_to(root))
        for app in ("clinic", "intake", "bookings")
        for path in (root / app).rglob("*.py")
        if re.search(r"\breading_list\(", path.read_text(encoding="utf-8"))
    )
    assert callers == ["intake/reading.py"]
