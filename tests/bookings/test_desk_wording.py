"""Front desk reads why booking is refused in desk words, on every page it can reach.

The client's words ("see a doctor", "a note from your doctor") touch on health; front desk
and clinic admins without the health-data permission get "needs attention from a
therapist" instead, and never the link to the client's health form result.
"""

import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from bookings.models import Appointment, HoldCode
from intake.eligibility import DESK_ATTENTION, DESK_ATTENTION_REASON, DESK_URGENT, can_book
from tests.base import ClinicTestCase, make_user
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake, record_clearance

NOW = utc(2026, 3, 2, 8, 0)
START = utc(2026, 3, 10, 10, 0)  # Tuesday
DAY = START.date()
PLAN_FORM = {"weekdays": ["0", "3"], "preferred_time": "10:00", "first_day": "2026-03-09"}
# The client's own words for each refusal: front desk must never read them.
CLIENT_WORDS = (
    "see a doctor",
    "medical care",
    "note from your doctor",
    "doctor&#x27;s note",
    "massage should wait",
    "not suitable",
)


@time_machine.travel(NOW, tick=False)
class DeskWordingTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()
        cls.client_id = str(cls.client_profile.public_id)

    def setUp(self):
        self.appointment = make_appointment(
            self.client_profile, self.therapist, self.service, self.room, START
        )

    def desk_pages(self, user):
        """Every page front desk reaches that reports the intake's verdict, by flow."""
        self.login(user)
        client = {"client": self.client_id}
        booking = {"service": self.service.pk, "therapist": self.therapist.pk}
        pages = {
            "book": self.client.get(
                reverse("bookings:book"), {**client, **booking, "day": DAY.isoformat()}
            ),
            "confirm": self.client.post(
                reverse("bookings:confirm"),
                {**client, **booking, "start": utc(2026, 3, 10, 14, 0).isoformat()},
            ),
            "plan_new": self.client.get(reverse("bookings:plan_new"), client),
            "client_detail": self.client.get(self.client_profile.get_absolute_url()),
        }
        Appointment.objects.filter(pk=self.appointment.pk).update(
            status=Appointment.Status.HELD, hold_code=HoldCode.HEALTH_GATE
        )
        pages["appointment_detail (hold)"] = self.client.get(
            reverse("bookings:appointment_detail", args=[self.appointment.pk])
        )
        pages["release_hold"] = self.client.post(
            reverse("bookings:release_hold", args=[self.appointment.pk]), follow=True
        )
        Appointment.objects.filter(pk=self.appointment.pk).update(
            status=Appointment.Status.BOOKED, hold_code=""
        )
        move_url = reverse("bookings:reschedule", args=[self.appointment.pk])
        choices = self.client.get(move_url).context["form"].fields["start"].choices
        pages["reschedule"] = self.client.post(
            move_url, {"start": choices[1][0], "reason": "Client phoned."}
        )
        return pages

    def plan_review_page(self, user, refuse):
        """Front desk proposes a plan while booking is open; ``refuse`` then closes it."""
        make_intake(self.client_profile)
        self.login(user)
        self.client.post(
            reverse("bookings:plan_new"),
            {
                "client": self.client_id,
                "service": self.service.pk,
                "therapist": self.therapist.pk,
                **PLAN_FORM,
            },
        )
        refuse()
        return self.client.post(reverse("bookings:plan_confirm"), {"client": self.client_id})

    def assert_desk_words(self, response, flow, *expected):
        page = response.content.decode()
        for words in CLIENT_WORDS:
            self.assertNotIn(words, page, f"{flow} shows the client's words {words!r}")
        outcome_url = self.client_profile.intakes.get(is_current=True).get_absolute_url()
        self.assertNotIn(outcome_url, page, f"{flow} links to the health form result")
        self.assertTrue(any(escape(e) in page for e in expected), f"{flow} does not say {expected}")

    def test_front_desk_reads_needs_attention_on_every_flow_for_a_pending_clearance(self):
        make_intake(self.client_profile, yes={"diabetes"})

        for flow, response in self.desk_pages(self.front_desk_user).items():
            with self.subTest(flow=flow):
                self.assertLess(response.status_code, 500)
                self.assert_desk_words(response, flow, DESK_ATTENTION, DESK_ATTENTION_REASON)

    def test_front_desk_reads_urgent_not_see_a_doctor_on_every_flow_for_a_red_flag(self):
        make_intake(self.client_profile, yes={"saddle_numbness"})

        for flow, response in self.desk_pages(self.front_desk_user).items():
            with self.subTest(flow=flow):
                self.assert_desk_words(response, flow, DESK_URGENT)

    def test_front_desk_reads_needs_attention_once_a_therapist_found_massage_unsuitable(self):
        intake = make_intake(self.client_profile, yes={"saddle_numbness"})
        intake.decision = "not_suitable"
        intake.save(update_fields=["decision"])

        for flow, response in self.desk_pages(self.front_desk_user).items():
            with self.subTest(flow=flow):
                self.assert_desk_words(response, flow, DESK_ATTENTION, DESK_ATTENTION_REASON)

    def test_a_clinic_admin_without_the_health_data_permission_reads_desk_words_too(self):
        make_intake(self.client_profile, yes={"diabetes"})

        for flow, response in self.desk_pages(self.admin_user).items():
            if flow == "client_detail" and response.status_code == 403:
                continue
            with self.subTest(flow=flow):
                self.assert_desk_words(response, flow, DESK_ATTENTION, DESK_ATTENTION_REASON)

    def test_the_plan_review_confirm_refusal_is_in_desk_words(self):
        response = self.plan_review_page(
            self.front_desk_user,
            lambda: make_intake(self.client_profile, yes={"diabetes"}),
        )

        # The "booking is not open" page, with no confirm button left to press.
        self.assertTemplateUsed(response, "bookings/not_allowed.html")
        self.assertNotContains(response, "Confirm and book all sessions")
        self.assert_desk_words(response, "plan_review", DESK_ATTENTION_REASON)

    def test_the_client_still_reads_their_own_words(self):
        make_intake(self.client_profile, yes={"saddle_numbness"})
        self.login(self.client_user)

        response = self.client.get(
            reverse("bookings:book"),
            {"service": self.service.pk, "therapist": "", "day": DAY.isoformat()},
        )

        self.assertContains(response, "see a doctor")


@time_machine.travel(NOW, tick=False)
class ForViewerTests(ClinicTestCase):
    """One rule picks the words: whoever may read the client's health data reads theirs."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.intake = make_intake(cls.client_profile, yes={"diabetes"})
        cls.health_officer = make_user("officer@example.com")
        cls.health_officer.user_permissions.add(Permission.objects.get(codename="view_health_data"))

    def words_for(self, user):
        return can_book(self.client_profile, on=DAY).for_viewer(user, self.client_profile)

    def test_the_client_their_therapist_and_health_data_staff_read_the_client_words(self):
        self.client_profile.care_team.add(self.therapist)
        for user in (self.client_user, self.therapist_user, self.health_officer):
            with self.subTest(user=user.email):
                self.assertIn("note from your doctor", self.words_for(user).reason)

    def test_front_desk_a_clinic_admin_and_another_therapist_read_desk_words(self):
        for user in (self.front_desk_user, self.admin_user, self.therapist_user):
            with self.subTest(user=user.email):
                words = self.words_for(user)
                self.assertEqual(
                    (words.allowed, words.code, words.reason, words.next_url),
                    (False, "clearance_pending", DESK_ATTENTION_REASON, None),
                )

    def test_front_desk_is_told_plainly_when_the_form_is_missing_unfinished_or_expired(self):
        self.assertEqual(
            can_book(self.other_client_profile, on=DAY)
            .for_viewer(self.front_desk_user, self.other_client_profile)
            .reason,
            "The client has not filled in their health form yet.",
        )
        self.assertEqual(
            can_book(self.client_profile, on=utc(2027, 3, 3).date())
            .for_viewer(self.front_desk_user, self.client_profile)
            .reason,
            "The client's health form needs renewing before that day.",
        )

    def test_the_desk_status_says_whether_the_client_can_be_booked(self):
        def status():
            return can_book(self.client_profile, on=DAY).desk_status

        self.assertEqual(status(), "Needs attention from a therapist")
        record_clearance(self.intake, codes=["diabetes"], by=self.therapist_user)
        self.assertEqual(status(), "Can be booked")
        make_intake(self.client_profile, yes={"rash"})
        self.assertEqual(status(), "Needs review")
        make_intake(self.client_profile, yes={"saddle_numbness"})
        self.assertEqual(status(), DESK_URGENT)
