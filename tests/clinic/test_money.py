"""Prices show the clinic's currency sign (CLINIC_CURRENCY), through one filter."""

import re
from decimal import Decimal
from pathlib import Path

import time_machine
from django.conf import settings
from django.template import Context, Template
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from clinic.templatetags.clinic_tags import money
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
SLOT = utc(2026, 3, 10, 10, 0)
PROJECT = Path(settings.BASE_DIR)


class MoneyFilterTests(SimpleTestCase):
    def test_the_default_sign_is_the_pound(self):
        self.assertEqual(settings.CLINIC_CURRENCY, "£")

    @override_settings(CLINIC_CURRENCY="€")
    def test_a_price_gets_the_configured_sign_and_two_decimals(self):
        self.assertEqual(money(Decimal("55")), "€55.00")
        self.assertEqual(money(Decimal("1250.5")), "€1,250.50")
        self.assertEqual(money("65.00"), "€65.00")
        self.assertEqual(money(Decimal("-5")), "-€5.00")

    def test_no_price_shows_nothing_and_text_is_left_alone(self):
        self.assertEqual(money(None), "")
        self.assertEqual(money(""), "")
        self.assertEqual(money("free"), "free")

    @override_settings(CLINIC_CURRENCY="$")
    def test_the_filter_works_in_a_template(self):
        html = Template("{% load clinic_tags %}{{ price|money }}").render(
            Context({"price": Decimal("40.00")})
        )
        self.assertEqual(html, "$40.00")

    def test_no_template_writes_a_currency_sign_itself(self):
        sign = re.compile(r"[£€$]\s*\{\{|&pound;|&euro;")
        templates = [
            path
            for folder in ("clinic", "intake", "bookings", "library", "templates")
            for path in (PROJECT / folder).rglob("templates/**/*")
            if path.suffix in {".html", ".txt"}
        ] + [p for p in (PROJECT / "templates").rglob("*") if p.suffix in {".html", ".txt"}]
        self.assertTrue(templates)
        for path in templates:
            with self.subTest(template=str(path.relative_to(PROJECT))):
                self.assertIsNone(sign.search(path.read_text(encoding="utf-8")))


@override_settings(CLINIC_CURRENCY="€")
@time_machine.travel(NOW, tick=False)
class PagesUseTheSettingTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        make_intake(cls.client_profile)

    def test_the_home_page_lists_prices_in_the_clinic_currency(self):
        response = self.client.get(reverse("home"))

        self.assertContains(response, f"€{self.service.price:,.2f}")
        self.assertNotContains(response, "£")

    def test_the_confirm_page_and_the_appointment_page_use_it(self):
        self.login(self.client_user)
        confirm = self.client.get(
            reverse("bookings:confirm"),
            {"service": self.service.pk, "therapist": self.therapist.pk, "start": SLOT.isoformat()},
        )
        self.assertContains(confirm, f"€{self.service.price:,.2f}")
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, SLOT
        )

        page = self.client.get(reverse("bookings:appointment_detail", args=[appointment.pk]))

        self.assertContains(page, f"€{appointment.price:,.2f}")
        self.assertNotContains(page, "£")
