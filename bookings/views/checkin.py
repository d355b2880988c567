"""The pre-visit check-in (the link in the reminder)."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from bookings import checkin, checks
from bookings.models import Appointment, DayOfCheck
from clinic.access import no_store, role_required
from clinic.models import Role, Therapist


def _get_appointment_by_token(token):
    """The appointment whose check-in link this is; the token is the only key needed."""
    return get_object_or_404(
        Appointment.objects.select_related(
            "client__user", "therapist__user", "service", "location"
        ),
        checkin_token=token,
    )


def _get_own_appointment_by_token(request, token):
    """As above, and the logged-in client must be the appointment's client."""
    appointment = _get_appointment_by_token(token)
    if appointment.client.user_id != request.user.pk:
        raise Http404
    return appointment


def _get_own_therapist(request):
    return get_object_or_404(Therapist.objects.select_related("user"), user=request.user)


@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_view(request, token):
    """ "Has anything changed in your health?", reached from the reminder's link."""
    appointment = _get_appointment_by_token(token)
    open_for_checkin = checkin.can_check_in(appointment)
    has_account = appointment.client.user_id is not None
    other_account = (
        request.user.is_authenticated
        and has_account
        and request.user.pk != appointment.client.user_id
    )
    data = request.POST if request.method == "POST" else None
    form = checkin.CheckinForm(data)
    # The questions about "today" join the check-in from the day before the visit.
    day_form = checks.DayOfForm(data) if checks.link_open(appointment) else None
    context = {
        "appointment": appointment,
        "form": form,
        "day_form": day_form,
        "day_opens_at": checks.link_opens_at(appointment),
        "day_answered": appointment.day_of_checks.exists(),
        "open_for_checkin": open_for_checkin,
        "other_account": other_account,
    }
    day_valid = day_form is None or day_form.is_valid()
    # Answers about how someone is today are theirs to give: not from another account.
    may_answer = day_form is None or not other_account
    if (
        request.method == "POST"
        and open_for_checkin
        and may_answer
        and form.is_valid()
        and day_valid
    ):
        if day_form is not None:
            _check, result = checks.record_day_of(
                appointment,
                day_form.answers(),
                via=DayOfCheck.Via.LINK,
                by=request.user,
                note=day_form.cleaned_data["note"],
            )
            if not result.go_ahead:
                appointment.refresh_from_db()
                return render(
                    request,
                    "bookings/checkin/day_of_result.html",
                    {
                        "appointment": appointment,
                        "result": result,
                        "location": appointment.location,
                        "changed": form.cleaned_data["changed"] == checkin.YES,
                        "update_url": reverse("intake:update") if has_account else "",
                    },
                )
        if form.cleaned_data["changed"] == checkin.NO:
            verdict = checkin.confirm_no_change(appointment)
            if verdict.allowed:
                return redirect("bookings:checkin", token)
            appointment.refresh_from_db()
            return render(
                request,
                "bookings/checkin/result.html",
                {"appointment": appointment, "verdict": verdict},
            )
        if has_account and not other_account:
            result = reverse("bookings:checkin_result", args=[token])
            return redirect(f"{reverse('intake:update')}?{urlencode({'next': result})}")
        if not has_account:
            checkin.report_change_without_account(appointment)
            return render(request, "bookings/checkin/call.html", {"appointment": appointment})
    return render(request, "bookings/checkin/checkin.html", context)


@role_required(Role.CLIENT)
@no_store
@require_safe
def checkin_result(request, token):
    """After the updated health form: does the visit still go ahead, and if not, what next."""
    appointment = _get_own_appointment_by_token(request, token)
    verdict = None
    if checkin.can_check_in(appointment):
        verdict = checkin.apply_updated_intake(appointment)
        appointment.refresh_from_db()
    return render(
        request,
        "bookings/checkin/result.html",
        {"appointment": appointment, "verdict": verdict},
    )
