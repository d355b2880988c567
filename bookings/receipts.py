"""Receipts: one per visit that took place, for the client's records and their insurer.

A receipt is given for an appointment that was attended: completed, with its visit
recorded by the therapist. Late cancellations and missed visits get none, because the
clinic records no charge for them (``Appointment`` keeps only the visit's price, and the
cancellation policy only marks a cancellation late).

A receipt carries no health data: no pain score, notes, flags or reason for the visit,
only what an insurer asks for (clinic, date, treatment, length, price, therapist and
their registration number, and a receipt number).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from bookings.models import Appointment, Visit


def with_receipt_flags(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """Annotate each appointment with ``visit_recorded``, for :func:`has_receipt` in lists."""
    return appointments.annotate(
        visit_recorded=Exists(Visit.objects.filter(appointment=OuterRef("pk")))
    )


def has_receipt(appointment: Appointment) -> bool:
    """Is there a receipt for ``appointment``: was it attended and its visit recorded?"""
    if appointment.status != Appointment.Status.COMPLETED:
        return False
    recorded = getattr(appointment, "visit_recorded", None)
    if recorded is None:
        recorded = Visit.objects.filter(appointment_id=appointment.pk).exists()
    return bool(recorded)


def receipt_number(appointment: Appointment) -> str:
    """The visit's year and the appointment's number: unique, and the same on every print."""
    return f"{appointment.local_start:%Y}-{appointment.pk:06d}"
