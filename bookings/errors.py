"""What a booking workflow raises when it cannot go ahead."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bookings.availability import (
    nearest_free_slots,
    unavailable_reason,
)

if TYPE_CHECKING:
    from clinic.models import Service, Therapist
    from intake.eligibility import Eligibility


class BookingError(Exception):
    """A booking that cannot go ahead, with a message for the person booking."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# Why a wanted time cannot be booked (``bookings.availability.unavailable_reason``),
# in the words the person booking reads: the one place these messages live.
UNAVAILABLE_MESSAGES = {
    "past": "That time has already passed.",
    "notice": "That time is too soon to book online.",
    "horizon": "That time is further ahead than we take bookings.",
    "closed": "The clinic is closed that day.",
    "out_of_hours": "That time is outside opening hours.",
    "off_grid": "That time is not on the booking grid (appointments start on set times).",
    "client_busy": "There is already an appointment for this client at that time.",
    "taken": "That time was just taken.",
}


class SlotTaken(BookingError):
    """The time cannot be booked; ``code`` says why (a key of ``UNAVAILABLE_MESSAGES``).

    ``taken`` (someone booked it first) is the usual reason; a hand-edited or stale
    request may name a time in the past, off the grid or outside opening hours, and is
    told so (``SlotTaken.explain``).
    """

    def __init__(
        self,
        *,
        therapist: Therapist,
        service: Service,
        start: datetime,
        index: int | None = None,
        duration: int | None = None,
        reason: str = "taken",
    ) -> None:
        super().__init__(UNAVAILABLE_MESSAGES[reason], code=reason)
        self.therapist = therapist
        self.service = service
        self.start = start
        self.index = index
        self.duration = duration

    @classmethod
    def explain(
        cls,
        *,
        therapist: Therapist,
        service: Service,
        start: datetime,
        index: int | None = None,
        duration: int | None = None,
        now: datetime | None = None,
        notice: bool = True,
    ) -> SlotTaken:
        """The error for a start ``find_slot`` did not find, with the true reason."""
        reason = unavailable_reason(
            therapist,
            service,
            start,
            duration=duration,
            now=now,
            notice=notice,
        )
        return cls(
            therapist=therapist,
            service=service,
            start=start,
            index=index,
            duration=duration,
            reason=reason,
        )

    @property
    def just_taken(self) -> bool:
        return self.code == "taken"

    def alternatives(
        self, *, limit: int = 3, now: datetime | None = None, notice: bool = True
    ) -> list[datetime]:
        return nearest_free_slots(
            self.therapist,
            self.service,
            self.start,
            limit=limit,
            duration=self.duration,
            now=now,
            notice=notice,
        )


class NotAllowed(BookingError):
    """The client's health form does not allow booking on that date."""

    def __init__(self, eligibility: Eligibility) -> None:
        super().__init__(eligibility.reason, code=eligibility.code)
        self.eligibility = eligibility
