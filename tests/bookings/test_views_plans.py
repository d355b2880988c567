from datetime import date

import time_machine
from django.urls import reverse

from bookings.models import Appointment, PlanProposalDraft, TreatmentPlan
from tests.base import ClinicTestCase, make_service
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)
FORM = {"weekdays": ["0", "3"], "preferred_time": "10:00", "first_day": "2026-03-09"}


@time_machine.travel(NOW, tick=False)
class PlanFlowTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.review = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        with time_machine.travel(NOW, tick=False):
            make_intake(cls.client_profile, onset=date(2026, 2, 16), pain_now=8)
        cls.new_url = reverse("bookings:plan_new")
        cls.review_url = reverse("bookings:plan_review")
        cls.drop_url = reverse("bookings:plan_drop")
        cls.move_url = reverse("bookings:plan_move")
        cls.confirm_url = reverse("bookings:plan_confirm")

    def propose(self, **extra):
        data = {"service": self.service.pk, "therapist": self.therapist.pk, **FORM, **extra}
        return self.client.post(self.new_url, data)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.new_url)
        self.assertTrue(response.url.startswith(reverse("login")))

    def test_therapists_do_not_use_the_client_plan_form(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.get(self.new_url).status_code, 403)

    def test_put_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.put(self.new_url).status_code, 405)

    def test_the_form_shows_the_recommended_plan(self):
        self.login(self.client_user)
        response = self.client.get(self.new_url)
        self.assertContains(response, "twice a week for 4 weeks (8 sessions)")

    def test_a_client_without_a_health_form_is_told_what_to_do(self):
        self.login(self.other_client_user)
        response = self.client.get(self.new_url)
        self.assertContains(response, "We need your health form")

    def test_no_weekday_chosen_is_a_form_error_and_nothing_is_proposed(self):
        self.login(self.client_user)
        response = self.propose(weekdays=[])
        self.assertContains(response, "This field is required.")
        self.assertFalse(PlanProposalDraft.objects.exists())

    def test_a_cleared_client_books_an_acute_plan_and_sees_every_session(self):
        self.login(self.client_user)
        response = self.propose()
        self.assertRedirects(response, self.review_url + "?")
        response = self.client.get(self.review_url)
        self.assertEqual(len(response.context["rows"]), 9)
        self.assertContains(response, "Mon 9 Mar 2026, 10:00")
        self.assertContains(response, "Reassessment")
        self.assertFalse(Appointment.objects.exists())
        response = self.client.post(self.confirm_url)
        plan = TreatmentPlan.objects.get()
        self.assertRedirects(response, reverse("bookings:plan_detail", args=[plan.pk]))
        page = self.client.get(reverse("bookings:plan_detail", args=[plan.pk]))
        self.assertContains(page, "Session 1 of 8, then a reassessment.")
        self.assertEqual(len(page.context["plan"].appointments.all()), 9)
        self.assertContains(page, "Mon 6 Apr 2026, 10:00")

    def test_a_session_can_be_dropped_before_confirming(self):
        self.login(self.client_user)
        self.propose()
        self.client.post(self.drop_url, {"index": "1"})
        response = self.client.get(self.review_url)
        self.assertEqual(len(response.context["rows"]), 8)

    def test_a_session_can_be_moved_to_another_free_time(self):
        self.login(self.client_user)
        self.propose()
        response = self.client.get(self.move_url, {"index": "0"})
        choices = [value for value, _ in response.context["move_form"].fields["start"].choices]
        wanted = next(v for v in choices if v.startswith("2026-03-10T14:00"))
        self.client.post(self.move_url, {"index": "0", "start": wanted})
        response = self.client.get(self.review_url)
        self.assertEqual(response.context["rows"][0]["start"].isoformat(), wanted)

    def test_a_collision_at_confirm_books_nothing_and_says_which_session(self):
        self.login(self.client_user)
        self.propose()
        make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 19, 10, 0),
        )
        response = self.client.post(self.confirm_url)
        self.assertContains(response, "Thursday 19 March at 10:00 was just taken", status_code=409)
        self.assertFalse(TreatmentPlan.objects.exists())
        self.assertEqual(Appointment.objects.count(), 1)

    def test_the_review_page_needs_a_login_and_a_booking_role(self):
        response = self.client.get(self.review_url)
        self.assertTrue(response.url.startswith(reverse("login")))
        self.login(self.therapist_user)
        self.assertEqual(self.client.get(self.review_url).status_code, 403)
        self.login(self.client_user)
        self.assertEqual(self.client.put(self.review_url).status_code, 405)

    def test_front_desk_books_a_plan_for_a_client(self):
        self.login(self.front_desk_user)
        client_id = str(self.client_profile.public_id)
        data = {"service": self.service.pk, "therapist": self.therapist.pk, **FORM}
        response = self.client.post(
            f"{self.new_url}?client={client_id}", {**data, "client": client_id}
        )
        self.assertRedirects(response, f"{self.review_url}?client={client_id}")
        self.client.post(self.confirm_url, {"client": client_id})
        plan = TreatmentPlan.objects.get()
        self.assertEqual(
            (plan.client, plan.created_by), (self.client_profile, self.front_desk_user)
        )
        self.assertEqual(plan.appointments.count(), 9)

    def test_a_proposal_made_for_one_client_is_not_used_for_another(self):
        self.login(self.front_desk_user)
        client_id = str(self.client_profile.public_id)
        data = {"service": self.service.pk, "therapist": self.therapist.pk, **FORM}
        self.client.post(self.new_url, {**data, "client": client_id})
        other_id = str(self.other_client_profile.public_id)
        response = self.client.post(self.confirm_url, {"client": other_id})
        self.assertRedirects(response, f"{self.new_url}?client={other_id}")
        self.assertFalse(TreatmentPlan.objects.exists())

    def test_the_review_page_without_a_proposal_goes_back_to_the_form(self):
        self.login(self.client_user)
        self.assertRedirects(self.client.get(self.review_url), self.new_url + "?")


@time_machine.travel(NOW, tick=False)
class PlanDetailTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.plan = TreatmentPlan.objects.create(
            client=cls.client_profile,
            therapist=cls.therapist,
            kind="acute",
            sessions_per_week=1,
            weeks=2,
            session_minutes=60,
            technique=cls.service.technique,
            service=cls.service,
            status="active",
        )
        cls.client_profile.care_team.add(cls.therapist)
        cls.url = reverse("bookings:plan_detail", args=[cls.plan.pk])

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.assertTrue(self.client.get(self.url).url.startswith(reverse("login")))

    def test_another_client_gets_not_found(self):
        self.login(self.other_client_user)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_post_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_clients_cannot_change_a_plan(self):
        self.login(self.client_user)
        response = self.client.post(reverse("bookings:plan_change", args=[self.plan.pk]), {})
        self.assertEqual(response.status_code, 403)

    def test_the_client_sees_the_plan_progress(self):
        self.login(self.client_user)
        self.assertContains(self.client.get(self.url), "No sessions booked yet.")

    def test_the_therapist_changes_cadence_and_length(self):
        self.login(self.therapist_user)
        response = self.client.post(
            reverse("bookings:plan_change", args=[self.plan.pk]),
            {
                "sessions_per_week": 2,
                "weeks": 3,
                "session_minutes": 45,
                "technique": self.service.technique.pk,
                "service": self.service.pk,
                "notes": "",
            },
        )
        self.assertRedirects(response, self.url)
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.sessions_per_week, self.plan.weeks), (2, 3))
        self.assertEqual(self.plan.session_minutes, 45)

    def test_an_acute_plan_without_a_cadence_is_refused(self):
        self.login(self.therapist_user)
        response = self.client.post(
            reverse("bookings:plan_change", args=[self.plan.pk]),
            {
                "session_minutes": 60,
                "technique": self.service.technique.pk,
                "service": self.service.pk,
            },
        )
        self.assertContains(response, "Required for an acute plan.", status_code=400)

    def test_a_maintenance_plan_follows_a_completed_reassessment(self):
        review = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        make_appointment(
            self.client_profile,
            self.therapist,
            review,
            self.room,
            utc(2026, 2, 23, 10, 0),
            status="completed",
            plan=self.plan,
            is_reassessment=True,
        )
        self.login(self.therapist_user)
        self.assertContains(self.client.get(self.url), "After the reassessment")
        self.client.post(
            reverse("bookings:plan_maintenance", args=[self.plan.pk]),
            {"interval_weeks": 4, "session_minutes": 60, "service": self.service.pk},
        )
        follow_up = TreatmentPlan.objects.get(previous=self.plan)
        self.assertEqual(
            (follow_up.kind, follow_up.status, follow_up.interval_weeks),
            ("maintenance", "proposed", 4),
        )
