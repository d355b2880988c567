import time_machine
from django.urls import reverse

from bookings.models import Appointment, Visit
from intake.models import HealthDataAccess
from tests.base import ClinicTestCase, make_therapist
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

START = utc(2026, 3, 10, 10, 0)  # Tuesday; cut-off Monday 10:00
BEFORE_CUTOFF = utc(2026, 3, 2, 8, 0)
AFTER_START = utc(2026, 3, 10, 10, 30)


class AppointmentViewCase(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        with time_machine.travel(utc(2026, 3, 1), tick=False):
            make_intake(cls.client_profile)
        cls.other_therapist = make_therapist("ben@example.com", location=cls.location)

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, START
        )

    def url(self, name):
        return reverse(name, args=[self.appointment.pk])


@time_machine.travel(BEFORE_CUTOFF, tick=False)
class AppointmentDetailTests(AppointmentViewCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url("bookings:appointment_detail"))
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_another_client_gets_not_found(self):
        self.login(self.other_client_user)
        self.assertEqual(self.client.get(self.url("bookings:appointment_detail")).status_code, 404)

    def test_another_therapist_gets_not_found(self):
        self.login(self.other_therapist.user)
        self.assertEqual(self.client.get(self.url("bookings:appointment_detail")).status_code, 404)

    def test_post_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.post(self.url("bookings:appointment_detail")).status_code, 405)

    def test_the_client_sees_the_appointment_and_the_policy(self):
        self.login(self.client_user)
        response = self.client.get(self.url("bookings:appointment_detail"))
        self.assertContains(response, "Tuesday 10 March 2026, 10:00 to 11:00")
        self.assertContains(response, "until Monday 9 March, 10:00")
        self.assertContains(response, self.url("bookings:cancel"))

    def test_front_desk_and_the_therapist_see_it(self):
        for user in (self.front_desk_user, self.therapist_user):
            self.login(user)
            self.assertEqual(
                self.client.get(self.url("bookings:appointment_detail")).status_code, 200
            )


class CancelViewTests(AppointmentViewCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.post(self.url("bookings:cancel"))
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_another_client_gets_not_found(self):
        self.login(self.other_client_user)
        self.assertEqual(self.client.post(self.url("bookings:cancel")).status_code, 404)

    def test_put_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.put(self.url("bookings:cancel")).status_code, 405)

    @time_machine.travel(BEFORE_CUTOFF, tick=False)
    def test_a_client_cancels_in_time(self):
        self.login(self.client_user)
        self.assertContains(self.client.get(self.url("bookings:cancel")), "there is no charge")
        response = self.client.post(self.url("bookings:cancel"))
        self.assertRedirects(response, self.url("bookings:appointment_detail"))
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.CANCELLED)

    @time_machine.travel(utc(2026, 3, 9, 18, 0), tick=False)
    def test_a_late_cancellation_shows_the_policy_first_and_is_marked_late(self):
        self.login(self.client_user)
        self.assertContains(
            self.client.get(self.url("bookings:cancel")), "counts as a late cancellation"
        )
        self.client.post(self.url("bookings:cancel"))
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.LATE_CANCELLED)

    @time_machine.travel(BEFORE_CUTOFF, tick=False)
    def test_front_desk_must_give_a_reason(self):
        self.login(self.front_desk_user)
        response = self.client.post(self.url("bookings:cancel"), {"reason": ""})
        self.assertContains(response, "This field is required.")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.BOOKED)
        self.client.post(self.url("bookings:cancel"), {"reason": "Therapist unwell."})
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.cancel_reason, "Therapist unwell.")


class RescheduleViewTests(AppointmentViewCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url("bookings:reschedule"))
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_another_client_gets_not_found(self):
        self.login(self.other_client_user)
        self.assertEqual(self.client.get(self.url("bookings:reschedule")).status_code, 404)

    def test_delete_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.delete(self.url("bookings:reschedule")).status_code, 405)

    @time_machine.travel(BEFORE_CUTOFF, tick=False)
    def test_a_client_moves_the_appointment_to_a_free_time(self):
        self.login(self.client_user)
        response = self.client.get(self.url("bookings:reschedule"), {"date": "2026-03-11"})
        self.assertContains(response, "Wed 11 Mar 10:00")
        new = utc(2026, 3, 11, 10, 0).isoformat()
        choice = next(
            v
            for v, _ in response.context["form"].fields["start"].choices
            if v.startswith("2026-03-11T10:00")
        )
        response = self.client.post(
            self.url("bookings:reschedule") + "?date=2026-03-11", {"start": choice}
        )
        self.assertRedirects(response, self.url("bookings:appointment_detail"))
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.start.isoformat(), new)

    @time_machine.travel(BEFORE_CUTOFF, tick=False)
    def test_a_time_not_offered_is_refused_on_the_form(self):
        self.login(self.client_user)
        response = self.client.post(
            self.url("bookings:reschedule"), {"start": "2026-03-10T03:00:00+00:00"}
        )
        self.assertContains(response, "Select a valid choice")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.start, START)

    @time_machine.travel(utc(2026, 3, 9, 18, 0), tick=False)
    def test_after_the_cutoff_a_client_is_told_to_call_or_cancel(self):
        self.login(self.client_user)
        response = self.client.get(self.url("bookings:reschedule"))
        self.assertContains(response, "can no longer be moved online", status_code=403)


@time_machine.travel(AFTER_START, tick=False)
class NoShowAndVisitTests(AppointmentViewCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.post(self.url("bookings:mark_no_show"))
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_clients_cannot_mark_no_shows(self):
        self.login(self.client_user)
        self.assertEqual(self.client.post(self.url("bookings:mark_no_show")).status_code, 403)

    def test_get_is_not_allowed_for_no_shows(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(self.url("bookings:mark_no_show")).status_code, 405)

    def test_another_therapist_gets_not_found(self):
        self.login(self.other_therapist.user)
        self.assertEqual(self.client.post(self.url("bookings:mark_no_show")).status_code, 404)

    def test_front_desk_marks_a_no_show(self):
        self.login(self.front_desk_user)
        self.client.post(self.url("bookings:mark_no_show"))
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.NO_SHOW)

    def test_front_desk_cannot_record_visits(self):
        self.login(self.front_desk_user)
        self.assertEqual(self.client.get(self.url("bookings:record_visit")).status_code, 403)

    def test_another_therapist_cannot_record_the_visit(self):
        self.login(self.other_therapist.user)
        self.assertEqual(self.client.get(self.url("bookings:record_visit")).status_code, 404)

    def test_the_therapist_records_the_visit_and_it_is_logged(self):
        self.login(self.therapist_user)
        response = self.client.post(
            self.url("bookings:record_visit"), {"pain_score": 4, "notes": "Eased lower back."}
        )
        self.assertRedirects(response, reverse("therapist_today"))
        visit = Visit.objects.get()
        self.assertEqual((visit.pain_score, visit.recorded_by), (4, self.therapist_user))
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, Appointment.Status.COMPLETED)
        self.assertTrue(
            HealthDataAccess.objects.filter(
                user=self.therapist_user, client=self.client_profile
            ).exists()
        )

    def test_a_pain_score_out_of_range_changes_nothing(self):
        self.login(self.therapist_user)
        response = self.client.post(self.url("bookings:record_visit"), {"pain_score": 11})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Visit.objects.exists())
