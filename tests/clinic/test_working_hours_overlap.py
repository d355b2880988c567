"""Working-hours rows of one therapist that would apply at once are refused, in the
model and in the therapist's admin page (its inline rows checked together)."""

from datetime import date, time

from django.contrib import admin
from django.test import RequestFactory

from clinic.admin.clinic import WorkingHoursInline
from clinic.models import Therapist, WorkingHours
from tests.base import ClinicTestCase


class WorkingHoursInlineTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = WorkingHours.objects.create(
            therapist=cls.therapist,
            location=cls.location,
            weekday=0,
            start_time=time(9, 0),
            end_time=time(17, 0),
        )

    def formset(self, rows):
        request = RequestFactory().post("/")
        request.user = self.admin_user
        inline = WorkingHoursInline(Therapist, admin.site)
        FormSet = inline.get_formset(request, self.therapist)
        prefix = FormSet.get_default_prefix()
        data = {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for n, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{n}-{name}"] = value
        return FormSet(data, instance=self.therapist, prefix=prefix)

    def old_row(self, **changes):
        row = {
            "id": str(self.old.pk),
            "therapist": str(self.therapist.pk),
            "location": str(self.location.pk),
            "weekday": "0",
            "start_time": "09:00",
            "end_time": "17:00",
            "valid_from": "",
            "valid_until": "",
        }
        row.update(changes)
        return row

    def new_row(self, **changes):
        row = {
            "therapist": str(self.therapist.pk),
            "location": str(self.location.pk),
            "weekday": "0",
            "start_time": "10:00",
            "end_time": "18:00",
            "valid_from": "2026-04-06",
            "valid_until": "",
        }
        row.update(changes)
        return row

    def test_a_new_row_while_the_old_one_is_left_open_is_refused(self):
        formset = self.formset([self.old_row(), self.new_row()])
        self.assertFalse(formset.is_valid())
        self.assertIn("overlaps Monday 09:00–17:00", " ".join(formset.non_form_errors()))
        self.assertEqual(WorkingHours.objects.filter(therapist=self.therapist).count(), 1)

    def test_ending_the_old_row_in_the_same_save_is_accepted(self):
        formset = self.formset([self.old_row(valid_until="2026-04-05"), self.new_row()])
        self.assertTrue(formset.is_valid(), formset.errors or formset.non_form_errors())
        formset.save()
        rows = WorkingHours.objects.filter(therapist=self.therapist).order_by("start_time")
        self.assertEqual([r.valid_until for r in rows], [date(2026, 4, 5), None])

    def test_two_new_rows_overlapping_each_other_are_refused(self):
        formset = self.formset(
            [
                self.old_row(weekday="1"),
                self.new_row(valid_from=""),
                self.new_row(start_time="17:00", end_time="19:00", valid_from=""),
            ]
        )
        self.assertFalse(formset.is_valid())

    def test_the_working_hours_admin_page_refuses_an_overlap(self):
        self.login(self.admin_user)
        response = self.client.post(
            "/admin/clinic/workinghours/add/",
            {
                "therapist": self.therapist.pk,
                "location": self.location.pk,
                "weekday": 0,
                "start_time": "12:00",
                "end_time": "13:00",
                "valid_from": "2026-05-04",
                "valid_until": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "overlaps Monday 09:00–17:00")
        self.assertEqual(WorkingHours.objects.filter(therapist=self.therapist).count(), 1)
