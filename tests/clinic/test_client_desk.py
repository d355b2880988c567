"""Front desk registers and edits clients who phone or walk in."""

from django.urls import reverse

from clinic.models import ClientProfile
from tests.base import ClinicTestCase
from tests.clinic.test_profile import profile_data

LIST = reverse("client_list")
CREATE = reverse("client_create")


class ClientListTests(ClinicTestCase):
    def test_anonymous_users_are_sent_to_log_in(self):
        self.assertRedirects(self.client.get(LIST), f"{reverse('login')}?next={LIST}")

    def test_clients_cannot_list_clients(self):
        self.login(self.client_user)
        self.assertEqual(self.client.get(LIST).status_code, 403)

    def test_other_methods_are_not_allowed(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.post(LIST).status_code, 405)

    def test_front_desk_finds_a_client_by_name_or_phone(self):
        self.login(self.front_desk_user)
        response = self.client.get(LIST, {"q": "olga"})
        self.assertContains(response, "Olga Other")
        self.assertNotContains(response, "Ann Client")
        response = self.client.get(LIST, {"q": "7946 0000"})
        self.assertContains(response, "Ann Client")

    def test_the_list_takes_the_same_queries_however_many_clients(self):
        self.login(self.front_desk_user)
        self.client.get(LIST)  # warm the session and permission caches
        # session, user, the two-step device, 2 permission lookups, roles, count, page
        with self.assertNumQueries(8) as first:
            self.client.get(LIST)
        ClientProfile.objects.bulk_create(
            ClientProfile(first_name=f"Walk{n}", last_name="In", phone=f"07700 90{n:04d}")
            for n in range(30)
        )
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(LIST)


class ClientCreateTests(ClinicTestCase):
    def test_clients_and_therapists_cannot_register_clients(self):
        for user in (self.client_user, self.therapist_user):
            self.login(user)
            self.assertEqual(self.client.get(CREATE).status_code, 403)

    def test_front_desk_registers_a_walk_in_without_email(self):
        self.login(self.front_desk_user)
        response = self.client.post(
            CREATE,
            profile_data(first_name="Pat", last_name="Walker", email="", phone="07700 900456"),
        )
        client = ClientProfile.objects.get(last_name="Walker")
        self.assertRedirects(response, client.get_absolute_url())
        self.assertIsNone(client.user)
        self.assertEqual(client.created_by, self.front_desk_user)

    def test_a_walk_in_needs_a_phone_when_there_is_no_email(self):
        self.login(self.front_desk_user)
        before = ClientProfile.objects.count()
        response = self.client.post(CREATE, profile_data(last_name="Nobody", email="", phone=""))
        self.assertContains(response, "Give an e-mail address or a phone number")
        self.assertEqual(ClientProfile.objects.count(), before)


class ClientDetailAndEditTests(ClinicTestCase):
    def url(self, name="client_detail", profile=None):
        return reverse(name, args=[(profile or self.client_profile).public_id])

    def test_anonymous_users_are_sent_to_log_in(self):
        url = self.url()
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_a_client_cannot_open_another_clients_record(self):
        self.login(self.client_user)
        self.assertEqual(
            self.client.get(self.url(profile=self.other_client_profile)).status_code, 403
        )

    def test_an_unknown_id_is_404(self):
        self.login(self.front_desk_user)
        url = reverse("client_detail", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_therapists_may_look_but_not_edit(self):
        self.login(self.therapist_user)
        self.assertContains(self.client.get(self.url()), "Ann Client")
        self.assertEqual(self.client.get(self.url("client_edit")).status_code, 403)

    def test_wrong_method_on_detail_is_405(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.post(self.url()).status_code, 405)

    def test_front_desk_edits_a_clients_details(self):
        self.login(self.front_desk_user)
        response = self.client.post(self.url("client_edit"), profile_data(phone="020 7946 0777"))
        self.assertRedirects(response, self.url())
        self.client_profile.refresh_from_db()
        self.assertEqual(self.client_profile.phone, "020 7946 0777")
        self.assertEqual(self.client_profile.history.count(), 2)


class ClientHealthStatusTests(ClinicTestCase):
    def test_front_desk_sees_that_a_form_needs_review_but_never_why(self):
        from tests.intake.factories import make_intake

        make_intake(self.client_profile, yes={"varicose_veins"})
        self.login(self.front_desk_user)
        response = self.client.get(reverse("client_detail", args=[self.client_profile.public_id]))
        self.assertContains(response, "Needs review")
        self.assertNotContains(response, "vein")
        self.assertContains(
            response, reverse("intake:desk_start", args=[self.client_profile.public_id])
        )

    def test_a_client_without_a_form_shows_it_is_missing(self):
        self.login(self.front_desk_user)
        response = self.client.get(reverse("client_detail", args=[self.client_profile.public_id]))
        self.assertContains(response, "Health form missing")
