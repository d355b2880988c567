"""Treatment plans: the plan form, and the booked plan (its changes, its maintenance follow-up).

The proposed list and its actions (drop, move, confirm) are in ``plan_review``.
"""

from datetime import date, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings import appointments, maintenance, plans, proposals
from bookings.course_forms import RollingPlanForm
from bookings.errors import BookingError
from bookings.forms import (
    MaintenanceForm,
    PlanChangeForm,
    PlanForm,
)
from bookings.models import Appointment, PlanKind, PlanStatus, TreatmentPlan
from bookings.views.common import (
    STAFF,
    booking_closed,
    client_for_booking,
    client_picker,
    client_query,
    get_plan_for_user,
)
from clinic import clock
from clinic.access import no_store, role_required
from clinic.models import Role, Service
from intake.access import can_see_chart, can_see_health_data
from intake.audit import log_access
from intake.eligibility import first_bookable_day
from intake.models import Intake


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def plan_new(request):
    """The plan form: the recommended course, and the client's days, time and therapist."""
    client = client_for_booking(request)
    if client is None:
        return client_picker(request)
    today = clock.today()
    proposed = (
        TreatmentPlan.objects.proposed()
        .filter(client=client)
        .select_related("service", "therapist__user")
        .first()
    )
    opens, _ = first_bookable_day(client, today=today)
    if opens is None:
        return booking_closed(request, client)
    verdict = appointments.eligibility(client, max(opens, today + timedelta(days=7))).for_viewer(
        request.user, client
    )
    if proposed:
        recommendation = proposed.recommendation
    else:
        recommendation = proposals.recommendation_for(client, on=today)
    if recommendation is None:
        return render(request, "bookings/not_allowed.html", {"verdict": verdict, "client": client})
    initial = {
        "first_day": max(opens, today + timedelta(days=1)),
        "weekdays": default_weekdays(recommendation.sessions_per_week),
    }
    if proposed:
        initial.update(service=proposed.service, therapist=proposed.therapist)
    else:
        suggested = _suggested_service(client)
        if suggested:
            initial["service"] = suggested
    # "Change days or time" comes back here: keep what was chosen last time.
    initial.update(_previous_choices(client, request.user, today))
    form = PlanForm(request.POST or None, today=today, opens=opens, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = proposals.propose_plan(
            client=client,
            recommendation=recommendation,
            service=data["service"],
            therapist=data["therapist"],
            weekdays=data["weekdays"],
            preferred_time=data["preferred_time"],
            first_day=data["first_day"],
            plan=proposed,
            previous=proposed.previous if proposed else None,
        )
        proposals.save_draft(proposal, client=client, by=request.user)
        return redirect(
            reverse("bookings:plan_review") + "?" + urlencode(client_query(request, client))
        )
    return render(
        request,
        "bookings/plan_form.html",
        {
            "form": form,
            "client": client,
            "recommendation": recommendation,
            "verdict": verdict,
            "proposed": proposed,
            "client_query": urlencode(client_query(request, client)),
        },
    )


# Days ticked at first, spread over the working week, for a plan of n sessions a week.
_SPREAD = {1: [1], 2: [0, 3], 3: [0, 2, 4]}


def default_weekdays(sessions_per_week):
    """As many days as sessions a week (one for a maintenance plan), spread out."""
    count = max(1, min(sessions_per_week or 1, 5))
    return _SPREAD.get(count, list(range(count)))


def _previous_choices(client, user, today):
    """The days, time, start, treatment and therapist of the proposal still open for
    ``client`` (by ``user``), so changing them starts from what was chosen."""
    proposal = proposals.open_proposal(proposals.draft_for(client, user))
    if proposal is None:
        return {}
    choices = {"weekdays": list(proposal.weekdays), "service": proposal.service_id}
    try:
        choices["preferred_time"] = time.fromisoformat(proposal.preferred_time)
        first_day = date.fromisoformat(proposal.first_day)
    except (TypeError, ValueError):
        return choices
    if first_day >= today:
        choices["first_day"] = first_day
    if proposal.therapist_id:
        choices["therapist"] = proposal.therapist_id
    return choices


def _suggested_service(client):
    intake = Intake.objects.current_for(client)
    # The flags come first: the suggestion, not the stored code, which an intake
    # completed before that rule may hold as deep tissue.
    code = intake.technique_suggestion().technique if intake else ""
    if not code:
        return None
    return Service.objects.active().filter(is_reassessment=False, technique__code=code).first()


@login_required
@no_store
@require_safe
def plan_detail(request, pk):
    plan = get_plan_for_user(request, pk)
    user = request.user
    is_therapist = user.is_therapist
    can_follow = (
        is_therapist
        and plan.kind == PlanKind.ACUTE
        and any(
            a.is_reassessment and a.status == Appointment.Status.COMPLETED
            for a in plan.appointments.all()
        )
        and not plan.follow_ups.exists()
    )
    return render(
        request,
        "bookings/plan_detail.html",
        {
            "plan": plan,
            "progress": plan.progress(),
            **_course_context(request, plan),
            "change_form": PlanChangeForm(instance=plan) if is_therapist else None,
            "maintenance_form": MaintenanceForm(initial={"service": plan.service})
            if can_follow
            else None,
        },
    )


@role_required(Role.THERAPIST)
@no_store
@require_POST
def plan_change(request, pk):
    plan = get_plan_for_user(request, pk)
    form = PlanChangeForm(request.POST, instance=plan)
    if form.is_valid():
        form.save()
        messages.success(request, "The plan is updated.")
        return redirect(plan)
    return render(
        request,
        "bookings/plan_detail.html",
        {"plan": plan, "progress": plan.progress(), "change_form": form},
        status=400,
    )


@role_required(Role.THERAPIST)
@no_store
@require_POST
def plan_maintenance(request, pk):
    plan = get_plan_for_user(request, pk)
    form = MaintenanceForm(request.POST)
    if form.is_valid():
        try:
            follow_up = plans.start_maintenance_plan(
                previous=plan,
                by=request.user,
                interval_weeks=form.cleaned_data["interval_weeks"],
                session_minutes=form.cleaned_data["session_minutes"],
                service=form.cleaned_data["service"],
                therapist=getattr(request.user, "therapist", None),
            )
        except BookingError as error:
            messages.error(request, error.message)
            return redirect(plan)
        messages.success(
            request,
            "The maintenance plan is proposed; the client chooses days and times to book it.",
        )
        return redirect(follow_up)
    messages.error(request, "Please check the maintenance plan's details.")
    return redirect(plan)


def _course_context(request, plan):
    """The course notice (health data: its readers only, logged) and the rolling controls."""
    user = request.user
    context = {
        "course_alert": "",
        "rolling": plan.kind == PlanKind.MAINTENANCE
        and plan.status in (PlanStatus.ACTIVE, PlanStatus.PAUSED),
        "ahead": maintenance.AHEAD,
    }
    if plan.course_alert and can_see_health_data(user, plan.client):
        log_access(user, client=plan.client, action="view", detail=f"plan {plan.pk} course notice")
        context["course_alert"] = plan.course_alert
    # The reassessment pages, for those who may read them (the chart's readers).
    chart_reader = can_see_chart(user, plan.client)
    context["reassessments"] = [
        a for a in plan.appointments.all() if a.is_reassessment and chart_reader
    ]
    if context["course_alert"] and chart_reader:
        # The course is not working: reassess at the latest visit, without waiting.
        done = [a for a in plan.appointments.all() if a.status == Appointment.Status.COMPLETED]
        context["reassess_now"] = done[-1] if done else None
    return context


ROLLING_DONE = {
    "pause": "The plan is paused: no new visits are booked. The visits already booked "
    "stay booked; cancel any you do not want.",
    "resume": "The plan is running again; its next visits are booked.",
    "stop": "The plan is stopped and its future visits are cancelled.",
}


@role_required(Role.CLIENT, Role.THERAPIST, *STAFF)
@no_store
@require_POST
def plan_rolling(request, pk):
    """Pause, resume or stop a maintenance plan (the client, their therapist, the desk)."""
    plan = get_plan_for_user(request, pk)
    form = RollingPlanForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors() or ["Choose pause, resume or stop."]:
            messages.error(request, error)
        return redirect(plan)
    action = form.cleaned_data["action"]
    workflow = {
        "pause": maintenance.pause_plan,
        "resume": maintenance.resume_plan,
        "stop": maintenance.stop_plan,
    }[action]
    try:
        workflow(plan=plan, by=request.user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ROLLING_DONE[action])
    return redirect(plan)
