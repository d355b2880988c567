"""The therapist's week and front desk's day."""

from collections import defaultdict
from datetime import timedelta

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from bookings import checks
from bookings.chart import mark_course_notices
from bookings.forms import (
    DayForm,
)
from bookings.models import Appointment
from bookings.timeutils import local_day_bounds
from bookings.views.common import (
    STAFF,
)
from clinic import clock
from clinic.access import no_store, role_required
from clinic.models import Role, Therapist
from intake.access import chart_client_ids
from intake.eligibility import DESK_URGENT
from intake.models import Intake

# --- Schedules ------------------------------------------------------------------------


@role_required(Role.THERAPIST)
@no_store
@require_safe
def therapist_week(request):
    """This week (Monday to Sunday) as a seven-column table."""
    therapist = get_object_or_404(Therapist, user=request.user)
    # The therapist's own location's week (the main location's when they have none).
    zone = clock.zone(therapist.locations.filter(active=True).first())
    form = DayForm(request.GET or None)
    day = form.cleaned_data["date"] if form.is_valid() and form.cleaned_data["date"] else None
    day = day or timezone.localdate(timezone=zone)
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=offset) for offset in range(7)]
    start, _ = local_day_bounds(days[0], zone)
    _, end = local_day_bounds(days[-1], zone)
    appointments = (
        Appointment.objects.for_therapist(therapist)
        .filter(start__gte=start, start__lt=end)
        .exclude(status__in=[Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED])
        .select_related("client", "service", "location", "room", "plan")
    )
    appointments = list(appointments)
    charts = chart_client_ids(request.user, {a.client_id for a in appointments})
    mark_course_notices(request.user, appointments, charts, detail="therapist week: course notice")
    by_day = defaultdict(list)
    for appointment in appointments:
        appointment.may_see_chart = appointment.client_id in charts
        by_day[appointment.local_start.date()].append(appointment)
    return render(
        request,
        "bookings/week.html",
        {
            "form": form,
            "columns": [(d, by_day.get(d, [])) for d in days],
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "monday": monday,
        },
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@no_store
@require_safe
def front_desk_day(request):
    """Every therapist's day: times, clients and "needs review", never a health detail."""
    zone = clock.zone()
    form = DayForm(request.GET or None)
    day = form.cleaned_data["date"] if form.is_valid() and form.cleaned_data["date"] else None
    day = day or timezone.localdate(timezone=zone)
    start, end = local_day_bounds(day, zone)
    appointments = list(
        Appointment.objects.filter(start__gte=start, start__lt=end)
        .select_related("client", "therapist__user", "service", "location", "room")
        .order_by("therapist__user__first_name", "therapist_id", "start")
    )
    needs_review = set(
        Intake.objects.awaiting_review()
        .filter(client_id__in={a.client_id for a in appointments})
        .values_list("client_id", flat=True)
    )
    # Red flags no therapist has acted on, whoever's day they are: walk-ins included.
    urgent = [intake.client for intake in Intake.objects.urgent().select_related("client")]
    urgent_ids = {client.pk for client in urgent}
    # The day-of check: its result only ("Go ahead" or "a therapist must speak to the
    # client"), and a "Check in" action for today's visits that are still open.
    day_checks = checks.latest_checks(appointments)
    now = timezone.now()
    columns = defaultdict(list)
    for appointment in appointments:
        appointment.needs_review = appointment.client_id in needs_review
        appointment.urgent = appointment.client_id in urgent_ids
        appointment.day_of = checks.desk_words(day_checks.get(appointment.pk))
        appointment.may_day_check = checks.desk_open(appointment, now)
        columns[appointment.therapist].append(appointment)
    return render(
        request,
        "bookings/front_desk_day.html",
        {
            "form": form,
            "day": day,
            "urgent": urgent,
            "urgent_words": DESK_URGENT,
            "columns": list(columns.items()),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
        },
        status=400 if form.errors else 200,
    )
