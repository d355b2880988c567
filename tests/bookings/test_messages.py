"""Messages that tell the true reason: why a time cannot be booked, a second visit, the
cancellation window once inside it, a closure's dates, "an acute plan", service names."""

from datetime import date, timedelta

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from bookings import appointments
from bookings.errors import BookingError, SlotTaken
from bookings.models import Appointment, Visit
from clinic.models import Closure, Room
from clinic.templatetags.clinic_tags import with_article
from tests.base import ClinicTestCase, make_therapist
from tests.bookings.helpers import BookingViewCase, make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
SLOT = utc(2026, 3, 10, 10, 0)  # a Tuesday; London is on GMT, so 10:00 local


@time_machine.travel(NOW, tick=False)
class WhyATimeCannotBeBookedTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.url = reverse("bookings:confirm")
        make_intake(cls.client_profile)

    def post(self, start):
        self.login(self.client_user)
        return self.client.post(
            self.url,
            {"service": self.service.pk, "therapist": self.therapist.pk, "start": start},
        )

    def assert_told(self, start, words):
        before = Appointment.objects.count()
        response = self.post(start.isoformat())
        self.assertContains(response, words, status_code=409)
        self.assertNotContains(response, "just taken", status_code=409)
        self.assertEqual(Appointment.objects.count(), before)

    def test_a_time_in_the_past_says_it_has_passed(self):
        self.assert_told(utc(2026, 3, 1, 10, 0), "That time has already passed.")

    def test_a_time_off_the_grid_says_so(self):
        self.assert_told(utc(2026, 3, 10, 10, 10), "not on the booking grid")

    def test_a_time_outside_working_hours_says_outside_opening_hours(self):
        self.assert_told(utc(2026, 3, 10, 20, 0), "That time is outside opening hours.")

    def test_a_time_on_a_weekend_says_outside_opening_hours(self):
        self.assert_told(utc(2026, 3, 14, 10, 0), "That time is outside opening hours.")

    def test_a_time_running_past_the_end_of_the_day_says_outside_opening_hours(self):
        # 16:30 + 60 minutes + 15 buffer ends after 17:00.
        self.assert_told(utc(2026, 3, 10, 16, 30), "That time is outside opening hours.")

    def test_a_time_on_a_closed_day_says_the_clinic_is_closed(self):
        Closure.objects.create(
            location=self.location, start_date=date(2026, 3, 10), end_date=date(2026, 3, 10)
        )
        self.assert_told(SLOT, "The clinic is closed that day.")

    def test_a_time_booked_by_someone_else_says_it_was_just_taken(self):
        make_appointment(self.other_client_profile, self.therapist, self.service, self.room, SLOT)
        response = self.post(SLOT.isoformat())
        self.assertContains(response, "That time was just taken", status_code=409)
        self.assertContains(response, "Someone booked", status_code=409)

    def test_a_time_the_client_already_has_a_visit_at_says_so(self):
        colleague = make_therapist(
            "colleague@example.com", location=self.location, hours=weekday_hours()
        )
        Room.objects.create(location=self.location, name="Room 2")
        make_appointment(self.client_profile, colleague, self.service, self.room, SLOT)
        self.assert_told(SLOT, "There is already an appointment for this client at that time.")

    def test_the_domain_gives_a_code_for_each_reason(self):
        cases = {
            utc(2026, 3, 1, 10, 0): "past",
            utc(2026, 3, 10, 10, 10): "off_grid",
            utc(2026, 3, 10, 20, 0): "out_of_hours",
        }
        for start, code in cases.items():
            with self.subTest(code=code), self.assertRaises(SlotTaken) as raised:
                appointments.book_appointment(
                    client=self.client_profile,
                    therapist=self.therapist,
                    service=self.service,
                    start=start,
                    by=self.client_user,
                )
            self.assertEqual(raised.exception.code, code)

    def test_inside_the_minimum_notice_says_too_soon(self):
        self.location.min_notice_hours = 48
        self.location.save(update_fields=["min_notice_hours"])
        self.assert_told(utc(2026, 3, 3, 10, 0), "too soon to book online")

    def test_beyond_the_horizon_says_too_far_ahead(self):
        self.location.booking_horizon_days = 5
        self.location.save(update_fields=["booking_horizon_days"])
        self.assert_told(SLOT, "further ahead than we take bookings")

    def test_a_move_to_a_past_time_says_it_has_passed(self):
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, SLOT
        )
        with self.assertRaises(SlotTaken) as raised:
            appointments.reschedule_appointment(
                appointment=appointment,
                start=utc(2026, 3, 1, 10, 0),
                by=self.front_desk_user,
                reason="asked by phone",
            )
        self.assertEqual(raised.exception.code, "past")


class SecondVisitTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        make_intake(cls.client_profile)
        cls.client_profile.care_team.add(cls.therapist)

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, SLOT
        )
        with time_machine.travel(SLOT + timedelta(hours=1), tick=False):
            self.visit = appointments.record_visit(
                appointment=self.appointment, by=self.therapist_user, pain_score=5
            )

    @time_machine.travel(SLOT + timedelta(hours=2), tick=False)
    def test_recording_a_recorded_visit_again_says_it_is_recorded_and_links_to_it(self):
        self.login(self.therapist_user)
        url = reverse("bookings:record_visit", args=[self.appointment.pk])
        response = self.client.post(url, {"pain_score": "3"}, follow=True)
        chart = reverse("bookings:chart", args=[self.client_profile.pk])
        self.assertRedirects(response, f"{chart}#visit-{self.visit.pk}")
        self.assertContains(response, "This visit was already recorded on 10 March at 11:00")
        self.assertNotContains(response, "once an open appointment has started")
        self.assertEqual(Visit.objects.get().pain_score, 5)

    @time_machine.travel(SLOT + timedelta(hours=2), tick=False)
    def test_the_domain_refuses_a_second_visit_with_its_own_code(self):
        with self.assertRaises(BookingError) as raised:
            appointments.record_visit(
                appointment=self.appointment, by=self.therapist_user, pain_score=2
            )
        self.assertEqual(raised.exception.code, "already_recorded")


class CancellationWindowTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, SLOT
        )
        self.url = reverse("bookings:appointment_detail", args=[self.appointment.pk])
        self.login(self.client_user)

    def test_outside_the_window_the_page_offers_free_changes_until_the_cutoff(self):
        with time_machine.travel(SLOT - timedelta(days=3), tick=False):
            response = self.client.get(self.url)
        self.assertContains(response, "without charge until Monday 9 March, 10:00")

    def test_inside_the_window_the_page_says_it_is_too_late_to_move_for_free(self):
        with time_machine.travel(SLOT - timedelta(hours=3), tick=False):
            response = self.client.get(self.url)
        self.assertNotContains(response, "without charge until")
        self.assertContains(response, "can no longer be moved online")
        self.assertContains(response, "counts as a late cancellation")

    def test_the_confirm_page_for_a_time_inside_the_window_says_so(self):
        make_intake(self.client_profile)
        with time_machine.travel(SLOT - timedelta(hours=3), tick=False):
            response = self.client.get(
                reverse("bookings:confirm"),
                {
                    "service": self.service.pk,
                    "therapist": self.therapist.pk,
                    "start": (SLOT + timedelta(hours=2)).isoformat(),
                },
            )
        self.assertContains(response, "less than 24 hours away")
        self.assertNotContains(response, "without charge up to")


class ClosureDatesTests(ClinicTestCase):
    def test_a_closure_ending_before_it_starts_is_refused_in_words(self):
        closure = Closure(
            location=self.location, start_date=date(2026, 3, 10), end_date=date(2026, 3, 9)
        )
        with self.assertRaises(ValidationError) as raised:
            closure.full_clean()
        self.assertEqual(
            raised.exception.message_dict,
            {"end_date": ["The last day closed cannot be before the first day closed."]},
        )

    def test_the_admin_form_shows_the_message_not_the_constraint_name(self):
        self.login(self.admin_user)
        response = self.client.post(
            reverse("admin:clinic_closure_add"),
            {
                "location": self.location.pk,
                "start_date": "2026-03-10",
                "end_date": "2026-03-09",
                "reason": "",
            },
        )
        self.assertContains(response, "The last day closed cannot be before the first day closed.")
        self.assertNotContains(response, "closure_end_not_before_start")
        self.assertFalse(Closure.objects.exists())


class WordingTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()

    def test_a_and_an_follow_the_word(self):
        self.assertEqual(with_article("acute"), "an acute")
        self.assertEqual(with_article("maintenance"), "a maintenance")

    @time_machine.travel(NOW, tick=False)
    def test_the_plan_form_says_an_acute_plan(self):
        make_intake(self.client_profile)
        self.login(self.client_user)
        response = self.client.get(reverse("bookings:plan_new"))
        self.assertContains(response, "an acute plan")
        self.assertNotContains(response, "a acute plan")

    @time_machine.travel(NOW, tick=False)
    def test_service_names_are_shown_as_staff_typed_them(self):
        appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, SLOT
        )
        self.login(self.client_user)
        for name in ("bookings:cancel", "bookings:reschedule"):
            with self.subTest(page=name):
                response = self.client.get(reverse(name, args=[appointment.pk]))
                self.assertContains(response, "Swedish massage")
                self.assertNotContains(response, "swedish massage")
