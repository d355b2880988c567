"""Issue 11's new pages attacked by every role: by URL and by hand-made POST.

Each refused request answers with the right status, writes nothing (the snapshot of
every table the page could change is the same before and after) and is never a 500;
a double submit writes once.
"""

from datetime import timedelta

import time_machine
from django.urls import reverse

from bookings import checks, reassessments
from bookings.models import (
    AftercareCheck,
    Appointment,
    DayOfCheck,
    Reassessment,
    TreatmentPlan,
    Visit,
    VisitAmendment,
)
from intake.models import HealthDataAccess
from tests.bookings.helpers import make_appointment, utc
from tests.bookings.test_chart import NOW, ChartCase

NO = dict.fromkeys(checks.ANSWERS, "no")
LOGIN = "login"


class AttackCase(ChartCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.review = make_appointment(
            cls.client_profile,
            cls.therapist,
            cls.service,
            cls.room,
            utc(2026, 3, 9, 10, 0),
            status=Appointment.Status.COMPLETED,
            plan=cls.plan,
            plan_sequence=3,
            is_reassessment=True,
        )
        # Recorded an hour ago by the carer: still theirs to correct.
        cls.recent = Visit.objects.create(
            appointment=cls.review,
            pain_score=6,
            notes="Worked the upper back.",
            recorded_by=cls.therapist_user,
            recorded_at=NOW - timedelta(hours=1),
        )
        cls.rolling = TreatmentPlan.objects.create(
            client=cls.client_profile,
            therapist=cls.therapist,
            kind="maintenance",
            interval_weeks=4,
            technique=cls.service.technique,
            service=cls.service,
            status="active",
        )
        make_appointment(
            cls.client_profile,
            cls.therapist,
            cls.service,
            cls.room,
            utc(2026, 3, 24, 10, 0),
            plan=cls.rolling,
            plan_sequence=1,
        )
        cls.aftercare = AftercareCheck.objects.create(
            appointment=cls.review, sent_at=utc(2026, 3, 10, 10, 0)
        )

    def setUp(self):
        reassessments.record_reassessment(
            appointment=self.review,
            by=self.therapist_user,
            pain_now=6,
            activity="Sitting through a meeting",
            function_start=7,
            function_now=6,
        )
        HealthDataAccess.objects.all().delete()

    def snapshot(self):
        """Every row these pages can write, in a comparable form (the log included)."""
        return (
            sorted(TreatmentPlan.objects.values_list("pk", "status", "paused_at")),
            sorted(Reassessment.objects.values_list("pk", "pain_now", "next_step", "follow_up")),
            sorted(Visit.objects.values_list("pk", "pain_score", "notes", "edited_at")),
            VisitAmendment.objects.count(),
            DayOfCheck.objects.count(),
            sorted(Appointment.objects.values_list("pk", "status")),
            list(AftercareCheck.objects.values_list("answer", "answered_at")),
            HealthDataAccess.objects.filter(action="change").count(),
        )

    def roles(self):
        return {
            "anonymous": None,
            "client": self.client_user,
            "another client": self.other_client_user,
            "therapist who does not treat her": self.stranger.user,
            "front desk": self.front_desk_user,
            "clinic admin": self.admin_user,
            "owner": self.owner,
        }

    def posts(self):
        """(name, url, data) for each new page's POST."""
        return {
            "reassessment": (
                reverse("bookings:reassessment", args=[self.review.pk]),
                {"pain_now": 1, "activity": "Hack", "function_start": 9, "function_now": 0},
            ),
            "next step": (
                reverse("bookings:reassessment_next", args=[self.review.pk]),
                {"step": "acute"},
            ),
            "pause": (
                reverse("bookings:plan_rolling", args=[self.rolling.pk]),
                {"action": "pause"},
            ),
            "stop": (
                reverse("bookings:plan_rolling", args=[self.rolling.pk]),
                {"action": "stop", "confirm": "on"},
            ),
            "visit edit": (
                reverse("bookings:visit_edit", args=[self.recent.pk]),
                {"pain_score": 0, "notes": "Overwritten"},
            ),
            "visit amend": (
                reverse("bookings:visit_amend", args=[self.recent.pk]),
                {"text": "Planted amendment"},
            ),
            "desk day check": (
                reverse("bookings:desk_day_check", args=[self.appointment.pk]),
                {**NO, "fever": "yes"},
            ),
        }


# Who is refused what, and how (status code, or LOGIN for the log-in redirect). The rest
# of the pairs are allowed and tested below (owner, desk and the client where the design
# lets them act).
REFUSED = {
    "reassessment": {
        "anonymous": LOGIN,
        "client": 403,
        "another client": 403,
        "therapist who does not treat her": 404,
        "front desk": 403,
        "clinic admin": 403,
    },
    "next step": {
        "anonymous": LOGIN,
        "client": 403,
        "another client": 403,
        "therapist who does not treat her": 404,
        "front desk": 403,
        "clinic admin": 403,
    },
    "pause": {
        "anonymous": LOGIN,
        "another client": 404,
        "therapist who does not treat her": 404,
    },
    "stop": {
        "anonymous": LOGIN,
        "another client": 404,
        "therapist who does not treat her": 404,
    },
    "visit edit": {
        "anonymous": LOGIN,
        "client": 404,
        "another client": 404,
        "therapist who does not treat her": 403,
        "front desk": 403,
        "clinic admin": 403,
        "owner": 302,  # not the author: sent to the amendment page, nothing changed
    },
    "visit amend": {
        "anonymous": LOGIN,
        "client": 404,
        "another client": 404,
        "therapist who does not treat her": 403,
        "front desk": 403,
        "clinic admin": 403,
    },
    "desk day check": {
        "anonymous": LOGIN,
        "client": 403,
        "another client": 403,
        "therapist who does not treat her": 403,
    },
}


class RefusalTests(AttackCase):
    def test_every_refused_post_writes_nothing(self):
        roles = self.roles()
        posts = self.posts()
        for page, refused in REFUSED.items():
            url, data = posts[page]
            for role, expected in refused.items():
                with self.subTest(page=page, role=role):
                    self.client.logout()
                    if roles[role] is not None:
                        self.login(roles[role])
                    before = self.snapshot()
                    response = self.client.post(url, data)
                    if expected == LOGIN:
                        self.assertEqual(response.status_code, 302)
                        self.assertIn(reverse("login"), response.url)
                    else:
                        self.assertEqual(response.status_code, expected)
                    self.assertEqual(self.snapshot(), before)

    def test_the_carer_is_refused_the_desk_check_and_the_desk_never_reads_the_answers(self):
        url, data = self.posts()["desk day check"]
        self.login(self.therapist_user)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.assertEqual(DayOfCheck.objects.count(), 0)
        self.login(self.front_desk_user)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(DayOfCheck.objects.count(), 1)
        page = self.client.get(reverse("bookings:appointment_detail", args=[self.appointment.pk]))
        self.assertContains(page, checks.SPEAK_WORDS)
        self.assertNotContains(page, "fever")
        self.assertNotContains(page, "data-day-checks")

    def test_other_objects_in_the_url_are_not_found_not_errors(self):
        self.login(self.therapist_user)
        for name, pk in (
            ("bookings:reassessment", 999999),
            ("bookings:reassessment_next", 999999),
            ("bookings:plan_rolling", 999999),
            ("bookings:visit_edit", 999999),
            ("bookings:visit_amend", 999999),
        ):
            with self.subTest(name=name):
                self.assertEqual(self.client.post(reverse(name, args=[pk]), {}).status_code, 404)
        letter = reverse("bookings:reassessment_letter", args=[999999])
        self.assertEqual(self.client.get(letter).status_code, 404)
        # A session, not a reassessment, and a plan that is not rolling: refused, unchanged.
        session = Appointment.objects.filter(plan=self.plan, is_reassessment=False).first()
        before = self.snapshot()
        response = self.client.post(
            reverse("bookings:reassessment_next", args=[session.pk]), {"step": "acute"}
        )
        self.assertEqual(response.status_code, 404)
        response = self.client.post(
            reverse("bookings:plan_rolling", args=[self.plan.pk]), {"action": "pause"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.snapshot(), before)

    def test_nonsense_in_the_forms_is_a_message_never_a_500(self):
        self.login(self.therapist_user)
        posts = self.posts()
        before = self.snapshot()
        for page, data in (
            ("next step", {"step": "technique", "service": "'; DROP TABLE"}),
            ("next step", {"step": "x" * 5000}),
            ("pause", {"action": "explode"}),
            ("stop", {"action": "stop"}),  # not confirmed
            ("visit edit", {"pain_score": "eleven"}),
            ("visit amend", {"text": "   "}),
            ("reassessment", {"pain_now": "-1", "activity": "", "function_start": "x"}),
        ):
            with self.subTest(page=page, data=str(data)[:40]):
                response = self.client.post(posts[page][0], data)
                self.assertIn(response.status_code, (200, 302, 400))
        self.assertEqual(self.snapshot(), before)

    def test_the_aftercare_reply_needs_its_token_and_an_open_link(self):
        before = self.snapshot()
        url = reverse("bookings:aftercare", args=["not-the-token"])
        self.assertEqual(self.client.post(url, {"answer": "worse"}).status_code, 404)
        check = self.aftercare
        with time_machine.travel(check.sent_at + timedelta(days=30), tick=False):
            response = self.client.post(
                reverse("bookings:aftercare", args=[check.token]), {"answer": "worse"}
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.snapshot(), before)


class AllowedTests(AttackCase):
    def test_the_owner_may_decide_the_next_step_and_amend(self):
        self.login(self.owner)
        url, data = self.posts()["next step"]
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(Reassessment.objects.get().next_step, "acute")
        url, data = self.posts()["visit amend"]
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(VisitAmendment.objects.filter(author=self.owner).count(), 1)

    def test_the_client_and_the_desk_may_pause_and_resume_a_rolling_plan(self):
        url, _ = self.posts()["pause"]
        for user in (self.client_user, self.front_desk_user):
            with self.subTest(user=user.email):
                self.login(user)
                self.client.post(url, {"action": "pause"})
                self.rolling.refresh_from_db()
                self.assertEqual(self.rolling.status, "paused")
                self.client.post(url, {"action": "resume"})
                self.rolling.refresh_from_db()
                self.assertEqual(self.rolling.status, "active")


class DoubleSubmitTests(AttackCase):
    """Each POST sent twice (a double click, a resent form): one write."""

    def twice(self, page, user=None, data=None):
        self.login(user or self.therapist_user)
        url, default = self.posts()[page]
        first = self.client.post(url, data or default)
        second = self.client.post(url, data or default)
        self.assertNotEqual(first.status_code, 500)
        self.assertNotEqual(second.status_code, 500)
        return first, second

    def test_the_next_step_makes_one_plan(self):
        self.twice("next step")
        self.assertEqual(TreatmentPlan.objects.filter(previous=self.plan).count(), 1)

    def test_the_reassessment_is_one_row(self):
        self.twice("reassessment")
        self.assertEqual(Reassessment.objects.count(), 1)

    def test_an_amendment_is_written_once(self):
        self.twice("visit amend")
        self.assertEqual(VisitAmendment.objects.filter(visit=self.recent).count(), 1)
        # A different text is a new amendment.
        self.client.post(self.posts()["visit amend"][0], {"text": "Another thing"})
        self.assertEqual(VisitAmendment.objects.filter(visit=self.recent).count(), 2)

    def test_the_desk_check_is_written_once_and_the_hold_is_told_once(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.twice("desk day check", self.front_desk_user)
        self.assertEqual(DayOfCheck.objects.count(), 1)
        self.assertEqual(len(callbacks), 1)

    def test_stop_twice_cancels_once(self):
        self.twice("stop", self.client_user)
        self.assertEqual(
            Appointment.objects.filter(plan=self.rolling, status="cancelled").count(), 1
        )

    def test_an_aftercare_reply_twice_tells_the_therapist_once(self):
        url = reverse("bookings:aftercare", args=[self.aftercare.token])
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.client.post(url, {"answer": "worse"})
            self.client.post(url, {"answer": "worse"})
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(AftercareCheck.objects.get().answer, "worse")
