"""Closing days that have bookings: the count after saving, moving or cancelling them with
the clients told, and the booking page saying the clinic is closed."""

from datetime import date

import time_machine
from django.core import mail
from django.urls import reverse

from bookings import closures
from bookings.models import Appointment
from clinic.models import ClientProfile, Closure
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
TUESDAY = date(2026, 3, 10)
SLOT = utc(2026, 3, 10, 10, 0)


@time_machine.travel(NOW, tick=False)
class ClosureCase(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        make_intake(cls.client_profile)
        make_intake(cls.other_client_profile)

    def setUp(self):
        self.ann = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, SLOT
        )
        self.other = make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 10, 14, 0),
        )
        # Not in the closure: the day before.
        self.monday = make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 9, 10, 0),
        )
        self.closure = Closure.objects.create(
            location=self.location, start_date=TUESDAY, end_date=TUESDAY, reason="Staff training"
        )


class FindingTheAffectedTests(ClosureCase):
    def test_only_open_appointments_on_the_closed_days_are_affected(self):
        make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 10, 12, 0),
            status="cancelled",
        )
        self.assertEqual(list(closures.appointments_in(self.closure)), [self.ann, self.other])

    def test_the_reason_names_the_days_and_why(self):
        self.assertEqual(
            closures.closure_reason(self.closure),
            "The clinic is closed on 10 March 2026 (Staff training).",
        )


class MovingAndCancellingTests(ClosureCase):
    def test_moving_puts_each_at_the_nearest_free_time_and_tells_the_client(self):
        with self.captureOnCommitCallbacks(execute=True):
            outcome = closures.move_out(closure=self.closure, by=self.admin_user)
        self.assertEqual(len(outcome.moved), 2)
        self.assertEqual(outcome.left, [])
        self.ann.refresh_from_db()
        self.other.refresh_from_db()
        # Nearest in time, either side: Monday's last start (18.5 hours before) for 10:00;
        # then, that taken, Wednesday's first (19 hours after) for 14:00.
        self.assertEqual(self.ann.start, utc(2026, 3, 9, 15, 30))
        self.assertEqual(self.other.start, utc(2026, 3, 11, 9, 0))
        self.assertFalse(closures.appointments_in(self.closure).exists())
        subjects = sorted(message.subject for message in mail.outbox)
        self.assertEqual(len(subjects), 2)
        self.assertTrue(all("has moved" in subject for subject in subjects))

    def test_cancelling_cancels_each_and_tells_the_client(self):
        with self.captureOnCommitCallbacks(execute=True):
            outcome = closures.cancel_in(closure=self.closure, by=self.admin_user)
        self.assertEqual(len(outcome.cancelled), 2)
        self.ann.refresh_from_db()
        self.assertEqual(self.ann.status, Appointment.Status.CANCELLED)
        self.assertIn("Staff training", self.ann.cancel_reason)
        self.monday.refresh_from_db()
        self.assertEqual(self.monday.status, Appointment.Status.BOOKED)
        self.assertEqual(len(mail.outbox), 2)

    def test_clients_without_e_mail_are_listed_to_call(self):
        ClientProfile.objects.filter(pk=self.other_client_profile.pk).update(contact_by_email=False)
        outcome = closures.cancel_in(closure=self.closure, by=self.admin_user)
        self.assertEqual([a.pk for a in outcome.not_emailed], [self.other.pk])


class AdminTests(ClosureCase):
    def test_saving_a_closure_with_bookings_says_how_many_and_leads_to_the_page(self):
        self.closure.delete()
        self.login(self.admin_user)
        response = self.client.post(
            reverse("admin:clinic_closure_add"),
            {
                "location": self.location.pk,
                "start_date": "2026-03-10",
                "end_date": "2026-03-10",
                "reason": "Burst pipe",
            },
            follow=True,
        )
        closure = Closure.objects.get()
        self.assertRedirects(response, reverse("bookings:closure_appointments", args=[closure.pk]))
        self.assertContains(response, "2 open appointments fall in")
        self.assertContains(response, "Move them to the nearest free time")
        self.assertContains(response, "Cancel them")

    def test_saving_a_closure_without_bookings_goes_back_to_the_list(self):
        self.login(self.admin_user)
        response = self.client.post(
            reverse("admin:clinic_closure_add"),
            {
                "location": self.location.pk,
                "start_date": "2026-03-20",
                "end_date": "2026-03-20",
                "reason": "",
            },
        )
        self.assertRedirects(response, reverse("admin:clinic_closure_changelist"))


class FollowUpPageTests(ClosureCase):
    def url(self, name="bookings:closure_appointments"):
        return reverse(name, args=[self.closure.pk])

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url())
        self.assertRedirects(response, f"{reverse('login')}?next={self.url()}")

    def test_front_desk_and_therapists_are_refused(self):
        for user in (self.front_desk_user, self.therapist_user, self.client_user):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                response = self.client.post(self.url("bookings:closure_cancel"))
                self.assertEqual(response.status_code, 403)
        self.assertEqual(closures.appointments_in(self.closure).count(), 2)

    def test_get_is_not_allowed_on_the_actions(self):
        self.login(self.admin_user)
        self.assertEqual(self.client.get(self.url("bookings:closure_move")).status_code, 405)

    def test_the_page_lists_the_affected_appointments(self):
        self.login(self.admin_user)
        response = self.client.get(self.url())
        self.assertContains(response, "2 open appointments fall in this closure")
        self.assertContains(response, self.client_profile.full_name)
        self.assertNotContains(response, "Mon 9 Mar")

    def test_moving_from_the_page_reports_what_happened(self):
        self.login(self.admin_user)
        response = self.client.post(self.url("bookings:closure_move"), follow=True)
        self.assertContains(response, "Moved 2 appointments to the nearest free time")
        self.assertContains(response, "No open appointments fall in this closure.")

    def test_cancelling_from_the_page_reports_what_happened(self):
        self.login(self.admin_user)
        response = self.client.post(self.url("bookings:closure_cancel"), follow=True)
        self.assertContains(response, "Cancelled 2 appointments; the clients are told.")


class BookingPageTests(ClosureCase):
    def test_the_booking_page_says_the_clinic_is_closed_that_day(self):
        self.login(self.client_user)
        response = self.client.get(
            reverse("bookings:book"),
            {"service": self.service.pk, "therapist": "", "day": "2026-03-10"},
        )
        self.assertContains(response, "The clinic is closed on Tuesday 10 March (Staff training).")
        self.assertNotContains(response, "No free times that day.")

    def test_an_open_day_without_times_still_says_no_free_times(self):
        self.login(self.client_user)
        response = self.client.get(
            reverse("bookings:book"),
            {"service": self.service.pk, "therapist": "", "day": "2026-03-14"},
        )
        self.assertContains(response, "No free times that day.")
        self.assertNotContains(response, "is closed")


class LocationInlineTests(ClosureCase):
    def test_a_closure_added_on_the_location_page_gets_the_same_notice(self):
        self.closure.delete()
        self.login(self.admin_user)
        url = reverse("admin:clinic_location_change", args=[self.location.pk])
        data = {
            "name": self.location.name,
            "address": self.location.address,
            "phone": self.location.phone,
            "email": "",
            "active": "on",
            "time_zone": self.location.time_zone,
            "emergency_number": self.location.emergency_number,
            "urgent_advice_number": self.location.urgent_advice_number,
            "slot_step_minutes": self.location.slot_step_minutes,
            "min_notice_hours": self.location.min_notice_hours,
            "booking_horizon_days": self.location.booking_horizon_days,
            "cancellation_cutoff_hours": self.location.cancellation_cutoff_hours,
            "rooms-TOTAL_FORMS": "1",
            "rooms-INITIAL_FORMS": "1",
            "rooms-0-id": self.room.pk,
            "rooms-0-location": self.location.pk,
            "rooms-0-name": self.room.name,
            "rooms-0-active": "on",
            "closures-TOTAL_FORMS": "1",
            "closures-INITIAL_FORMS": "0",
            "closures-0-location": self.location.pk,
            "closures-0-start_date": "2026-03-10",
            "closures-0-end_date": "2026-03-10",
            "closures-0-reason": "Burst pipe",
        }
        response = self.client.post(url, data, follow=True)
        closure = Closure.objects.get()
        self.assertContains(response, "2 open appointments fall in")
        self.assertContains(response, reverse("bookings:closure_appointments", args=[closure.pk]))

    def test_a_closure_ending_before_it_starts_is_refused_on_the_location_page(self):
        self.closure.delete()
        self.login(self.admin_user)
        response = self.client.post(
            reverse("admin:clinic_location_change", args=[self.location.pk]),
            {
                "name": self.location.name,
                "address": self.location.address,
                "phone": self.location.phone,
                "active": "on",
                "time_zone": self.location.time_zone,
                "emergency_number": self.location.emergency_number,
                "urgent_advice_number": self.location.urgent_advice_number,
                "slot_step_minutes": self.location.slot_step_minutes,
                "min_notice_hours": self.location.min_notice_hours,
                "booking_horizon_days": self.location.booking_horizon_days,
                "cancellation_cutoff_hours": self.location.cancellation_cutoff_hours,
                "rooms-TOTAL_FORMS": "0",
                "rooms-INITIAL_FORMS": "0",
                "closures-TOTAL_FORMS": "1",
                "closures-INITIAL_FORMS": "0",
                "closures-0-location": self.location.pk,
                "closures-0-start_date": "2026-03-10",
                "closures-0-end_date": "2026-03-09",
            },
        )
        self.assertContains(response, "The last day closed cannot be before the first day closed.")
        self.assertNotContains(response, "closure_end_not_before_start")
        self.assertFalse(Closure.objects.exists())
