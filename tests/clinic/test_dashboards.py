from datetime import date

import time_machine
from django.urls import reverse

from bookings.models import Appointment, TreatmentPlan, Visit
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 10, 7, 0)  # Tuesday


@time_machine.travel(NOW, tick=False)
class TherapistTodayTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.url = reverse("therapist_today")
        with time_machine.travel(utc(2026, 3, 9), tick=False):
            cls.review_intake = make_intake(cls.client_profile, yes={"varicose_veins"})
            make_intake(cls.other_client_profile)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.assertTrue(self.client.get(self.url).url.startswith(reverse("login")))

    def test_clients_and_front_desk_get_forbidden(self):
        for user in (self.client_user, self.front_desk_user):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_post_is_not_allowed(self):
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_unreviewed_health_forms_come_first_with_a_link_to_the_review(self):
        make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 10, 9, 0),
        )
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 10, 14, 0)
        )
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 12, 9, 0)
        )
        self.login(self.therapist_user)
        response = self.client.get(self.url)
        todays = response.context["todays"]
        self.assertEqual(
            [a.client for a in todays], [self.client_profile, self.other_client_profile]
        )
        self.assertEqual(len(response.context["later"]), 1)
        self.assertContains(response, reverse("intake:review", args=[self.review_intake.public_id]))

    def test_today_links_to_the_calendar_feed(self):
        self.login(self.therapist_user)
        response = self.client.get(self.url)
        self.assertContains(response, reverse("bookings:feed_settings"))
        self.assertContains(response, "Calendar feed for your phone")

    def test_other_therapists_appointments_are_not_shown(self):
        other = make_therapist("ben@example.com", location=self.location)
        make_appointment(
            self.client_profile, other, self.service, self.room, utc(2026, 3, 10, 9, 0)
        )
        self.login(self.therapist_user)
        self.assertEqual(self.client.get(self.url).context["todays"], [])

    def test_query_count_does_not_grow_with_appointments(self):
        self.login(self.therapist_user)
        make_appointment(
            self.client_profile, self.therapist, self.service, self.room, utc(2026, 3, 10, 9, 0)
        )
        # Nine, one for which clients' charts the therapist may open, and one for the
        # after-visit replies that need
        # the therapist, and one for the session's two-step device.
        with self.assertNumQueries(12):
            self.client.get(self.url)
        for hour in (11, 13, 15):
            make_appointment(
                self.other_client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, 10, hour, 0),
            )
        # Nine, one for which clients' charts the therapist may open, and one for the
        # after-visit replies that need
        # the therapist, and one for the session's two-step device.
        with self.assertNumQueries(12):
            self.client.get(self.url)


@time_machine.travel(NOW, tick=False)
class ClientDashboardTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.url = reverse("client_dashboard")

    def test_anonymous_visitors_are_sent_to_log_in(self):
        self.assertTrue(self.client.get(self.url).url.startswith(reverse("login")))

    def test_therapists_and_front_desk_get_forbidden(self):
        for user in (self.therapist_user, self.front_desk_user):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_post_is_not_allowed(self):
        self.login(self.client_user)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_a_new_client_is_asked_for_the_health_form(self):
        self.login(self.client_user)
        response = self.client.get(self.url)
        self.assertContains(response, reverse("intake:start"))
        self.assertContains(response, "Nothing booked.")

    def test_a_paused_plan_shows_with_its_resume_button_and_a_proposed_one_asks_for_times(self):
        paused = TreatmentPlan.objects.create(
            client=self.client_profile,
            kind="maintenance",
            interval_weeks=4,
            technique=self.service.technique,
            service=self.service,
            therapist=self.therapist,
            status="paused",
            paused_at=utc(2026, 3, 3, 9, 0),
        )
        make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 2, 10, 0),
            status="completed",
            plan=paused,
            plan_sequence=1,
        )
        proposed = TreatmentPlan.objects.create(
            client=self.client_profile,
            kind="acute",
            sessions_per_week=1,
            weeks=4,
            technique=self.service.technique,
            service=self.service,
            status="proposed",
        )
        self.login(self.client_user)
        response = self.client.get(self.url)
        self.assertContains(response, 'data-dashboard-plan="paused"')
        self.assertContains(response, "is <strong>paused</strong> since 3 March")
        rolling = reverse("bookings:plan_rolling", args=[paused.pk])
        self.assertContains(response, f'action="{rolling}"')
        self.assertContains(response, 'value="resume"')
        self.assertContains(response, 'data-dashboard-plan="proposed"')
        self.assertContains(response, reverse("bookings:plan_new"))
        self.assertNotIn(proposed, [response.context["plan"]])
        response = self.client.post(rolling, {"action": "resume"})
        self.assertRedirects(response, paused.get_absolute_url(), fetch_redirect_response=False)
        paused.refresh_from_db()
        self.assertEqual(paused.status, "active")
        # Another client's dashboard lists none of Ann's plans.
        self.login(self.other_client_user)
        self.assertNotContains(self.client.get(self.url), "data-dashboard-plan")

    def test_the_dashboard_shows_the_next_visit_plan_progress_and_pain_scores(self):
        make_intake(self.client_profile, onset=date(2026, 2, 1))
        plan = TreatmentPlan.objects.create(
            client=self.client_profile,
            kind="acute",
            sessions_per_week=1,
            weeks=3,
            technique=self.service.technique,
            service=self.service,
            status="active",
        )
        for day, score in ((2, 7), (9, 5)):
            past = make_appointment(
                self.client_profile,
                self.therapist,
                self.service,
                self.room,
                utc(2026, 3, day, 10, 0),
                status="completed",
                plan=plan,
                plan_sequence=day,
            )
            Visit.objects.create(appointment=past, pain_score=score)
        make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 16, 10, 0),
            plan=plan,
            plan_sequence=3,
        )
        make_appointment(
            self.other_client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 11, 10, 0),
        )
        self.login(self.client_user)
        response = self.client.get(self.url)
        self.assertContains(response, "Monday 16 March, 10:00")
        self.assertContains(response, "Session 3 of 3, then a reassessment.")
        self.assertContains(response, "<td>7</td>", html=True)
        self.assertContains(response, "<polyline")
        self.assertEqual(Appointment.objects.for_client(self.client_profile).count(), 3)
