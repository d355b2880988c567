"""Issue 11 end to end: the course notice on the day and the week, today's answers in the
safety part, and every link the issue asks for."""

from datetime import date

from django.urls import reverse

from bookings import checks, reassessments
from bookings.chart import safety_summary, technique_suggestion
from bookings.models import Appointment, DayOfCheck, TreatmentPlan
from intake.models import HealthDataAccess, Review
from tests.base import make_service
from tests.bookings.helpers import make_appointment, utc
from tests.bookings.test_chart import ChartCase, grant_health_permission
from tests.intake.factories import make_intake

NO = dict.fromkeys(checks.ANSWERS, False)


class CourseNoticeOnTheDayAndWeekTests(ChartCase):
    def setUp(self):
        TreatmentPlan.objects.filter(pk=self.plan.pk).update(course_alert="not_improving")
        self.pages = (reverse("therapist_today"), reverse("bookings:therapist_week"))

    def test_the_carer_sees_it_linked_to_the_chart_and_the_reading_is_logged(self):
        self.login(self.therapist_user)
        for url in self.pages:
            response = self.client.get(url)
            self.assertContains(response, 'data-course-notice="not_improving"', msg_prefix=url)
            self.assertContains(response, "Not improving after 4 weeks")
            self.assertContains(response, self.chart_url() + "#plans-heading")
        self.assertEqual(
            set(
                HealthDataAccess.objects.filter(client=self.client_profile).values_list(
                    "detail", flat=True
                )
            ),
            {"therapist today: course notice", "therapist week: course notice"},
        )

    def test_worse_has_its_own_words(self):
        TreatmentPlan.objects.filter(pk=self.plan.pk).update(course_alert="worse")
        self.login(self.therapist_user)
        self.assertContains(self.client.get(self.pages[1]), "Pain worse than at the start")

    def test_a_therapist_who_does_not_treat_the_client_never_sees_it(self):
        self.client_profile.care_team.clear()
        Appointment.objects.filter(pk=self.appointment.pk).update(therapist=self.stranger)
        self.login(self.stranger.user)
        for url in self.pages:
            response = self.client.get(url)
            self.assertContains(response, "Ann Client", msg_prefix=url)
            self.assertNotContains(response, "data-course-notice", msg_prefix=url)
            self.assertNotContains(response, "Not improving", msg_prefix=url)
        self.assertFalse(HealthDataAccess.objects.exists())

    def test_a_finished_plans_old_notice_is_not_shown(self):
        TreatmentPlan.objects.filter(pk=self.plan.pk).update(status="completed")
        self.login(self.therapist_user)
        for url in self.pages:
            self.assertNotContains(self.client.get(url), "data-course-notice", msg_prefix=url)

    def test_the_chart_says_it_too_and_leads_to_the_reassessment(self):
        self.login(self.therapist_user)
        response = self.client.get(self.chart_url())
        self.assertContains(response, 'data-course-alert="not_improving"')
        self.assertContains(response, reverse("bookings:plan_detail", args=[self.plan.pk]))


class DayOfAnswersInTheSafetyPartTests(ChartCase):
    def pages(self):
        return [
            reverse("bookings:appointment_detail", args=[self.appointment.pk]),
            reverse("bookings:record_visit", args=[self.appointment.pk]),
        ]

    def top(self, body):
        """The safety part: from its marker to the end of its section."""
        start = body.index("data-safety")
        return body[start : body.index("</section>", start)]

    def test_painkillers_today_tell_the_therapist_to_read_pressure_feedback_with_care(self):
        checks.record_day_of(self.appointment, {**NO, "painkillers": True}, via="link")
        self.login(self.therapist_user)
        for url in self.pages():
            top = self.top(self.client.get(url).content.decode())
            self.assertIn("data-day-of-painkillers", top, url)
            self.assertIn("feedback on pressure may be dulled", top)
            self.assertNotIn("data-day-of-stop", top)

    def test_a_stop_waits_and_once_cleared_says_who_cleared_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            checks.record_day_of(self.appointment, {**NO, "fever": True}, via="desk")
        self.login(self.therapist_user)
        top = self.top(self.client.get(self.pages()[0]).content.decode())
        self.assertIn("data-day-of-stop", top)
        self.assertIn("speak to the client before the session", top)
        response = self.client.post(reverse("bookings:release_hold", args=[self.appointment.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(DayOfCheck.objects.get().cleared_at)
        top = self.top(self.client.get(self.pages()[0]).content.decode())
        self.assertNotIn("data-day-of-stop", top)
        self.assertIn("data-day-of-cleared", top)
        self.assertIn("by Theo Therapist", top)

    def test_nothing_shows_before_any_answer_and_never_to_desk_or_the_client(self):
        self.login(self.therapist_user)
        self.assertNotContains(self.client.get(self.pages()[0]), "data-safety-day-of")
        checks.record_day_of(self.appointment, {**NO, "painkillers": True}, via="link")
        for user in (self.front_desk_user, self.admin_user, self.client_user):
            self.login(user)
            response = self.client.get(self.pages()[0])
            self.assertNotContains(response, "data-safety-day-of")
            self.assertNotContains(response, "feedback on pressure")


class ChartLinksTests(ChartCase):
    """Every link issue 11 asks for, followed for the treating therapist."""

    def test_the_appointment_the_plan_and_the_chart_lead_to_the_reassessment(self):
        review = make_appointment(
            self.client_profile,
            self.therapist,
            self.service,
            self.room,
            utc(2026, 3, 17, 10, 0),
            plan=self.plan,
            plan_sequence=5,
            is_reassessment=True,
        )
        url = reverse("bookings:reassessment", args=[review.pk])
        self.login(self.therapist_user)
        for page in (
            reverse("bookings:appointment_detail", args=[review.pk]),
            reverse("bookings:plan_detail", args=[self.plan.pk]),
            self.chart_url(),
        ):
            self.assertContains(self.client.get(page), url, msg_prefix=page)
        self.assertEqual(self.client.get(url).status_code, 200)
        # Front desk and the client see the appointment, never the reassessment link.
        for user in (self.front_desk_user, self.client_user):
            self.login(user)
            page = self.client.get(reverse("bookings:appointment_detail", args=[review.pk]))
            self.assertNotContains(page, url)

    def test_the_appointment_links_to_the_chart_for_the_owner_and_health_staff(self):
        grant_health_permission(self.admin_user)
        for user in (self.owner, self.admin_user):
            self.login(user)
            page = self.client.get(
                reverse("bookings:appointment_detail", args=[self.appointment.pk])
            )
            self.assertContains(page, self.chart_url())


class TheReviewersLimitComesIntoTheSuggestionTests(ChartCase):
    """The reviewer decides after the form: their pressure limit bounds the technique."""

    def setUp(self):
        # A form that on its own suggests deep tissue (chronic pain, no gentle flags).
        self.form = make_intake(self.client_profile, onset=date(2025, 1, 1), pain_now=6)
        self.assertEqual(self.form.technique_suggestion().technique, "deep_tissue")
        self.deep = make_service("Deep tissue massage", technique="deep_tissue")

    def review(self, limit):
        Review.objects.create(
            intake=self.form,
            reviewer=self.therapist_user,
            decision="cleared_with_changes",
            pressure_limit=limit,
        )

    def test_a_light_limit_makes_it_gentle_and_says_why(self):
        self.review("light")
        safety = safety_summary(self.client_profile, on=date(2026, 3, 10))
        self.assertEqual(safety.technique_code, "swedish")
        self.assertEqual(safety.gentle_reasons, ["the reviewer's pressure limit"])
        self.login(self.therapist_user)
        self.assertContains(
            self.client.get(self.chart_url()), "because of the reviewer&#x27;s pressure limit"
        )
        self.assertEqual(reassessments.other_technique_services(self.plan, self.client_profile), [])

    def test_a_medium_limit_rules_deep_tissue_out(self):
        self.review("medium")
        self.assertEqual(
            technique_suggestion(self.form, self.form.reviews.first()).technique, "swedish"
        )
        self.assertNotIn(
            self.deep, reassessments.other_technique_services(self.plan, self.client_profile)
        )

    def test_no_limit_or_firm_leaves_the_forms_suggestion(self):
        for limit in ("", "firm"):
            with self.subTest(limit=limit):
                Review.objects.all().delete()
                self.review(limit)
                safety = safety_summary(self.client_profile, on=date(2026, 3, 10))
                self.assertEqual(safety.technique_code, "deep_tissue")
                self.assertIn(
                    self.deep,
                    reassessments.other_technique_services(self.plan, self.client_profile),
                )
