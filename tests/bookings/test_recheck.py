"""Issue 9, finding 2: booked visits are re-checked whenever the health form's answer changes.

Each change (a new form, a therapist's decision, a catalog category made stronger, the
date alone) holds the future visits the gate now refuses, tells the therapist and front
desk without a health detail and the client in their own words at a proved address.
"""

from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from bookings.appointments import release_hold
from bookings.errors import NotAllowed
from bookings.models import Appointment, HoldCode
from bookings.recheck import recheck_client
from clinic.models import ClientProfile
from intake.models import Condition, Decision
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake, record_clearance

NOW = utc(2026, 3, 2, 9, 0)  # Monday
TUESDAY_10 = utc(2026, 3, 3, 10, 0)
NEXT_THURSDAY_10 = utc(2026, 3, 12, 10, 0)


def _body(message):
    return message.body + message.alternatives[0][0]


@override_settings(SITE_URL="https://clinic.example")
@time_machine.travel(NOW, tick=False)
class RecheckTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())
        with time_machine.travel(utc(2026, 2, 1, 9, 0), tick=False):
            cls.first_intake = make_intake(cls.client_profile, yes={"diabetes"})
            record_clearance(cls.first_intake, codes=["diabetes"], by=cls.therapist_user)

    def setUp(self):
        self.soon = make_appointment(
            self.client_profile, self.ava, self.service, self.room, TUESDAY_10
        )
        self.later = make_appointment(
            self.client_profile, self.ava, self.service, self.room, NEXT_THURSDAY_10
        )
        self.past = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2026, 2, 26, 10, 0)
        )

    def status(self, appointment):
        appointment.refresh_from_db()
        return appointment.status, appointment.hold_code

    def test_a_new_form_that_says_refer_holds_every_future_visit_and_tells_everyone(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_intake(self.client_profile, yes={"saddle_numbness"})

        assert self.status(self.soon) == ("held", HoldCode.HEALTH_GATE)
        assert self.status(self.later) == ("held", HoldCode.HEALTH_GATE)
        assert self.status(self.past) == ("booked", "")
        to = sorted(address for message in mail.outbox for address in message.to)
        assert to == sorted(
            ["ava@example.com"] * 2 + ["desk@example.com"] * 2 + ["client@example.com"] * 2
        )
        for message in mail.outbox:
            if message.to != ["client@example.com"]:
                assert "saddle" not in _body(message).lower()
                assert "doctor" not in _body(message).lower()
        client_message = next(m for m in mail.outbox if m.to == ["client@example.com"])
        assert "see a doctor" in _body(client_message)

    def test_a_defer_form_holds_only_the_visits_inside_the_defer_period(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_intake(self.client_profile, yes={"fever", "diabetes"})

        assert self.status(self.soon) == ("held", HoldCode.HEALTH_GATE)
        assert self.status(self.later) == ("booked", "")

    def test_a_therapist_deciding_not_suitable_holds_the_visits(self):
        self.login(self.therapist_user)
        url = reverse("intake:review", args=[self.first_intake.public_id])

        self.client.post(url, {"decision": Decision.NOT_SUITABLE, "reason": "Not now."})

        assert self.status(self.soon) == ("held", HoldCode.HEALTH_GATE)
        assert self.status(self.later) == ("held", HoldCode.HEALTH_GATE)

    def test_a_therapist_asking_for_clearance_on_a_review_form_holds_the_visits(self):
        intake = make_intake(self.client_profile, yes={"rash"})
        self.login(self.therapist_user)
        url = reverse("intake:review", args=[intake.public_id])

        self.client.post(
            url, {"decision": Decision.CLEARANCE_REQUIRED, "reason": "A doctor's note first."}
        )

        assert self.status(self.soon) == ("held", HoldCode.HEALTH_GATE)

    def test_a_catalog_category_made_stronger_holds_the_visits_of_clients_who_answered_yes(self):
        make_intake(self.client_profile, yes={"rash"})
        make_intake(self.other_client_profile)
        other = make_appointment(
            self.other_client_profile, self.ava, self.service, self.room, utc(2026, 3, 4, 10, 0)
        )
        self.assertEqual(self.status(self.soon), ("booked", ""))
        self.login(self.admin_user)
        rash = Condition.objects.get(code="rash")
        data = {
            "category": "refer",
            "active": "on",
            "order": rash.order,
            "question": rash.question,
            "help_text": rash.help_text,
            "client_reason": rash.client_reason,
            "guidance": rash.guidance,
            "sources": rash.sources,
        }

        response = self.client.post(reverse("admin:intake_condition_change", args=[rash.pk]), data)

        assert response.status_code == 302
        assert self.status(self.soon) == ("held", HoldCode.HEALTH_GATE)
        assert self.status(other) == ("booked", "")

    def test_the_daily_sweep_holds_a_visit_after_the_clearance_lapses(self):
        lapse = make_appointment(
            self.client_profile, self.ava, self.service, self.room, utc(2027, 2, 1, 10, 0)
        )

        call_command("recheck_holds", stdout=StringIO())

        assert self.status(lapse) == ("held", HoldCode.HEALTH_GATE)
        assert self.status(self.soon) == ("booked", "")

    def test_a_client_without_a_proved_address_gets_no_health_words_by_e_mail(self):
        walk_in = ClientProfile.objects.create(
            first_name="Wes", last_name="Walkin", email="wes@example.com", phone="1"
        )
        make_intake(walk_in)
        visit = make_appointment(walk_in, self.ava, self.service, self.room, utc(2026, 3, 5, 10, 0))

        with self.captureOnCommitCallbacks(execute=True):
            make_intake(walk_in, yes={"saddle_numbness"})

        assert self.status(visit) == ("held", HoldCode.HEALTH_GATE)
        assert all(message.to != ["wes@example.com"] for message in mail.outbox)

    def test_the_hold_stays_until_the_form_allows_the_visit_and_then_staff_can_lift_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            intake = make_intake(self.client_profile, yes={"diabetes", "osteoporosis"})

        with self.assertRaises(NotAllowed):
            release_hold(appointment=self.later)
        record_clearance(intake, codes=["osteoporosis"], by=self.therapist_user)
        release_hold(appointment=self.later)

        assert self.status(self.later) == ("booked", "")

    def test_the_client_sees_the_hold_on_their_appointments_page(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_intake(self.client_profile, yes={"saddle_numbness"})
        self.login(self.client_user)

        response = self.client.get(reverse("bookings:my_appointments"))

        self.assertContains(response, HoldCode.HEALTH_GATE.label)

    def test_re_checking_twice_tells_nobody_twice(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_intake(self.client_profile, yes={"saddle_numbness"})
        sent = len(mail.outbox)
        with self.captureOnCommitCallbacks(execute=True):
            assert recheck_client(self.client_profile) == []

        assert len(mail.outbox) == sent
        assert Appointment.objects.filter(status="held").count() == 2
