"""Pages that show two of the booking forms keep every id unique (valid HTML, and a label
or a test that finds an element by id finds the right one)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from crispy_forms.utils import render_crispy_form
from django.test import TestCase

from bookings.forms import DayForm, MaintenanceForm, RescheduleForm

LONDON = ZoneInfo("Europe/London")


def ids(html):
    return re.findall(r'\sid="([^"]+)"', html)


class FormIdTests(TestCase):
    def test_the_move_page_forms_have_buttons_of_their_own(self):
        slot = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)
        page = render_crispy_form(DayForm()) + render_crispy_form(RescheduleForm(slots=[slot]))
        found = ids(page)
        self.assertEqual(len(found), len(set(found)), found)
        self.assertIn("submit-show", found)
        self.assertIn("submit-move-the-appointment", found)

    def test_the_maintenance_form_ids_do_not_clash_with_the_plan_change_form(self):
        # Shown together on the plan page; the names (what the views read) stay the same.
        form = MaintenanceForm()
        self.assertEqual(form["service"].auto_id, "id_maintenance_service")
        self.assertEqual(form["service"].html_name, "service")
        self.assertIn("submit-start-the-maintenance-plan", ids(render_crispy_form(form)))
