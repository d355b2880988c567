"""The clinic's phone (tappable), address and opening hours where clients look for them,
and only techniques a client can book listed for each therapist."""

from datetime import date, time
from pathlib import Path

import time_machine
from django.conf import settings
from django.urls import reverse

from clinic.contact import describe_hours, opening_hours, outside_opening_hours, tel_href
from clinic.models import Service, Technique, WorkingHours
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc

NOW = utc(2026, 3, 2, 8, 0)


@time_machine.travel(NOW, tick=False)
class ContactTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        for day in range(5):
            WorkingHours.objects.create(
                therapist=cls.therapist,
                location=cls.location,
                weekday=day,
                start_time=time(9, 0),
                end_time=time(17, 0),
            )
        other = make_therapist("late@example.com", location=cls.location)
        WorkingHours.objects.create(
            therapist=other,
            location=cls.location,
            weekday=3,
            start_time=time(12, 0),
            end_time=time(20, 0),
        )

    def test_tel_links_keep_digits_and_a_leading_plus(self):
        self.assertEqual(tel_href("020 7946 0001"), "tel:02079460001")
        self.assertEqual(tel_href("+44 (0)20 7946-0001"), "tel:+4402079460001")
        self.assertEqual(tel_href("999"), "tel:999")
        self.assertEqual(tel_href(""), "")

    def test_opening_hours_span_the_therapists_hours_of_each_day(self):
        hours = opening_hours(self.location, date(2026, 3, 2))
        self.assertEqual([d.name for d in hours][:2], ["Monday", "Tuesday"])
        self.assertEqual((hours[0].opens, hours[0].closes), (time(9), time(17)))
        self.assertEqual((hours[3].opens, hours[3].closes), (time(9), time(20)))
        self.assertFalse(hours[6].is_open)
        self.assertIn("outside", outside_opening_hours(hours, [0], time(3)))
        self.assertEqual(outside_opening_hours(hours, [0, 3], time(18)), "")
        self.assertEqual(outside_opening_hours(hours, [6], time(3)), "")  # closed: no word

    def test_the_hours_in_a_line_group_days_with_the_same_hours(self):
        hours = opening_hours(self.location, date(2026, 3, 2))
        self.assertEqual(
            describe_hours(hours),
            "Monday to Wednesday 09:00–17:00; Thursday 09:00–20:00; Friday 09:00–17:00",
        )
        self.assertEqual(describe_hours([]), "")

    def test_the_home_page_shows_phone_address_and_hours(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'Call us on <a href="tel:02079460001">020 7946 0001</a>')
        self.assertContains(response, "1 Test Street")
        self.assertContains(response, "Opening hours")
        self.assertContains(response, "09:00–17:00")
        self.assertContains(response, "09:00–20:00")
        self.assertContains(response, "Closed")

    def test_appointment_pages_show_how_to_reach_the_clinic(self):
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 4, 10)
        )
        self.login(self.client_user)
        detail = self.client.get(reverse("bookings:appointment_detail", args=[appointment.pk]))
        mine = self.client.get(reverse("bookings:my_appointments"))
        for response in (detail, mine):
            self.assertContains(response, 'href="tel:02079460001"')
            self.assertContains(response, "1 Test Street")
        self.assertContains(mine, "Opening hours")

    def test_a_technique_without_an_active_service_is_not_listed(self):
        self.therapist.techniques.add(Technique.objects.get(code="deep_tissue"))
        self.assertFalse(Service.objects.filter(technique__code="deep_tissue").exists())
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Swedish")
        self.assertNotContains(response, "Deep tissue")
        make_service("Deep tissue massage", "deep_tissue")
        self.assertContains(self.client.get(reverse("home")), "Deep tissue")

    def test_the_back_office_says_which_techniques_no_service_offers(self):
        self.therapist.techniques.add(Technique.objects.get(code="deep_tissue"))
        self.admin_user.is_superuser = True
        self.admin_user.save()
        self.login(self.admin_user)
        response = self.client.get(reverse("admin:clinic_therapist_changelist"))
        self.assertContains(response, "Deep tissue massage (no service offered)")


class SiteColourTests(ClinicTestCase):
    def test_progress_bars_use_the_site_colour(self):
        css = (Path(settings.BASE_DIR) / "clinic/static/clinic/clinic.css").read_text()
        self.assertIn(".progress { --bs-progress-bar-bg: #1f5f5b; }", css)
        self.assertIn("--bs-primary: #1f5f5b", css)
