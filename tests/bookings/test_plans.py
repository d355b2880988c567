from datetime import UTC, date, time

import time_machine

from bookings.errors import SlotTaken
from bookings.models import Appointment, TreatmentPlan
from bookings.planning import recommend_plan
from bookings.plans import book_plan
from bookings.proposals import propose_plan, recommendation_for
from clinic.models import Room, TimeOff
from tests.base import ClinicTestCase, make_service, make_therapist
from tests.bookings.helpers import make_appointment, utc, weekday_hours
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 8, 0)  # Monday
MONDAY = date(2026, 3, 9)


def starts(proposal):
    return [s.start_at.astimezone(UTC) if s.start else None for s in proposal.sessions]


@time_machine.travel(NOW, tick=False)
class PlanProposalTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.review = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())

    def propose(self, *, score=8, weekdays=(0, 3), at=time(10, 0), first_day=MONDAY, **kw):
        recommendation = kw.pop("recommendation", None) or recommend_plan(
            pain_weeks=2, pain_score=score
        )
        return propose_plan(
            client=self.client_profile,
            recommendation=recommendation,
            service=self.service,
            therapist=kw.pop("therapist", self.ava),
            weekdays=list(weekdays),
            preferred_time=at,
            first_day=first_day,
        )

    def test_the_weeks_of_pain_are_counted_from_onset_on_the_day_of_the_proposal(self):
        make_intake(self.client_profile, onset=date(2026, 2, 16), pain_now=8)
        self.assertEqual(recommendation_for(self.client_profile, on=date(2026, 3, 2)).kind, "acute")
        make_intake(self.client_profile, onset=date(2025, 12, 1), pain_now=8)
        self.assertEqual(
            recommendation_for(self.client_profile, on=date(2026, 3, 2)).kind, "maintenance"
        )

    def test_a_severe_acute_plan_proposes_eight_sessions_twice_weekly_then_a_reassessment(self):
        proposal = self.propose()
        self.assertEqual(len(proposal.sessions), 9)
        self.assertEqual([s.reassessment for s in proposal.sessions], [False] * 8 + [True])
        local = [s.start_at for s in proposal.sessions]
        self.assertEqual({(d.hour, d.minute) for d in local}, {(10, 0)})
        self.assertEqual(
            [d.date() for d in local[:4]],
            [date(2026, 3, 9), date(2026, 3, 12), date(2026, 3, 16), date(2026, 3, 19)],
        )
        self.assertEqual(local[-1].date(), date(2026, 4, 6))

    def test_a_maintenance_plan_proposes_three_sessions_at_the_interval(self):
        proposal = self.propose(recommendation=recommend_plan(pain_weeks=20, pain_score=6))
        self.assertEqual(
            [s.start_at.date() for s in proposal.sessions],
            [date(2026, 3, 9), date(2026, 3, 23), date(2026, 4, 6)],
        )
        self.assertFalse(any(s.reassessment for s in proposal.sessions))

    def test_a_taken_slot_moves_to_the_nearest_free_time(self):
        make_appointment(
            self.other_client_profile, self.ava, self.service, self.room, utc(2026, 3, 16, 10, 0)
        )
        proposal = self.propose()
        self.assertEqual(starts(proposal)[2], utc(2026, 3, 16, 11, 30))
        self.assertTrue(proposal.sessions[2].moved)
        self.assertFalse(proposal.sessions[1].moved)

    def test_a_tie_between_two_free_times_goes_to_the_earlier(self):
        proposal = self.propose(at=time(9, 45))
        self.assertEqual(starts(proposal)[0], utc(2026, 3, 9, 9, 30))

    def test_a_moved_session_stays_at_least_48_hours_after_the_one_before(self):
        # Monday and Wednesday preferred; Wednesday 11 March is off. Tuesday 15:30 is the
        # nearest in time but only 29.5 hours after Monday's session, so Thursday 09:00 wins.
        TimeOff.objects.create(
            therapist=self.ava, start=utc(2026, 3, 11, 0, 0), end=utc(2026, 3, 12, 0, 0)
        )
        proposal = self.propose(weekdays=(0, 2))
        self.assertEqual(starts(proposal)[:2], [utc(2026, 3, 9, 10, 0), utc(2026, 3, 12, 9, 0)])

    def test_a_weekly_ten_oclock_plan_stays_at_ten_local_across_the_autumn_change(self):
        with time_machine.travel(utc(2026, 10, 12, 8, 0), tick=False):
            proposal = self.propose(score=5, weekdays=(0,), first_day=date(2026, 10, 19))
        self.assertEqual(
            {(s.start_at.hour, s.start_at.minute) for s in proposal.sessions}, {(10, 0)}
        )
        self.assertEqual(starts(proposal)[:2], [utc(2026, 10, 19, 9, 0), utc(2026, 10, 26, 10, 0)])

    def test_a_session_with_no_free_time_nearby_is_left_empty(self):
        TimeOff.objects.create(
            therapist=self.ava, start=utc(2026, 3, 7, 0, 0), end=utc(2026, 3, 12, 0, 0)
        )
        proposal = self.propose(score=5)
        self.assertIsNone(proposal.sessions[0].start)
        self.assertIsNotNone(proposal.sessions[1].start)

    def test_a_proposal_avoids_the_clients_own_bookings_with_any_therapist(self):
        ben = make_therapist("ben@example.com", location=self.location, hours=weekday_hours())
        room_2 = Room.objects.create(location=self.location, name="Room 2")
        make_appointment(self.client_profile, ben, self.service, room_2, utc(2026, 3, 9, 10, 0))
        proposal = self.propose()
        self.assertEqual(starts(proposal)[0], utc(2026, 3, 9, 11, 30))

    def test_a_proposal_takes_the_same_queries_for_three_sessions_or_nine(self):
        # The reassessment service, then working hours and busy time (closures, rooms
        # and the client's own bookings included), read once for every session.
        for week in range(4):
            make_appointment(
                self.other_client_profile,
                self.ava,
                self.service,
                self.room,
                utc(2026, 3, 9 + 7 * week, 10, 0),
            )
        with self.assertNumQueries(3):
            short = self.propose(score=2)
        with self.assertNumQueries(3):
            long = self.propose(score=8)
        with self.assertNumQueries(3):
            anyone = self.propose(score=8, therapist=None)
        self.assertEqual((len(short.sessions), len(long.sessions)), (3, 9))
        self.assertEqual(starts(anyone), starts(long))
        # A maintenance plan has no reassessment to look up.
        with self.assertNumQueries(2):
            self.propose(recommendation=recommend_plan(pain_weeks=20, pain_score=6))


@time_machine.travel(NOW, tick=False)
class BookPlanTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.service = make_service()
        cls.review = make_service("Reassessment visit", minutes=30, is_reassessment=True)
        cls.ava = make_therapist("ava@example.com", location=cls.location, hours=weekday_hours())

    def setUp(self):
        make_intake(self.client_profile, onset=date(2026, 2, 16), pain_now=8)
        self.proposal = propose_plan(
            client=self.client_profile,
            recommendation=recommend_plan(pain_weeks=2, pain_score=8),
            service=self.service,
            therapist=self.ava,
            weekdays=[0, 3],
            preferred_time=time(10, 0),
            first_day=MONDAY,
        )

    def test_confirming_writes_the_plan_and_every_session(self):
        plan = book_plan(proposal=self.proposal, client=self.client_profile, by=self.client_user)
        appointments = list(plan.appointments.order_by("start"))
        self.assertEqual(len(appointments), 9)
        self.assertEqual([a.plan_sequence for a in appointments], [1, 2, 3, 4, 5, 6, 7, 8, 9])
        self.assertTrue(appointments[-1].is_reassessment)
        self.assertEqual(appointments[-1].service, self.review)
        self.assertEqual(appointments[-1].duration_minutes, 30)
        self.assertEqual(plan.status, "active")
        self.assertEqual(plan.progress()["total"], 8)
        self.assertEqual(plan.progress_text(), "Session 1 of 8, then a reassessment.")

    def test_a_plan_whose_sixth_session_collides_writes_nothing(self):
        sixth = self.proposal.sessions[5].start_at
        make_appointment(self.other_client_profile, self.ava, self.service, self.room, sixth)
        with self.assertRaises(SlotTaken) as raised:
            book_plan(proposal=self.proposal, client=self.client_profile, by=self.client_user)
        self.assertEqual(raised.exception.index, 5)
        self.assertFalse(TreatmentPlan.objects.exists())
        self.assertFalse(Appointment.objects.filter(client=self.client_profile).exists())

    def test_a_dropped_session_is_not_booked_and_the_rest_are_renumbered(self):
        del self.proposal.sessions[1]
        plan = book_plan(proposal=self.proposal, client=self.client_profile, by=self.client_user)
        self.assertEqual(plan.appointments.count(), 8)
        self.assertEqual(
            list(
                plan.appointments.filter(is_reassessment=False).values_list(
                    "plan_sequence", flat=True
                )
            ),
            [1, 2, 3, 4, 5, 6, 7],
        )

    def test_sessions_moved_closer_than_48_hours_are_refused(self):
        self.proposal.sessions[1].start = utc(2026, 3, 10, 10, 0).isoformat()
        from bookings.errors import BookingError

        with self.assertRaises(BookingError) as raised:
            book_plan(proposal=self.proposal, client=self.client_profile, by=self.client_user)
        self.assertEqual(raised.exception.code, "gap")
        self.assertFalse(TreatmentPlan.objects.exists())
