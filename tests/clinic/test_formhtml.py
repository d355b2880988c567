"""clinic.formhtml writes the same fields crispy's Bootstrap 5 pack does."""

from datetime import date

from django.template import Context, Template

from bookings.forms import SlotSearchForm
from library.forms import SearchForm
from tests.base import ClinicTestCase, make_service


def crispy(source, form):
    return Template("{% load crispy_forms_tags %}" + source).render(Context({"form": form}))


class FieldHtmlTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()

    def test_the_library_search_box_matches_crispy_with_and_without_an_error(self):
        for data in (None, {"q": "sciatica"}, {"q": "x" * 120}):
            form = SearchForm(data)
            form.is_valid()
            with self.subTest(data=data):
                self.assertHTMLEqual(form.q_html(), crispy("{{ form.q|as_crispy_field }}", form))
        self.assertIn("is-invalid", form.q_html())

    def test_the_slot_search_form_matches_crispy_with_and_without_errors(self):
        cases = (
            None,
            {"service": self.service.pk, "therapist": "", "day": "2026-03-10"},
            {"service": "", "therapist": "nobody", "day": "2020-01-01"},
        )
        for data in cases:
            form = SlotSearchForm(data, today=date(2026, 3, 2), initial={"day": date(2026, 3, 2)})
            form.is_valid()
            with self.subTest(data=data):
                self.assertHTMLEqual(form.as_bootstrap(), crispy("{% crispy form %}", form))
