from django.contrib.auth.models import Group
from django.urls import reverse

from clinic.models import Role
from tests.base import ClinicTestCase


class RolePermissionTests(ClinicTestCase):
    def test_the_four_role_groups_exist(self):
        self.assertEqual(
            set(Group.objects.values_list("name", flat=True)) >= set(Role.values), True
        )

    def test_a_client_cannot_reach_the_admin(self):
        self.login(self.client_user)
        response = self.client.get(reverse("admin:index"))
        self.assertRedirects(response, f"{reverse('admin:login')}?next={reverse('admin:index')}")

    def test_a_therapist_cannot_edit_services_even_with_admin_access(self):
        self.therapist_user.is_staff = True
        self.therapist_user.save(update_fields=["is_staff"])
        self.assertFalse(self.therapist_user.has_perm("clinic.change_service"))
        self.login(self.therapist_user)
        response = self.client.get(reverse("admin:clinic_service_add"))
        self.assertEqual(response.status_code, 403)

    def test_front_desk_manages_client_profiles_but_not_services(self):
        self.assertTrue(self.front_desk_user.has_perm("clinic.add_clientprofile"))
        self.assertTrue(self.front_desk_user.has_perm("clinic.change_clientprofile"))
        self.assertFalse(self.front_desk_user.has_perm("clinic.change_service"))
        self.assertFalse(self.front_desk_user.has_perm("clinic.delete_clientprofile"))

    def test_a_clinic_admin_runs_services_therapists_and_hours_in_the_admin(self):
        self.login(self.admin_user)
        for name in [
            "admin:clinic_service_changelist",
            "admin:clinic_therapist_changelist",
            "admin:clinic_workinghours_changelist",
            "admin:clinic_location_changelist",
            "admin:clinic_closure_changelist",
        ]:
            self.assertEqual(self.client.get(reverse(name)).status_code, 200, name)
        therapist_page = self.client.get(
            reverse("admin:clinic_therapist_change", args=[self.therapist.pk])
        )
        self.assertContains(therapist_page, "Working hours")
