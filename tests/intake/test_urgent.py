"""A red flag (refer) is never lost: front desk is told it is urgent, therapists on duty
are e-mailed once, and the form leads the review queue until a therapist acts on it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from clinic.models import ClientProfile
from intake.eligibility import DESK_URGENT, public_status
from intake.models import Intake
from intake.tasks import therapists_on_duty
from tests.base import ClinicTestCase, make_therapist
from tests.intake.factories import make_intake
from tests.intake.helpers import PAIN, health_answers

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # a Monday
MONDAY, TUESDAY = 0, 1
# Words that would name the condition or what it means.
CONDITION_WORDS = ("saddle", "numb", "bladder", "see a doctor", "See a doctor", "medical care")


@time_machine.travel(NOW, tick=False)
class UrgentIntakeTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.walk_in = ClientProfile.objects.create(
            first_name="Walt", last_name="Walkin", phone="020 7946 0999"
        )
        cls.on_duty = make_therapist(
            "onduty@example.com",
            location=cls.location,
            hours=[(MONDAY, "09:00", "17:00")],
            first_name="Olive",
        )
        cls.off_duty = make_therapist(
            "offduty@example.com",
            location=cls.location,
            hours=[(TUESDAY, "09:00", "17:00")],
            first_name="Otto",
        )

    def send_at_the_desk(self, client_profile, yes=("saddle_numbness",)):
        self.login(self.front_desk_user)
        self.client.post(reverse("intake:desk_start", args=[client_profile.public_id]))
        draft = Intake.objects.get(client=client_profile, status="draft")
        self.client.post(reverse("intake:step", args=[draft.public_id, 1]), PAIN)
        self.client.post(
            reverse("intake:step", args=[draft.public_id, 2]), health_answers(yes=set(yes))
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("intake:step", args=[draft.public_id, 3]),
                {"agree": "on", "signature_name": client_profile.full_name},
                follow=True,
            )
        draft.refresh_from_db()
        return draft, response

    def assert_urgent_without_detail(self, response):
        self.assertContains(response, DESK_URGENT)
        self.assertNotContains(response, "Health form complete")
        for words in CONDITION_WORDS:
            self.assertNotContains(response, words)

    def test_a_walk_in_red_flag_sent_at_the_desk_reads_urgent_on_the_desk_done_page(self):
        intake, response = self.send_at_the_desk(self.walk_in)

        self.assertRedirects(response, reverse("intake:desk_done", args=[intake.public_id]))
        self.assert_urgent_without_detail(response)

    def test_front_desk_reads_urgent_on_the_client_page_and_the_day_schedule(self):
        self.send_at_the_desk(self.walk_in)

        client_page = self.client.get(self.walk_in.get_absolute_url())
        day_page = self.client.get(reverse("bookings:front_desk_day"))

        self.assert_urgent_without_detail(client_page)
        self.assert_urgent_without_detail(day_page)
        self.assertContains(day_page, "Walt Walkin")

    def test_the_therapists_on_duty_are_e_mailed_once_without_the_condition(self):
        intake, _ = self.send_at_the_desk(self.walk_in)

        [message] = mail.outbox
        self.assertEqual(message.to, ["onduty@example.com"])
        self.assertIn("needs urgent attention", message.subject)
        review_url = reverse("intake:review", args=[intake.public_id])
        self.assertIn(review_url, message.body)
        html = message.alternatives[0][0]
        for text in (message.subject, message.body, html):
            for words in (*CONDITION_WORDS, "Walt", "Walkin"):
                self.assertNotIn(words, text)
        # A double submit of the last step sends nothing more.
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("intake:step", args=[intake.public_id, 3]),
                {"agree": "on", "signature_name": "Walt Walkin"},
            )
        self.assertEqual(len(mail.outbox), 1)

    def test_a_red_flag_sent_online_by_the_client_e_mails_the_therapists_on_duty_too(self):
        self.login(self.client_user)
        self.client.post(reverse("intake:start"))
        draft = Intake.objects.get(client=self.client_profile)
        self.client.post(reverse("intake:step", args=[draft.public_id, 1]), PAIN)
        self.client.post(
            reverse("intake:step", args=[draft.public_id, 2]),
            health_answers(yes={"bladder_bowel_change"}),
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("intake:step", args=[draft.public_id, 3]),
                {"agree": "on", "signature_name": "Ann Client"},
            )

        self.assertEqual([m.to for m in mail.outbox], [["onduty@example.com"]])

    def test_no_e_mail_for_a_form_without_a_red_flag(self):
        self.send_at_the_desk(self.walk_in, yes=("rash",))

        self.assertEqual(mail.outbox, [])

    @override_settings(CLINIC_NAME="Smith & Jones")
    def test_the_subject_is_not_html_escaped(self):
        self.send_at_the_desk(self.walk_in)

        self.assertTrue(mail.outbox[0].subject.startswith("Smith & Jones: "))

    def test_with_nobody_on_duty_every_active_therapist_is_told(self):
        with time_machine.travel(NOW + timedelta(days=5), tick=False):  # a Saturday
            self.assertEqual(
                {t.pk for t in therapists_on_duty()},
                {
                    self.therapist.pk,
                    self.on_duty.pk,
                    self.off_duty.pk,
                },
            )
        self.assertEqual(therapists_on_duty(), [self.on_duty])

    def test_a_reviewer_opens_an_urgent_form_from_the_top_of_the_queue(self):
        make_intake(self.client_profile, yes={"rash"}, completed_at=NOW - timedelta(days=2))
        intake, _ = self.send_at_the_desk(self.walk_in)
        self.login(self.off_duty.user)  # a reviewer who does not treat the client

        queue = self.client.get(reverse("intake:review_queue"))
        page = self.client.get(reverse("intake:review", args=[intake.public_id]))

        self.assertEqual(list(queue.context["urgent"]), [intake])
        content = queue.content.decode()
        self.assertLess(content.index("Walt Walkin"), content.index("Ann Client"))
        self.assertContains(queue, "Urgent")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "saddle_numbness")

    def test_a_therapist_records_speaking_to_the_client_and_it_is_no_longer_urgent(self):
        intake, _ = self.send_at_the_desk(self.walk_in)
        self.login(self.off_duty.user)

        response = self.client.post(
            reverse("intake:review", args=[intake.public_id]),
            {
                "decision": "not_suitable",
                "reason": "Please see a doctor today; we have phoned your GP practice.",
                "notes": "Spoke to the client by phone at 10:20.",
            },
        )

        self.assertRedirects(response, reverse("intake:review_queue"))
        intake.refresh_from_db()
        self.assertEqual(intake.decision, "not_suitable")
        self.assertEqual(intake.reviews.get().notes, "Spoke to the client by phone at 10:20.")
        self.assertFalse(Intake.objects.urgent().exists())
        self.assertEqual(public_status(self.walk_in), "Needs attention from a therapist")
