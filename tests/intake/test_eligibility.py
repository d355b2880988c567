"""can_book: the booking permission for each outcome, decision and date."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from intake.eligibility import can_book, public_status
from intake.models import Condition, Decision, Intake
from tests.base import ClinicTestCase
from tests.intake.factories import make_intake, record_clearance

LONDON = ZoneInfo("Europe/London")
COMPLETED = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
DAY = date(2026, 3, 2)


def _decide(intake, decision):
    Intake.objects.filter(pk=intake.pk).update(decision=decision, decided_at=COMPLETED)


@time_machine.travel(COMPLETED, tick=False)
class CanBookTests(ClinicTestCase):
    def test_client_without_an_intake_cannot_book_and_is_sent_to_the_form(self):
        result = can_book(self.client_profile, on=DAY)

        self.assertEqual(
            (result.allowed, result.code, result.next_url), (False, "no_intake", "/intake/")
        )

    def test_client_with_only_a_draft_is_asked_to_finish_it(self):
        Intake.objects.create(client=self.client_profile)

        result = can_book(self.client_profile, on=DAY)

        self.assertEqual((result.allowed, result.code), (False, "draft"))

    def test_clear_intake_allows_booking_without_review(self):
        make_intake(self.client_profile, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY)

        self.assertEqual((result.allowed, result.code, result.needs_review), (True, "ok", False))

    def test_review_intake_allows_booking_with_review_before_the_visit(self):
        make_intake(self.client_profile, yes={"varicose_veins"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY)

        self.assertEqual(
            (result.allowed, result.needs_review, result.needs_checkin), (True, True, False)
        )

    def test_reviewed_intake_no_longer_needs_review(self):
        intake = make_intake(self.client_profile, yes={"pregnancy"}, completed_at=COMPLETED)
        _decide(intake, Decision.CLEARED)

        self.assertIs(can_book(self.client_profile, on=DAY).needs_review, False)

    def test_refer_never_allows_booking(self):
        make_intake(self.client_profile, yes={"saddle_numbness"}, completed_at=COMPLETED)

        for day in (DAY, DAY + timedelta(days=8), DAY + timedelta(days=300)):
            result = can_book(self.client_profile, on=day)
            self.assertEqual((result.allowed, result.code), (False, "refer"))

    def test_defer_blocks_the_seven_days_after_completion(self):
        make_intake(self.client_profile, yes={"fever"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY + timedelta(days=6))

        self.assertEqual((result.allowed, result.code), (False, "defer"))
        self.assertIn("9 March 2026", result.next_step)

    def test_defer_allows_later_dates_with_a_check_in(self):
        make_intake(self.client_profile, yes={"fever"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY + timedelta(days=7))

        self.assertEqual((result.allowed, result.needs_checkin), (True, True))

    def test_client_cannot_book_while_clearance_is_pending(self):
        make_intake(self.client_profile, yes={"diabetes"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY)

        self.assertEqual((result.allowed, result.code), (False, "clearance_pending"))

    def test_clearance_covering_every_code_opens_booking(self):
        intake = make_intake(
            self.client_profile, yes={"diabetes", "osteoporosis"}, completed_at=COMPLETED
        )
        record_clearance(intake, codes=["diabetes", "osteoporosis"], by=self.therapist_user)

        self.assertIs(can_book(self.client_profile, on=DAY).allowed, True)

    def test_clearance_covering_only_some_codes_keeps_booking_closed(self):
        intake = make_intake(
            self.client_profile, yes={"diabetes", "osteoporosis"}, completed_at=COMPLETED
        )
        record_clearance(intake, codes=["diabetes"], by=self.therapist_user)

        self.assertEqual(can_book(self.client_profile, on=DAY).code, "clearance_pending")

    def test_clearance_lapses_after_twelve_months(self):
        intake = make_intake(self.client_profile, yes={"diabetes"}, completed_at=COMPLETED)
        record_clearance(
            intake, codes=["diabetes"], by=self.therapist_user, received=date(2025, 3, 10)
        )

        self.assertIs(can_book(self.client_profile, on=date(2026, 3, 9)).allowed, True)
        self.assertEqual(
            can_book(self.client_profile, on=date(2026, 3, 10)).code, "clearance_pending"
        )

    def test_therapist_asking_for_clearance_closes_booking_on_a_review_intake(self):
        intake = make_intake(self.client_profile, yes={"rash"}, completed_at=COMPLETED)
        _decide(intake, Decision.CLEARANCE_REQUIRED)

        self.assertEqual(can_book(self.client_profile, on=DAY).code, "clearance_pending")

    def test_not_suitable_decision_closes_booking(self):
        intake = make_intake(self.client_profile, yes={"rash"}, completed_at=COMPLETED)
        _decide(intake, Decision.NOT_SUITABLE)

        self.assertEqual(can_book(self.client_profile, on=DAY).code, "not_suitable")

    def test_intake_twelve_months_old_on_the_day_must_be_renewed(self):
        make_intake(self.client_profile, completed_at=COMPLETED)

        self.assertIs(can_book(self.client_profile, on=date(2027, 3, 1)).allowed, True)
        result = can_book(self.client_profile, on=date(2027, 3, 2))
        self.assertEqual(
            (result.allowed, result.code, result.next_url),
            (
                False,
                "expired",
                "/intake/update/",
            ),
        )

    def test_can_book_uses_at_most_four_queries(self):
        intake = make_intake(self.client_profile, yes={"diabetes"}, completed_at=COMPLETED)
        record_clearance(intake, codes=["diabetes"], by=self.therapist_user)

        # The intake, the main location's zone (its completion day, clinic.clock), then
        # its flags and clearances.
        with self.assertNumQueries(4):
            can_book(self.client_profile, on=DAY)


@time_machine.travel(COMPLETED, tick=False)
class PublicStatusTests(ClinicTestCase):
    def test_front_desk_words_carry_no_health_detail(self):
        self.assertEqual(public_status(self.client_profile), "Health form missing")
        make_intake(self.client_profile, yes={"rash"}, completed_at=COMPLETED)
        self.assertEqual(public_status(self.client_profile), "Needs review")
        make_intake(self.client_profile, completed_at=COMPLETED)
        self.assertEqual(public_status(self.client_profile), "Can be booked")
        self.assertEqual(public_status(self.client_profile, on=date(2027, 3, 2)), "Renewal due")


@time_machine.travel(COMPLETED, tick=False)
class EveryBlockingReasonTests(ClinicTestCase):
    """Issue 9, finding 1: each blocking reason is checked on its own; none hides another."""

    def test_defer_and_clearance_without_a_note_stays_closed_after_the_defer_period(self):
        make_intake(
            self.client_profile, yes={"fever", "fracture_or_bone_injury"}, completed_at=COMPLETED
        )

        result = can_book(self.client_profile, on=DAY + timedelta(days=8))

        self.assertEqual(
            (result.allowed, result.code, result.blocks),
            (
                False,
                "clearance_pending",
                ("clearance_pending",),
            ),
        )

    def test_defer_and_clearance_with_a_note_opens_after_the_defer_period_with_a_check_in(self):
        intake = make_intake(
            self.client_profile, yes={"fever", "fracture_or_bone_injury"}, completed_at=COMPLETED
        )
        record_clearance(intake, codes=["fracture_or_bone_injury"], by=self.therapist_user)

        result = can_book(self.client_profile, on=DAY + timedelta(days=8))

        self.assertEqual((result.allowed, result.needs_checkin, result.blocks), (True, True, ()))

    def test_during_the_defer_period_both_reasons_are_listed_and_defer_is_shown(self):
        make_intake(
            self.client_profile, yes={"fever", "fracture_or_bone_injury"}, completed_at=COMPLETED
        )

        result = can_book(self.client_profile, on=DAY + timedelta(days=2))

        self.assertEqual((result.code, result.blocks), ("defer", ("defer", "clearance_pending")))
        self.assertIn("doctor's note", result.next_step)

    def test_a_decision_asking_for_clearance_on_a_defer_intake_closes_booking_after_the_period(
        self,
    ):
        intake = make_intake(self.client_profile, yes={"fever"}, completed_at=COMPLETED)
        _decide(intake, Decision.CLEARANCE_REQUIRED)

        result = can_book(self.client_profile, on=DAY + timedelta(days=8))

        self.assertEqual((result.allowed, result.code), (False, "clearance_pending"))

    def test_a_decision_asking_for_clearance_is_lifted_by_a_note_covering_every_flag(self):
        intake = make_intake(self.client_profile, yes={"fever"}, completed_at=COMPLETED)
        _decide(intake, Decision.CLEARANCE_REQUIRED)
        record_clearance(intake, codes=["fever"], by=self.therapist_user)

        self.assertIs(can_book(self.client_profile, on=DAY + timedelta(days=8)).allowed, True)

    def test_refer_is_shown_before_every_other_reason(self):
        intake = make_intake(
            self.client_profile,
            yes={"saddle_numbness", "fever", "diabetes"},
            completed_at=COMPLETED,
        )
        _decide(intake, Decision.NOT_SUITABLE)

        result = can_book(self.client_profile, on=DAY + timedelta(days=1))

        self.assertEqual(result.blocks, ("refer", "not_suitable", "defer", "clearance_pending"))
        self.assertEqual(result.code, "refer")

    def test_not_suitable_is_shown_before_an_expired_form(self):
        intake = make_intake(self.client_profile, yes={"rash"}, completed_at=COMPLETED)
        _decide(intake, Decision.NOT_SUITABLE)

        result = can_book(self.client_profile, on=date(2027, 3, 2))

        self.assertEqual(result.blocks, ("not_suitable", "expired"))

    def test_an_expired_form_with_a_missing_note_lists_both(self):
        make_intake(self.client_profile, yes={"diabetes"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=date(2027, 3, 2))

        self.assertEqual(
            (result.code, result.blocks), ("expired", ("expired", "clearance_pending"))
        )

    def test_a_code_made_stronger_in_the_catalog_closes_booking_for_forms_already_sent(self):
        make_intake(self.client_profile, yes={"varicose_veins"}, completed_at=COMPLETED)
        self.assertIs(can_book(self.client_profile, on=DAY).allowed, True)

        Condition.objects.filter(code="varicose_veins").update(category="clearance")

        self.assertEqual(can_book(self.client_profile, on=DAY).code, "clearance_pending")

    def test_a_code_made_weaker_in_the_catalog_does_not_open_booking_by_itself(self):
        make_intake(self.client_profile, yes={"diabetes"}, completed_at=COMPLETED)

        Condition.objects.filter(code="diabetes").update(category="caution")

        self.assertEqual(can_book(self.client_profile, on=DAY).code, "clearance_pending")
