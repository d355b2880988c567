"""Pages behind the messages: the pre-visit check-in and the therapist's calendar feed."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings import calendars, checkin
from bookings.models import Appointment, CalendarFeed
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
    form = checkin.CheckinForm(request.POST if request.method == "POST" else None)
    context = {
        "appointment": appointment,
        "form": form,
        "open_for_checkin": open_for_checkin,
        "other_account": other_account,
    }
    if request.method == "POST" and open_for_checkin and form.is_valid():
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


@no_store
@require_safe
def feed(request, token):
    """A therapist's calendar (iCalendar), for calendar programs; the URL is the secret."""
    calendar_feed = get_object_or_404(
        CalendarFeed.objects.select_related("therapist__user"),
        token=token,
        revoked_at__isnull=True,
    )
    response = HttpResponse(
        calendars.therapist_feed(calendar_feed.therapist),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    return response


@role_required(Role.THERAPIST)
@no_store
@require_safe
def feed_settings(request):
    """The therapist's own feed address, to copy into a calendar program, rotate or revoke."""
    therapist = _get_own_therapist(request)
    calendar_feed = CalendarFeed.objects.filter(therapist=therapist).first()
    feed_url = ""
    if calendar_feed is not None and calendar_feed.is_active:
        feed_url = calendars.absolute_url(reverse("bookings:feed", args=[calendar_feed.token]))
    return render(
        request,
        "bookings/checkin/feed_settings.html",
        {"therapist": therapist, "calendar_feed": calendar_feed, "feed_url": feed_url},
    )


@role_required(Role.THERAPIST)
@require_POST
def feed_rotate(request):
    """A new secret address (or the first one); the old address stops working at once."""
    therapist = _get_own_therapist(request)
    calendar_feed, created = CalendarFeed.objects.get_or_create(therapist=therapist)
    if not created:
        calendar_feed.rotate()
    return redirect("bookings:feed_settings")


@role_required(Role.THERAPIST)
@require_POST
def feed_revoke(request):
    """Switch the feed off: its address stops working until a new one is made."""
    therapist = _get_own_therapist(request)
    calendar_feed = CalendarFeed.objects.filter(
        therapist=therapist, revoked_at__isnull=True
    ).first()
    if calendar_feed is not None:
        calendar_feed.revoke()
    return redirect("bookings:feed_settings")
