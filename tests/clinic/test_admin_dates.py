"""Dates typed in the admin obey the same range as the pages' forms (issue 8, item 12)."""

from datetime import date

from django.urls import reverse

from clinic.models import Closure, User
from intake.models import Clearance
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake


class AdminDateTests(ClinicTestCase):
    def test_a_closure_dated_year_one_is_a_form_error_in_the_admin(self):
        self.login(self.admin_user)
        response = self.client.post(
            reverse("admin:clinic_closure_add"),
            {
                "location": self.location.pk,
                "start_date": "0001-01-01",
                "end_date": "9999-12-31",
                "reason": "probe",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a date between")
        self.assertFalse(Closure.objects.exists())

    def test_an_owner_cannot_store_a_date_of_birth_in_year_one_either(self):
        owner = User.objects.create_superuser("owner@example.com", "owner-password-123")
        self.login(owner)
        profile = self.client_profile
        url = reverse("admin:clinic_clientprofile_change", args=[profile.pk])
        response = self.client.post(
            url,
            {
                "first_name": profile.first_name,
                "last_name": profile.last_name,
                "date_of_birth": "0001-01-01",
                "email": profile.email,
                "phone": profile.phone,
                "user": profile.user_id,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a date between")


class ClearanceValidityTests(ClinicTestCase):
    def test_valid_on_29_february_counts_back_to_28_february(self):
        intake = make_intake(self.client_profile, yes={"diabetes"})
        clearance = Clearance.objects.create(
            intake=intake, codes=["diabetes"], received_on=date(2023, 3, 1)
        )
        self.assertTrue(clearance.is_valid_on(date(2024, 2, 29)))
        self.assertFalse(clearance.is_valid_on(date(2024, 3, 1)))
