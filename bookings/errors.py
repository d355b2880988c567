"""What a booking workflow raises when it cannot go ahead."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bookings.availability import (
    nearest_free_slots,
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


class SlotTaken(BookingError):
    """The time is no longer free (taken since the page loaded, or never free)."""

    def __init__(
        self,
        *,
        therapist: Therapist,
        service: Service,
        start: datetime,
        index: int | None = None,
        duration: int | None = None,
    ) -> None:
        super().__init__("That time was just taken.", code="taken")
        self.therapist = therapist
        self.service = service
        self.start = start
        self.index = index
        self.duration = duration

    def alternatives(self, *, limit: int = 3, now: datetime | None = None) -> list[datetime]:
        return nearest_free_slots(
            self.therapist, self.service, self.start, limit=limit, duration=self.duration, now=now
        )


class NotAllowed(BookingError):
    """The client's health form does not allow booking on that date."""

    def __init__(self, eligibility: Eligibility) -> None:
        super().__init__(eligibility.reason, code=eligibility.code)
        self.eligibility = eligibility
