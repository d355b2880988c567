"""can_book: the booking permission for each outcome, decision and date."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from intake.eligibility import can_book, public_status
from intake.models import Decision, Intake
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

        assert (result.allowed, result.code, result.next_url) == (False, "no_intake", "/intake/")

    def test_client_with_only_a_draft_is_asked_to_finish_it(self):
        Intake.objects.create(client=self.client_profile)

        result = can_book(self.client_profile, on=DAY)

        assert (result.allowed, result.code) == (False, "draft")

    def test_clear_intake_allows_booking_without_review(self):
        make_intake(self.client_profile, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY)

        assert (result.allowed, result.code, result.needs_review) == (True, "ok", False)

    def test_review_intake_allows_booking_with_review_before_the_visit(self):
        make_intake(self.client_profile, yes={"varicose_veins"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY)

        assert (result.allowed, result.needs_review, result.needs_checkin) == (True, True, False)

    def test_reviewed_intake_no_longer_needs_review(self):
        intake = make_intake(self.client_profile, yes={"pregnancy"}, completed_at=COMPLETED)
        _decide(intake, Decision.CLEARED)

        assert can_book(self.client_profile, on=DAY).needs_review is False

    def test_refer_never_allows_booking(self):
        make_intake(self.client_profile, yes={"saddle_numbness"}, completed_at=COMPLETED)

        for day in (DAY, DAY + timedelta(days=8), DAY + timedelta(days=300)):
            result = can_book(self.client_profile, on=day)
            assert (result.allowed, result.code) == (False, "refer")

    def test_defer_blocks_the_seven_days_after_completion(self):
        make_intake(self.client_profile, yes={"fever"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY + timedelta(days=6))

        assert (result.allowed, result.code) == (False, "defer")
        assert "9 March 2026" in result.next_step

    def test_defer_allows_later_dates_with_a_check_in(self):
        make_intake(self.client_profile, yes={"fever"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY + timedelta(days=7))

        assert (result.allowed, result.needs_checkin) == (True, True)

    def test_client_cannot_book_while_clearance_is_pending(self):
        make_intake(self.client_profile, yes={"diabetes"}, completed_at=COMPLETED)

        result = can_book(self.client_profile, on=DAY)

        assert (result.allowed, result.code) == (False, "clearance_pending")

    def test_clearance_covering_every_code_opens_booking(self):
        intake = make_intake(
            self.client_profile, yes={"diabetes", "osteoporosis"}, completed_at=COMPLETED
        )
        record_clearance(intake, codes=["diabetes", "osteoporosis"], by=self.therapist_user)

        assert can_book(self.client_profile, on=DAY).allowed is True

    def test_clearance_covering_only_some_codes_keeps_booking_closed(self):
        intake = make_intake(
            self.client_profile, yes={"diabetes", "osteoporosis"}, completed_at=COMPLETED
        )
        record_clearance(intake, codes=["diabetes"], by=self.therapist_user)

        assert can_book(self.client_profile, on=DAY).code == "clearance_pending"

    def test_clearance_lapses_after_twelve_months(self):
        intake = make_intake(self.client_profile, yes={"diabetes"}, completed_at=COMPLETED)
        record_clearance(
            intake, codes=["diabetes"], by=self.therapist_user, received=date(2025, 3, 10)
        )

        assert can_book(self.client_profile, on=date(2026, 3, 9)).allowed is True
        assert can_book(self.client_profile, on=date(2026, 3, 10)).code == "clearance_pending"

    def test_therapist_asking_for_clearance_closes_booking_on_a_review_intake(self):
        intake = make_intake(self.client_profile, yes={"rash"}, completed_at=COMPLETED)
        _decide(intake, Decision.CLEARANCE_REQUIRED)

        assert can_book(self.client_profile, on=DAY).code == "clearance_pending"

    def test_not_suitable_decision_closes_booking(self):
        intake = make_intake(self.client_profile, yes={"rash"}, completed_at=COMPLETED)
        _decide(intake, Decision.NOT_SUITABLE)

        assert can_book(self.client_profile, on=DAY).code == "not_suitable"

    def test_intake_twelve_months_old_on_the_day_must_be_renewed(self):
        make_intake(self.client_profile, completed_at=COMPLETED)

        assert can_book(self.client_profile, on=date(2027, 3, 1)).allowed is True
        result = can_book(self.client_profile, on=date(2027, 3, 2))
        assert (result.allowed, result.code, result.next_url) == (
            False,
            "expired",
            "/intake/update/",
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
        assert public_status(self.client_profile) == "Health form missing"
        make_intake(self.client_profile, yes={"rash"}, completed_at=COMPLETED)
        assert public_status(self.client_profile) == "Needs review"
        make_intake(self.client_profile, completed_at=COMPLETED)
        assert public_status(self.client_profile) == "Can be booked"
        assert public_status(self.client_profile, on=date(2027, 3, 2)) == "Renewal due"
