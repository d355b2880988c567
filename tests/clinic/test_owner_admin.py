"""Owners manage accounts; clinic admins run the clinic (issue 8, items 2 and 3).

A clinic admin could once give itself the health-data permission, tick superuser, set an
owner's password or attach any client's profile to its own account and read the health
form. Each of those is tried here by hand-made POSTs to the admin.
"""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from clinic.models import AccountEvent, ClientProfile, Role, User
from tests.base import ClinicTestCase, make_user
from tests.intake.factories import make_intake


def health_permission():
    return Permission.objects.get(content_type__app_label="intake", codename="view_health_data")


def user_form(user, **changes):
    """The admin's change form for ``user`` as a browser would post it."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "user_permissions": [str(pk) for pk in user.user_permissions.values_list("pk", flat=True)],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_staff:
        data["is_staff"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class ClinicAdminCannotManageAccountsTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = User.objects.create_superuser("owner@example.com", "owner-password-123")

    def setUp(self):
        self.login(self.admin_user)

    def change_url(self, user):
        return reverse("admin:clinic_user_change", args=[user.pk])

    def test_clinic_admin_cannot_give_itself_the_health_permission(self):
        data = user_form(
            self.admin_user, user_permissions=[str(health_permission().pk)], is_superuser="on"
        )
        response = self.client.post(self.change_url(self.admin_user), data)
        self.assertEqual(response.status_code, 403)
        fresh = User.objects.get(pk=self.admin_user.pk)
        self.assertFalse(fresh.is_superuser)
        self.assertFalse(fresh.has_perm("intake.view_health_data"))

    def test_clinic_admin_cannot_join_a_group_or_change_one(self):
        therapists = Group.objects.get(name=Role.THERAPIST)
        data = user_form(self.admin_user, groups=[str(therapists.pk)])
        self.assertEqual(self.client.post(self.change_url(self.admin_user), data).status_code, 403)
        group_url = reverse("admin:auth_group_change", args=[therapists.pk])
        response = self.client.post(
            group_url, {"name": Role.THERAPIST, "permissions": [str(health_permission().pk)]}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(therapists.permissions.filter(codename="view_health_data").exists())
        self.assertFalse(self.admin_user.groups.filter(name=Role.THERAPIST).exists())

    def test_clinic_admin_cannot_set_an_owners_password_or_add_an_account(self):
        url = reverse("admin:auth_user_password_change", args=[self.owner.pk])
        response = self.client.post(
            url, {"password1": "taken-over-pass-99", "password2": "taken-over-pass-99"}
        )
        self.assertEqual(response.status_code, 403)
        self.owner.refresh_from_db()
        self.assertTrue(self.owner.check_password("owner-password-123"))
        add = self.client.post(
            reverse("admin:clinic_user_add"),
            {"email": "sock@example.com", "password1": "p-long-99x", "password2": "p-long-99x"},
        )
        self.assertEqual(add.status_code, 403)
        self.assertFalse(User.objects.filter(email="sock@example.com").exists())

    def test_clinic_admin_may_still_look_up_accounts_read_only(self):
        response = self.client.get(self.change_url(self.therapist_user))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')

    def test_the_clinic_admin_group_has_no_account_permissions(self):
        group = Group.objects.get(name=Role.CLINIC_ADMIN)
        codenames = set(group.permissions.values_list("codename", flat=True))
        self.assertFalse({"add_user", "change_user", "delete_user"} & codenames)
        self.assertNotIn("view_healthdataaccess", codenames)
        self.assertNotIn("view_health_data", codenames)

    def test_clinic_admin_cannot_move_a_therapist_row_to_its_own_account(self):
        url = reverse("admin:clinic_therapist_change", args=[self.therapist.pk])
        response = self.client.get(url)
        self.assertNotContains(response, 'name="user"')


class OwnerManagesAccountsTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = User.objects.create_superuser("owner@example.com", "owner-password-123")

    def setUp(self):
        self.login(self.owner)

    def test_granting_and_removing_the_health_permission_is_logged(self):
        url = reverse("admin:clinic_user_change", args=[self.admin_user.pk])
        granted = user_form(self.admin_user, user_permissions=[str(health_permission().pk)])
        self.assertEqual(self.client.post(url, granted).status_code, 302)
        self.assertTrue(User.objects.get(pk=self.admin_user.pk).has_perm("intake.view_health_data"))
        event = AccountEvent.objects.get(action="health_granted")
        self.assertEqual(
            (event.actor_email, event.target_email), ("owner@example.com", "admin@example.com")
        )
        removed = user_form(User.objects.get(pk=self.admin_user.pk), user_permissions=[])
        self.assertEqual(self.client.post(url, removed).status_code, 302)
        self.assertTrue(AccountEvent.objects.filter(action="health_removed").exists())

    def test_making_someone_an_owner_is_logged(self):
        url = reverse("admin:clinic_user_change", args=[self.admin_user.pk])
        self.client.post(url, user_form(self.admin_user, is_superuser="on"))
        self.assertTrue(User.objects.get(pk=self.admin_user.pk).is_superuser)
        actions = set(AccountEvent.objects.values_list("action", flat=True))
        self.assertTrue({"owner_granted", "health_granted"} <= actions)

    def test_setting_a_password_is_logged(self):
        url = reverse("admin:auth_user_password_change", args=[self.front_desk_user.pk])
        response = self.client.post(
            url, {"password1": "new-desk-pass-987", "password2": "new-desk-pass-987"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            AccountEvent.objects.filter(
                action="password_set", target_email="desk@example.com"
            ).exists()
        )

    def test_the_health_permission_cannot_be_given_to_a_role(self):
        response = self.client.get(reverse("admin:auth_group_add"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Can see every client")

    def test_the_account_event_log_is_for_owners(self):
        AccountEvent.record(actor=self.owner, target=self.admin_user, action="health_granted")
        self.assertEqual(
            self.client.get(reverse("admin:clinic_accountevent_changelist")).status_code, 200
        )
        self.login(self.admin_user)
        self.assertEqual(
            self.client.get(reverse("admin:clinic_accountevent_changelist")).status_code, 403
        )

    def test_a_log_row_keeps_who_did_it_after_the_user_is_deleted(self):
        event = AccountEvent.record(
            actor=self.admin_user, target=self.front_desk_user, action="password_set"
        )
        User.objects.filter(pk=self.admin_user.pk).delete()
        event.refresh_from_db()
        self.assertIsNone(event.actor_id)
        self.assertEqual(event.actor_email, "admin@example.com")


def profile_form(profile, **changes):
    data = {
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "date_of_birth": "",
        "email": profile.email,
        "phone": profile.phone,
        "user": str(profile.user_id or ""),
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "physician_name": "",
        "physician_practice": "",
        "physician_phone": "",
        "physician_email": "",
        "contact_by_email": "on",
        "reminders": "on",
    }
    data.update(changes)
    return data


class ProfileLinkTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.owner = User.objects.create_superuser("owner@example.com", "owner-password-123")
        cls.walk_in = ClientProfile.objects.create(
            first_name="Wanda", last_name="Walkin", email="wanda@example.com", phone="07700 900001"
        )
        cls.intake = make_intake(cls.walk_in, medications="MARKER-walkin-meds")

    def url(self):
        return reverse("admin:clinic_clientprofile_change", args=[self.walk_in.pk])

    def test_clinic_admin_cannot_attach_a_profile_to_its_own_account(self):
        self.login(self.admin_user)
        response = self.client.post(
            self.url(), profile_form(self.walk_in, user=str(self.admin_user.pk))
        )
        self.assertEqual(response.status_code, 302)  # the other fields saved
        self.walk_in.refresh_from_db()
        self.assertIsNone(self.walk_in.user_id)
        self.assertNotContains(self.client.get(self.url()), 'name="user"')
        outcome = self.client.get(reverse("intake:outcome", args=[self.intake.public_id]))
        self.assertNotContains(outcome, "MARKER-walkin-meds", status_code=outcome.status_code)

    def test_clinic_admin_cannot_link_by_posting_to_an_old_version(self):
        self.login(self.admin_user)
        version = self.walk_in.history.first()
        url = reverse(
            "admin:clinic_clientprofile_simple_history",
            args=[self.walk_in.pk, version.history_id],
        )
        response = self.client.post(url, profile_form(self.walk_in, user=str(self.admin_user.pk)))
        self.assertEqual(response.status_code, 403)
        self.walk_in.refresh_from_db()
        self.assertIsNone(self.walk_in.user_id)

    def test_an_owner_links_a_profile_and_it_is_logged(self):
        client_without_profile = make_user("wanda@example.com", Role.CLIENT)
        self.login(self.owner)
        response = self.client.post(
            self.url(), profile_form(self.walk_in, user=str(client_without_profile.pk))
        )
        self.assertEqual(response.status_code, 302)
        self.walk_in.refresh_from_db()
        self.assertEqual(self.walk_in.user, client_without_profile)
        event = AccountEvent.objects.get(action="profile_linked")
        self.assertEqual(event.actor_email, "owner@example.com")
        self.assertIn(str(self.walk_in.public_id), event.detail)

    def test_changing_an_address_in_the_admin_tells_the_old_one(self):
        from django.core import mail

        self.login(self.admin_user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url(), profile_form(self.walk_in, email="w2@example.com"))
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["w2@example.com", "wanda@example.com"]
        )
