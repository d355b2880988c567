"""The plan flow is safe to repeat (issue 9, item 7).

Confirming the same proposal twice (a double click, two tabs), starting maintenance
twice, and moving a session of an "anyone" plan to a time only one therapist has free.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Appointment, PlanProposalDraft, TreatmentPlan
from bookings.plans import start_maintenance_plan
from clinic.models import Room, TimeOff
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)  # Monday
FORM = {"weekdays": ["0", "3"], "preferred_time": "10:00", "first_day": "2026-03-09"}


class PlanFlowCase(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.review = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        cls.ava = make_therapist(
            "ava@example.com", location=cls.location, hours=weekday_hours(), first_name="Ava"
        )
        with time_machine.travel(NOW, tick=False):
            make_intake(cls.client_profile, onset=date(2026, 2, 16), pain_now=8)
        cls.new_url = reverse("bookings:plan_new")
        cls.review_url = reverse("bookings:plan_review")
        cls.move_url = reverse("bookings:plan_move")
        cls.confirm_url = reverse("bookings:plan_confirm")

    def propose(self, **extra):
        data = {"service": self.service.pk, "therapist": self.ava.pk, **FORM, **extra}
        response = self.client.post(self.new_url, data)
        self.assertEqual(response.status_code, 302)
        return PlanProposalDraft.objects.get().data

    def put_back(self, proposal):
        """The proposal as a second request read it, before the first one booked it."""
        PlanProposalDraft.objects.update(data=proposal, token=proposal["token"], booked_plan=None)


@time_machine.travel(NOW, tick=False)
class ConfirmTwiceTests(PlanFlowCase):
    def test_confirming_the_same_plan_twice_books_it_once(self):
        self.login(self.client_user)
        proposal = self.propose()
        first = self.client.post(self.confirm_url)
        plan = TreatmentPlan.objects.get()
        self.assertRedirects(first, plan.get_absolute_url())
        self.put_back(proposal)
        second = self.client.post(self.confirm_url)
        self.assertRedirects(second, plan.get_absolute_url())
        self.assertEqual(TreatmentPlan.objects.count(), 1)
        self.assertEqual(Appointment.objects.count(), 9)

    def test_confirming_in_a_second_tab_after_the_first_booked_shows_the_plan(self):
        self.login(self.client_user)
        token = self.propose()["token"]
        self.client.post(self.confirm_url, {"proposal": token})
        plan = TreatmentPlan.objects.get()
        second = self.client.post(self.confirm_url, {"proposal": token})
        self.assertRedirects(second, plan.get_absolute_url())
        self.assertEqual(Appointment.objects.count(), 9)

    def test_confirming_a_list_another_tab_replaced_books_nothing(self):
        self.login(self.client_user)
        old = self.propose()["token"]
        self.propose(preferred_time="14:00")
        response = self.client.post(self.confirm_url, {"proposal": old})
        self.assertContains(response, "changed in another tab", status_code=409)
        self.assertFalse(Appointment.objects.exists())

    def test_confirming_a_therapists_proposed_plan_twice_books_it_once(self):
        proposed = TreatmentPlan.objects.create(
            client=self.client_profile,
            therapist=self.ava,
            kind="maintenance",
            interval_weeks=4,
            session_minutes=60,
            technique=self.service.technique,
            service=self.service,
            status="proposed",
        )
        self.login(self.client_user)
        proposal = self.propose()
        self.assertEqual(proposal["plan_id"], proposed.pk)
        self.client.post(self.confirm_url)
        self.put_back(proposal)
        second = self.client.post(self.confirm_url)
        self.assertRedirects(second, proposed.get_absolute_url())
        proposed.refresh_from_db()
        self.assertEqual(proposed.status, "active")
        self.assertEqual(Appointment.objects.filter(plan=proposed).count(), 3)
        self.assertEqual(TreatmentPlan.objects.count(), 1)


@time_machine.travel(NOW, tick=False)
class StartMaintenanceTwiceTests(PlanFlowCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_profile.care_team.add(cls.ava)
        cls.acute = TreatmentPlan.objects.create(
            client=cls.client_profile,
            therapist=cls.ava,
            kind="acute",
            sessions_per_week=1,
            weeks=2,
            session_minutes=60,
            technique=cls.service.technique,
            service=cls.service,
            status="active",
        )
        make_appointment(
            cls.client_profile,
            cls.ava,
            cls.review,
            cls.room,
            utc(2026, 2, 23, 10, 0),
            status="completed",
            plan=cls.acute,
            is_reassessment=True,
        )

    def start(self):
        return start_maintenance_plan(
            previous=self.acute,
            by=self.ava.user,
            interval_weeks=4,
            session_minutes=60,
            service=self.service,
        )

    def test_starting_maintenance_twice_returns_the_first_follow_up(self):
        first = self.start()
        second = self.start()
        self.assertEqual(first, second)
        self.assertEqual(TreatmentPlan.objects.filter(previous=self.acute).count(), 1)

    def test_the_therapists_second_click_goes_to_the_same_maintenance_plan(self):
        self.login(self.ava.user)
        url = reverse("bookings:plan_maintenance", args=[self.acute.pk])
        data = {"interval_weeks": 4, "session_minutes": 60, "service": self.service.pk}
        first = self.client.post(url, data)
        second = self.client.post(url, data)
        follow_up = TreatmentPlan.objects.get(previous=self.acute)
        self.assertRedirects(first, follow_up.get_absolute_url())
        self.assertRedirects(second, follow_up.get_absolute_url())


@time_machine.travel(NOW, tick=False)
class MoveToAnyoneTests(PlanFlowCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ben = make_therapist(
            "ben@example.com", location=cls.location, hours=weekday_hours(), first_name="Ben"
        )
        Room.objects.create(location=cls.location, name="Room 2")
        # Ava, first by name, is away on Tuesday 10 March; Ben is not.
        TimeOff.objects.create(
            therapist=cls.ava, start=utc(2026, 3, 10, 0, 0), end=utc(2026, 3, 11, 0, 0)
        )

    def test_moving_a_session_of_an_anyone_plan_books_the_therapist_free_at_that_time(self):
        self.login(self.client_user)
        proposal = self.propose(therapist="")
        # The first session found nothing free when proposed; it is moved by hand.
        proposal["sessions"][0].update(start=None, therapist_id=None)
        self.put_back(proposal)
        response = self.client.get(self.move_url, {"index": "0"})
        choices = dict(response.context["move_form"].fields["start"].choices)
        tuesday = next(value for value in choices if value.startswith("2026-03-10T10:00"))
        self.assertIn("Ben", choices[tuesday])
        self.client.post(self.move_url, {"index": "0", "start": tuesday})
        session = PlanProposalDraft.objects.get().data["sessions"][0]
        self.assertEqual(session["therapist_id"], self.ben.pk)
        response = self.client.post(self.confirm_url)
        plan = TreatmentPlan.objects.get()
        self.assertRedirects(response, plan.get_absolute_url())
        first = plan.appointments.order_by("start").first()
        self.assertEqual((first.therapist, first.start), (self.ben, utc(2026, 3, 10, 10, 0)))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirmations_of_one_plan_book_it_once():
    import threading
    from datetime import time

    from django.contrib.auth.models import Group
    from django.db import connections

    from bookings.planning import recommend_plan
    from bookings.plans import book_plan
    from bookings.proposals import propose_plan
    from clinic.models import ClientProfile, Role, Technique
    from tests.base import make_client, make_location

    with time_machine.travel(NOW, tick=False):
        for role in Role:
            Group.objects.get_or_create(name=role)
        Technique.objects.get_or_create(code="swedish", defaults={"name": "Swedish massage"})
        location = make_location()
        Room.objects.create(location=location, name="Room 1")
        service = make_service()
        ava = make_therapist("ava@example.com", location=location, hours=weekday_hours())
        client = make_client().client_profile
        make_intake(client)
        proposal = propose_plan(
            client=client,
            recommendation=recommend_plan(pain_weeks=20, pain_score=6),
            service=service,
            therapist=ava,
            weekdays=[0],
            preferred_time=time(10, 0),
            first_day=date(2026, 3, 9),
        )
    barrier = threading.Barrier(2)
    plans = []

    def confirm():
        try:
            me = ClientProfile.objects.select_related("user").get(pk=client.pk)
            barrier.wait()
            plans.append(book_plan(proposal=proposal, client=me, by=me.user).pk)
        finally:
            connections.close_all()

    with time_machine.travel(NOW, tick=True):
        threads = [threading.Thread(target=confirm) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(plans) == 2 and len(set(plans)) == 1
    assert TreatmentPlan.objects.count() == 1
    assert Appointment.objects.count() == 3
