"""The printable receipt for an attended visit."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bookings import receipts
from bookings.views.common import get_appointment_for_user
from clinic.access import no_store


@login_required
@no_store
@require_safe
def receipt(request, pk):
    """The receipt for one visit: for the client, the treating therapist and the desk.

    Whoever may open the appointment may open its receipt (the same lookup, so another
    client gets a 404). It holds no health data, so no access is logged.
    """
    appointment = get_appointment_for_user(request, pk)
    if not receipts.has_receipt(appointment):
        return render(
            request, "bookings/receipt_unavailable.html", {"appointment": appointment}, status=404
        )
    location = appointment.location
    return render(
        request,
        "bookings/receipt.html",
        {
            "appointment": appointment,
            "location": location,
            "therapist": appointment.therapist,
            "number": receipts.receipt_number(appointment),
            "clinic_name": settings.CLINIC_NAME,
        },
    )
