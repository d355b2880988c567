"""A client's chart, and the changes to a visit's notes after they are recorded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from bookings import visits
from bookings.chart import chart as build_chart
from bookings.errors import BookingError
from bookings.forms import AmendmentForm, VisitForm
from bookings.models import Visit
from bookings.painhistory import pain_chart_for
from clinic import clock
from clinic.access import no_store
from clinic.models import ClientProfile
from intake.access import can_see_chart
from intake.audit import log_access
from intake.views.common import deny


def _client_for_chart(request, pk):
    client = get_object_or_404(ClientProfile.objects.select_related("user"), pk=pk)
    if not can_see_chart(request.user, client):
        deny(request.user)
    return client


def _visit_for_chart(request, pk):
    visit = get_object_or_404(
        Visit.objects.select_related(
            "appointment__client__user", "appointment__therapist__user", "appointment__service"
        ),
        pk=pk,
    )
    if not can_see_chart(request.user, visit.appointment.client):
        deny(request.user)
    return visit


@login_required
@no_store
@require_safe
def chart(request, pk):
    """One client's chart: safety first, the plans, every visit's notes, the pain line."""
    client = _client_for_chart(request, pk)
    data = build_chart(client, on=clock.today())
    log_access(
        request.user, client=client, intake=data.safety.intake, action="view", detail="chart"
    )
    now = timezone.now()
    return render(
        request,
        "bookings/chart.html",
        {
            "chart": data,
            "client": client,
            "pain_chart": pain_chart_for(client, now=now),
            "safety": data.safety,
            "visits": [(visit, visits.may_edit(request.user, visit, now)) for visit in data.visits],
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def visit_edit(request, pk):
    """The author corrects a visit's notes within 24 hours of recording them."""
    visit = _visit_for_chart(request, pk)
    client = visit.appointment.client
    if not visits.may_edit(request.user, visit):
        messages.info(request, "These notes can no longer be changed: add an amendment instead.")
        return redirect("bookings:visit_amend", pk=visit.pk)
    form = VisitForm(request.POST or None, instance=visit, client=client, submit="Save the changes")
    if request.method == "POST" and form.is_valid():
        try:
            visits.edit_visit(visit=visit, by=request.user, **form.cleaned_data)
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The visit notes are saved.")
            return redirect("bookings:chart", pk=client.pk)
    if request.method != "POST":
        log_access(request.user, client=client, action="view", detail=f"visit {visit.pk} edit")
    return render(
        request,
        "bookings/visit_edit.html",
        {"visit": visit, "appointment": visit.appointment, "form": form},
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def visit_amend(request, pk):
    """Add an amendment to a visit's notes (which stay as they were)."""
    visit = _visit_for_chart(request, pk)
    client = visit.appointment.client
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visits.amend_visit(visit=visit, by=request.user, text=form.cleaned_data["text"])
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The amendment is added.")
            return redirect("bookings:chart", pk=client.pk)
    if request.method != "POST":
        log_access(request.user, client=client, action="view", detail=f"visit {visit.pk} amend")
    return render(
        request,
        "bookings/visit_amend.html",
        {
            "visit": visit,
            "appointment": visit.appointment,
            "amendments": list(visit.amendments.select_related("author")),
            "form": form,
        },
    )
