"""Front desk asks the day-of questions on arrival (for a client who has not answered
them by the e-mailed link, or has no e-mail): hand the device over, or ask and tick.

Afterwards the desk sees only the result on the day page: "Go ahead" or "A therapist
must speak to the client before the session" (``bookings.checks.desk_words``).
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bookings import checks
from bookings.models import DayOfCheck
from bookings.views.common import STAFF, get_appointment_for_user
from clinic.access import no_store, role_required


@role_required(*STAFF)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def desk_day_check(request, pk):
    appointment = get_appointment_for_user(request, pk)
    now = timezone.now()
    is_open = checks.desk_open(appointment, now)
    latest = checks.latest_checks([appointment]).get(appointment.pk)
    form = checks.DayOfForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and is_open and form.is_valid():
        _check, result = checks.record_day_of(
            appointment,
            form.answers(),
            via=DayOfCheck.Via.DESK,
            by=request.user,
            note=form.cleaned_data["note"],
            now=now,
        )
        appointment.refresh_from_db()
        # A page for the client (it may carry the urgent-care guidance); the desk's
        # "hand back" link leads to the day page, which shows only the result.
        return render(
            request,
            "bookings/checkin/day_of_result.html",
            {
                "appointment": appointment,
                "result": result,
                "location": appointment.location,
                "at_desk": True,
            },
        )
    return render(
        request,
        "bookings/checkin/desk_check.html",
        {
            "appointment": appointment,
            "form": form,
            "is_open": is_open,
            "current": checks.desk_words(latest),
        },
        status=400 if request.method == "POST" and is_open and form.errors else 200,
    )
