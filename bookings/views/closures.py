"""After closing days that have bookings: see who is affected, then move or cancel them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from bookings import closures
from clinic.access import no_store, role_required
from clinic.models import Closure, Role


def _get_closure(pk):
    return get_object_or_404(Closure.objects.select_related("location"), pk=pk)


@role_required(Role.CLINIC_ADMIN)
@no_store
@require_safe
def closure_appointments(request, pk):
    """The open appointments in a closure, with the two ways to deal with them."""
    closure = _get_closure(pk)
    found = list(closures.appointments_in(closure))
    return render(
        request,
        "bookings/closure_appointments.html",
        {"closure": closure, "appointments": found, "reason": closures.closure_reason(closure)},
    )


def _report(request, outcome, done):
    if done:
        messages.success(request, done)
    for appointment, why in outcome.left:
        messages.warning(
            request,
            f"{appointment.client.full_name}, {appointment.local_start:%-d %B %H:%M}, "
            f"is still booked: {why}",
        )
    calls = outcome.not_emailed
    if calls:
        names = ", ".join(sorted({a.client.full_name for a in calls}))
        messages.warning(request, f"No e-mail goes to these clients; please call them: {names}.")


@role_required(Role.CLINIC_ADMIN)
@no_store
@require_POST
def closure_move(request, pk):
    closure = _get_closure(pk)
    outcome = closures.move_out(closure=closure, by=request.user, now=timezone.now())
    count = len(outcome.moved)
    _report(
        request,
        outcome,
        f"Moved {count} appointment{'s' if count != 1 else ''} to the nearest free time; "
        "the clients are told the new time."
        if count
        else "",
    )
    return redirect("bookings:closure_appointments", pk=closure.pk)


@role_required(Role.CLINIC_ADMIN)
@no_store
@require_POST
def closure_cancel(request, pk):
    closure = _get_closure(pk)
    outcome = closures.cancel_in(closure=closure, by=request.user, now=timezone.now())
    count = len(outcome.cancelled)
    _report(
        request,
        outcome,
        f"Cancelled {count} appointment{'s' if count != 1 else ''}; the clients are told."
        if count
        else "",
    )
    return redirect("bookings:closure_appointments", pk=closure.pk)
