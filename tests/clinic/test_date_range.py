"""Every form that takes a date refuses one outside 1900–2100 with the same error."""

from datetime import date

import time_machine
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from bookings.forms import DayForm, PlanForm, SlotSearchForm, parse_start
from clinic.forms import ClientProfileForm
from clinic.validators import validate_sensible_date
from intake.forms import ClearanceForm, PainForm
from tests.base import ClinicTestCase
from tests.bookings.helpers import utc
from tests.intake.factories import make_intake

TODAY = date(2026, 3, 2)
OUT_OF_RANGE = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]


class SensibleDateTests(SimpleTestCase):
    def test_the_first_and_last_dates_of_the_range_are_accepted(self):
        validate_sensible_date(date(1900, 1, 1))
        validate_sensible_date(date(2100, 12, 31))

    def test_a_date_outside_the_range_is_refused_with_a_code(self):
        for day in (date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1), date(9999, 12, 31)):
            with self.subTest(day), self.assertRaises(ValidationError) as raised:
                validate_sensible_date(day)
            self.assertEqual(raised.exception.code, "date_out_of_range")

    def test_a_start_time_outside_the_range_is_not_a_start_time(self):
        self.assertIsNone(parse_start("9999-12-31T23:59:00+00:00"))
        self.assertIsNone(parse_start("0001-01-01T00:00:00+00:00"))
        self.assertEqual(parse_start("2026-03-10T10:00:00+00:00"), utc(2026, 3, 10, 10, 0))


@time_machine.travel(utc(2026, 3, 2, 10, 0), tick=False)
class EveryDateFormTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.intake = make_intake(cls.client_profile, yes={"diabetes"})

    def forms(self, value):
        """(form, field) for every form in the project that takes a date."""
        return [
            (ClientProfileForm({"date_of_birth": value}), "date_of_birth"),
            (DayForm({"date": value}), "date"),
            (SlotSearchForm({"day": value}, today=TODAY), "day"),
            (PlanForm({"first_day": value}, today=TODAY), "first_day"),
            (PainForm({"pain_onset": value}, today=TODAY), "pain_onset"),
            (
                ClearanceForm({"received_on": value}, intake=self.intake, today=TODAY),
                "received_on",
            ),
        ]

    def test_every_date_field_refuses_dates_outside_the_range(self):
        for value in OUT_OF_RANGE:
            for form, field in self.forms(value):
                with self.subTest(form=type(form).__name__, value=value):
                    self.assertTrue(form.has_error(field, code="date_out_of_range"))
                    self.assertEqual(
                        form.errors[field],
                        ["Enter a date between 1 January 1900 and 31 December 2100."],
                    )

    def test_every_date_field_uses_the_date_picker(self):
        for form, field in self.forms(""):
            with self.subTest(form=type(form).__name__):
                self.assertEqual(form.fields[field].widget.input_type, "date")
