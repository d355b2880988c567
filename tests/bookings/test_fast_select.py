"""The booking form's quick <select> writes what Django's template-based one writes."""

from django import forms
from django.test import SimpleTestCase

from bookings.forms import FastSelect


class FastSelectTests(SimpleTestCase):
    def test_the_same_html_as_djangos_select(self):
        choices = [("", "Anyone"), ("1", "Ava <Smith> & co"), ("2", "Ben")]
        attrs = {"id": "id_therapist", "class": "form-select", "required": True}
        for value in (None, "", "2", 2):
            with self.subTest(value=value):
                ours = FastSelect(choices=choices).render("therapist", value, attrs=attrs)
                django = forms.Select(choices=choices).render("therapist", value, attrs=attrs)
                self.assertHTMLEqual(ours, django)
