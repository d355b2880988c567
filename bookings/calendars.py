"""Calendar data (RFC 5545): invitations attached to e-mails, and therapists' feeds.

Every event for one appointment has the same UID (``appointment-<pk>@<site host>``), so a
calendar program updates the event it already has instead of adding a second one. The
SEQUENCE is the number of changes recorded in the appointment's history, so a
reschedule or a cancellation always carries a higher number than the invitation before.
Times are written in UTC. No event carries a health detail.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from bookings.models import Appointment
from clinic import sites

PRODID = "-//Back in Balance Clinic//Bookings//EN"
# How far back a therapist's feed reaches; forward it runs to the booking horizon.
FEED_DAYS_BACK = 30


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path):
    return sites.absolute_url(path)


def event_uid(appointment):
    """The same for every message about one appointment, whatever its time."""
    return f"appointment-{appointment.pk}@{site_host()}"


def with_sequence(queryset):
    """Annotate ``ics_sequence``: how many times the appointment changed after booking."""
    history = Appointment.history.model.objects.filter(id=OuterRef("pk"))
    changes = (
        history.order_by().values("id").annotate(changes=Count("history_id")).values("changes")[:1]
    )
    return queryset.annotate(
        ics_changes=Coalesce(Subquery(changes, output_field=IntegerField()), 0)
    )


def sequence_of(appointment):
    """SEQUENCE for ``appointment``: the annotation if present, else one query."""
    changes = getattr(appointment, "ics_changes", None)
    if changes is None:
        changes = Appointment.history.model.objects.filter(id=appointment.pk).count()
    # The first history row is the booking itself.
    return max(changes - 1, 0)


def client_short_name(client):
    """First name and last initial: enough for the therapist's own diary."""
    initial = f" {client.last_name[:1]}." if client.last_name else ""
    return f"{client.first_name}{initial}"


def _calendar(method=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _location_text(location):
    address = " ".join(location.address.split())
    return f"{location.name}, {address}" if address else location.name


def _event(appointment, *, summary, description, cancelled=False, now=None):
    event = Event()
    event.add("uid", event_uid(appointment))
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("summary", summary)
    event.add("location", _location_text(appointment.location))
    event.add("description", description)
    event.add("sequence", sequence_of(appointment))
    if cancelled or appointment.is_cancelled:
        event.add("status", "CANCELLED")
    elif appointment.status == Appointment.Status.HELD:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def _client_event(appointment, *, now=None):
    service = appointment.service.name
    summary = f"{service} with {appointment.therapist.name}"
    if appointment.is_reassessment:
        summary = f"Reassessment with {appointment.therapist.name}"
    description = (
        f"{settings.CLINIC_NAME}: {service}, {appointment.duration_minutes} minutes.\n"
        "To see, move or cancel it: "
        + absolute_url(reverse("bookings:appointment_detail", args=[appointment.pk]))
    )
    return _event(appointment, summary=summary, description=description, now=now)


def client_invitation(appointments, *, cancelled=False, now=None) -> bytes:
    """An ``.ics`` file for the client: REQUEST for bookings and moves, CANCEL to cancel.

    ``appointments`` is one appointment or several (a whole plan in one file).
    """
    if isinstance(appointments, Appointment):
        appointments = [appointments]
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    for appointment in appointments:
        calendar.add_component(_client_event(appointment, now=now))
    return calendar.to_ical()


def feed_appointments(therapist, *, now=None):
    """The therapist's visits from 30 days back to the furthest booking horizon."""
    now = now or timezone.now()
    horizon = max(therapist.locations.values_list("booking_horizon_days", flat=True), default=366)
    return with_sequence(
        Appointment.objects.active()
        .for_therapist(therapist)
        .filter(
            start__gte=now - timedelta(days=FEED_DAYS_BACK),
            start__lte=now + timedelta(days=horizon + 1),
        )
        .select_related("client", "service", "location", "room")
        .order_by("start")
    )


def therapist_feed(therapist, *, now=None) -> bytes:
    """The therapist's personal calendar: who (first name, last initial), what, where."""
    now = now or timezone.now()
    calendar = _calendar()
    calendar.add("x-wr-calname", f"{settings.CLINIC_NAME}: {therapist.name}")
    for appointment in feed_appointments(therapist, now=now):
        what = "Reassessment" if appointment.is_reassessment else appointment.service.name
        summary = f"{what}: {client_short_name(appointment.client)}"
        description = f"{appointment.room.name}. " + absolute_url(
            reverse("bookings:appointment_detail", args=[appointment.pk])
        )
        calendar.add_component(
            _event(appointment, summary=summary, description=description, now=now)
        )
    return calendar.to_ical()
