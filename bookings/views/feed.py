"""The therapist's calendar feed and its settings."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from bookings import calendars
from bookings.models import CalendarFeed
from clinic.access import no_store, role_required
from clinic.models import Role, Therapist


def _get_own_therapist(request):
    return get_object_or_404(Therapist.objects.select_related("user"), user=request.user)


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
