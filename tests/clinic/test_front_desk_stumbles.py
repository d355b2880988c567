"""What front desk stumbled on: the form's words, a caller without a date of birth, the
same client twice, phone numbers with and without spaces, phone-only clients, and the
link to the health form."""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.apps import apps
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from clinic import phones
from clinic.models import ClientProfile
from intake.models import Intake
from tests.base import ClinicTestCase, make_service
from tests.clinic.test_profile import profile_data
from tests.intake.factories import make_intake

CREATE = reverse("client_create")
LIST = reverse("client_list")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def walk_in(**overrides):
    return profile_data(
        **{
            "first_name": "Pat",
            "last_name": "Walker",
            "email": "",
            "phone": "020 7946 0456",
            "contact_by_email": "on",
            **overrides,
        }
    )


class RegistrationWordsTests(ClinicTestCase):
    def test_the_desk_form_speaks_about_the_client(self):
        self.login(self.front_desk_user)
        response = self.client.get(CREATE)
        self.assertContains(response, "About the client")
        self.assertContains(response, "E-mail the client about their appointments")
        self.assertNotContains(response, "About you")
        self.assertNotContains(response, "E-mail me")

    def test_the_clients_own_form_still_speaks_to_them(self):
        self.login(self.client_user)
        response = self.client.get(reverse("profile"))
        self.assertContains(response, "About you")


class DateOfBirthTests(ClinicTestCase):
    def test_a_caller_is_registered_without_a_date_of_birth(self):
        self.login(self.front_desk_user)
        response = self.client.post(CREATE, walk_in(date_of_birth=""))
        client = ClientProfile.objects.get(last_name="Walker")
        self.assertRedirects(response, client.get_absolute_url())
        self.assertIsNone(client.date_of_birth)

    def test_a_client_still_gives_their_own_date_of_birth(self):
        self.login(self.client_user)
        response = self.client.post(reverse("profile"), profile_data(date_of_birth=""))
        self.assertContains(response, "This field is required")

    @time_machine.travel(NOW, tick=False)
    def test_with_no_date_of_birth_on_file_the_desk_is_never_shown_previous_answers(self):
        self.login(self.front_desk_user)
        self.client.post(CREATE, walk_in(date_of_birth=""))
        client = ClientProfile.objects.get(last_name="Walker")
        make_intake(client, medications="Warfarin five milligrams")
        self.client.post(reverse("intake:desk_start", args=[client.public_id]))
        draft = Intake.objects.get(client=client, status="draft")
        step = self.client.get(reverse("intake:step", args=[draft.public_id, 1]))
        self.assertNotContains(step, "date of birth")
        # Any date typed is refused: there is nothing to match it against.
        response = self.client.post(
            reverse("intake:prefill", args=[draft.public_id]),
            {"date_of_birth": "1980-05-17"},
            follow=True,
        )
        self.assertContains(response, "does not match our records")
        draft.refresh_from_db()
        self.assertEqual(draft.medications, "")


class DuplicateTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pat = ClientProfile.objects.create(
            first_name="Pat", last_name="Walker", phone="020 7946 0456", email=""
        )

    def test_the_same_name_and_phone_typed_differently_warns_with_a_link(self):
        self.login(self.front_desk_user)
        response = self.client.post(CREATE, walk_in(first_name="pat", phone="+442079460456"))
        self.assertContains(response, "is already registered")
        self.assertContains(response, self.pat.get_absolute_url())
        self.assertContains(response, "Register anyway")
        self.assertEqual(ClientProfile.objects.filter(last_name="Walker").count(), 1)

    def test_the_same_name_and_birth_date_warns(self):
        ClientProfile.objects.filter(pk=self.pat.pk).update(date_of_birth=date(1970, 1, 2))
        self.login(self.front_desk_user)
        response = self.client.post(
            CREATE, walk_in(phone="020 7946 0999", date_of_birth="1970-01-02")
        )
        self.assertContains(response, "is already registered")

    def test_register_anyway_registers_a_second_person(self):
        self.login(self.front_desk_user)
        response = self.client.post(CREATE, walk_in(register_anyway="on"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ClientProfile.objects.filter(last_name="Walker").count(), 2)

    def test_the_same_name_with_another_phone_and_no_birth_date_is_not_a_duplicate(self):
        self.login(self.front_desk_user)
        response = self.client.post(CREATE, walk_in(phone="020 7946 0999", date_of_birth=""))
        self.assertEqual(response.status_code, 302)

    def test_editing_a_client_does_not_warn_about_themselves(self):
        self.login(self.front_desk_user)
        response = self.client.post(
            reverse("client_edit", args=[self.pat.public_id]), walk_in(date_of_birth="")
        )
        self.assertEqual(response.status_code, 302)


class PhoneNumberTests(ClinicTestCase):
    def test_numbers_are_stored_in_e164_and_shown_nationally(self):
        self.login(self.front_desk_user)
        self.client.post(CREATE, walk_in(phone="020-7946 0456"))
        client = ClientProfile.objects.get(last_name="Walker")
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM clinic_clientprofile WHERE id = %s", [client.pk])
            self.assertEqual(cursor.fetchone()[0], "+442079460456")
        page = self.client.get(client.get_absolute_url())
        self.assertContains(page, "020 7946 0456")
        edit = self.client.get(reverse("client_edit", args=[client.public_id]))
        self.assertContains(edit, 'value="020 7946 0456"')

    def test_a_number_from_another_country_is_shown_internationally(self):
        self.assertEqual(phones.display(phones.normalise("+33 1 42 68 53 00")), "+33 1 42 68 53 00")

    @override_settings(CLINIC_PHONE_REGION="IE")
    def test_the_region_is_a_setting(self):
        self.assertEqual(phones.normalise("01 234 5678"), "+35312345678")

    def test_search_finds_a_number_however_it_is_typed(self):
        ClientProfile.objects.filter(pk=self.other_client_profile.pk).update(phone="02079460999")
        self.login(self.front_desk_user)
        for typed in ("02079460000", "020 7946 0000", "+44 20 7946 0000", "7946 0000"):
            with self.subTest(typed=typed):
                response = self.client.get(LIST, {"q": typed})
                self.assertContains(response, "Ann Client")
                self.assertNotContains(response, "Olga Other")

    def test_a_name_search_still_searches_names(self):
        self.login(self.front_desk_user)
        response = self.client.get(LIST, {"q": "ann client"})
        self.assertContains(response, "Ann Client")

    def test_the_data_migration_normalises_parseable_numbers_and_keeps_the_rest(self):
        typed = ClientProfile.objects.create(first_name="Old", last_name="Typed", email="o@x.org")
        odd = ClientProfile.objects.create(first_name="Odd", last_name="Number", email="d@x.org")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE clinic_clientprofile SET phone = %s WHERE id = %s",
                ["020 7946 0123", typed.pk],
            )
            cursor.execute(
                "UPDATE clinic_clientprofile SET phone = %s WHERE id = %s",
                ["ext. 12", odd.pk],
            )
        migration = importlib.import_module("clinic.migrations.0010_normalise_client_phones")
        migration.normalise(apps, None)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, phone FROM clinic_clientprofile WHERE id IN (%s, %s)",
                [typed.pk, odd.pk],
            )
            stored = dict(cursor.fetchall())
        self.assertEqual(stored, {typed.pk: "+442079460123", odd.pk: "ext. 12"})


class ContactPreferenceTests(ClinicTestCase):
    def test_a_phone_only_client_is_phoned_not_emailed(self):
        self.login(self.front_desk_user)
        self.client.post(CREATE, walk_in(email=""))
        client = ClientProfile.objects.get(last_name="Walker")
        self.assertFalse(client.contact_by_email)
        self.assertTrue(client.contact_by_phone)

    def test_a_client_with_an_address_keeps_the_choice_made(self):
        self.login(self.front_desk_user)
        self.client.post(CREATE, walk_in(email="pat@example.com"))
        client = ClientProfile.objects.get(last_name="Walker")
        self.assertTrue(client.contact_by_email)
        self.assertFalse(client.contact_by_phone)


@time_machine.travel(NOW, tick=False)
class HealthFormLinkTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()

    def book_page(self):
        return self.client.get(
            reverse("bookings:book"),
            {
                "client": self.client_profile.public_id,
                "service": self.service.pk,
                "day": "2026-03-10",
            },
        )

    def test_desk_is_offered_the_desk_hand_over_not_the_clients_link(self):
        self.login(self.front_desk_user)
        response = self.book_page()
        self.assertContains(response, "has not filled in their health form")
        self.assertNotContains(response, "Go there now")
        self.assertNotContains(response, f'href="{reverse("intake:start")}"')
        self.assertContains(
            response, reverse("intake:desk_start", args=[self.client_profile.public_id])
        )

    def test_the_hand_over_button_starts_the_form_at_the_desk(self):
        self.login(self.front_desk_user)
        response = self.client.post(
            reverse("intake:desk_start", args=[self.client_profile.public_id])
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Intake.objects.filter(client=self.client_profile, at_front_desk=True))

    def test_the_client_still_gets_the_link_to_their_own_form(self):
        self.login(self.client_user)
        response = self.client.get(
            reverse("bookings:book"), {"service": self.service.pk, "day": "2026-03-10"}
        )
        self.assertContains(response, "Go there now")
        self.assertContains(response, f'href="{reverse("intake:start")}"')
        self.assertNotContains(
            response, reverse("intake:desk_start", args=[self.client_profile.public_id])
        )
