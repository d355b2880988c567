"""The reassessment page, its next step, and the letter to the client's doctor.

Health data: only the therapists who treat the client and staff with the health-data
permission; every view and change is logged (``intake.audit.log_access``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings import reassessments
from bookings.course_forms import NextStepForm, ReassessmentForm
from bookings.errors import BookingError
from bookings.models import Appointment, NextStep, PlanKind, Reassessment
from bookings.progress import MEANINGFUL_CHANGE
from clinic import clock
from clinic.access import has_health_permission, no_store
from clinic.models import Therapist
from intake.access import treats
from intake.audit import log_access
from intake.models import Condition, Intake


def get_reassessment_appointment(request, pk):
    """The reassessment appointment, for a therapist who treats the client or health staff.

    403 for every other role; 404 for a therapist who does not treat the client, or an
    appointment with no reassessment page (``reassessments.reassessable``).
    """
    user = request.user
    health = has_health_permission(user)
    if not (health or user.is_therapist):
        raise PermissionDenied
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "client__user", "therapist__user", "service", "location", "plan__service"
        ),
        pk=pk,
    )
    if not reassessments.reassessable(appointment):
        raise Http404("No such reassessment.")
    if not (health or treats(user, appointment.client)):
        raise Http404("No such reassessment.")
    return appointment


def _reassessment_of(appointment):
    return Reassessment.objects.filter(appointment=appointment).select_related("by").first()


def _context(appointment, reassessment):
    visits = reassessments.course_visits(appointment.plan) if appointment.plan_id else []
    plan = appointment.plan
    progress = reassessments.progress_of(plan) if plan else None
    context = {
        "appointment": appointment,
        "client": appointment.client,
        "plan": plan,
        "visits": visits,
        "reassessment": reassessment,
        "progress": progress,
        "meaningful_change": MEANINGFUL_CHANGE,
        "pain_start": reassessments.pain_at_start(appointment),
        # No earlier visit of the course: the start is the health form's pain now.
        "start_from_form": not any(v.appointment_id != appointment.pk for v in visits),
    }
    if reassessment is not None and plan is not None:
        services = reassessments.other_technique_services(plan, appointment.client)
        suggested = reassessments.suggested_step(reassessment, progress)
        context.update(
            suggested=suggested,
            see_doctor=suggested == NextStep.LETTER,
            interval=reassessments.recommended_interval(reassessment),
            technique_services=services,
            next_form=NextStepForm(services=services),
            on_maintenance=plan.kind == PlanKind.MAINTENANCE,
            replaced=reassessments.replaced_visits(plan),
        )
    return context


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def reassessment(request, pk):
    appointment = get_reassessment_appointment(request, pk)
    existing = _reassessment_of(appointment)
    initial = {}
    if existing is None and hasattr(appointment, "visit"):
        initial["pain_now"] = appointment.visit.pain_score
    form = ReassessmentForm(request.POST or None, instance=existing, initial=initial)
    ready = reassessments.may_reassess(appointment)
    if request.method == "POST" and ready and form.is_valid():
        try:
            reassessments.record_reassessment(
                appointment=appointment, by=request.user, **form.cleaned_data
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The reassessment is saved. Choose the next step.")
            return redirect("bookings:reassessment", pk=appointment.pk)
    log_access(
        request.user,
        client=appointment.client,
        action="view",
        detail=f"reassessment (appointment {appointment.pk})",
    )
    context = _context(appointment, existing)
    context.update(form=form, ready=ready)
    return render(
        request,
        "bookings/reassessment.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@no_store
@require_POST
def reassessment_next(request, pk):
    appointment = get_reassessment_appointment(request, pk)
    existing = _reassessment_of(appointment)
    if existing is None:
        messages.error(request, "Save the reassessment first; then choose the next step.")
        return redirect("bookings:reassessment", pk=appointment.pk)
    services = (
        reassessments.other_technique_services(appointment.plan, appointment.client)
        if appointment.plan_id
        else []
    )
    form = NextStepForm(request.POST, services=services)
    if not form.is_valid():
        messages.error(request, "Choose one of the next steps offered.")
        return redirect("bookings:reassessment", pk=appointment.pk)
    step = form.cleaned_data["step"]
    try:
        decision = reassessments.decide_next_step(
            reassessment=existing,
            step=step,
            by=request.user,
            service=form.cleaned_data["service"],
        )
    except BookingError as error:
        messages.error(request, error.message)
        return redirect("bookings:reassessment", pk=appointment.pk)
    if decision.step == NextStep.LETTER:
        return redirect("bookings:reassessment_letter", pk=appointment.pk)
    if decision.plan is not None:
        messages.success(
            request,
            "The next plan is proposed: the client chooses days and times to book it.",
        )
        return redirect(decision.plan)
    messages.success(request, "The maintenance plan goes on as it is.")
    return redirect(appointment.plan)


@login_required
@no_store
@require_safe
def reassessment_letter(request, pk):
    """A printable letter to the client's doctor: flags, visits, the change, who wrote it."""
    appointment = get_reassessment_appointment(request, pk)
    existing = _reassessment_of(appointment)
    if existing is None:
        messages.error(request, "Save the reassessment first; the letter reports it.")
        return redirect("bookings:reassessment", pk=appointment.pk)
    intake = Intake.objects.current_for(appointment.client)
    flags = []
    if intake is not None:
        questions = dict(
            Condition.objects.filter(
                code__in=[flag.code for flag in intake.flags.all()]
            ).values_list("code", "question")
        )
        flags = [
            {"code": flag.code, "question": questions.get(flag.code, flag.code), "flag": flag}
            for flag in intake.flags.all()
        ]
    log_access(
        request.user,
        client=appointment.client,
        intake=intake,
        action="view",
        detail=f"letter to the doctor (appointment {appointment.pk})",
    )
    context = _context(appointment, existing)
    context.update(
        intake=intake,
        flags=flags,
        today=clock.today(appointment.location),
        signer=letter_signer(existing, appointment),
    )
    return render(request, "bookings/reassessment_letter.html", context)


def letter_signer(reassessment, appointment):
    """Who signs the letter: the therapist who wrote the reassessment, else the visit's.

    A doctor reading it needs the therapist's professional registration number.
    """
    writer = reassessment.by
    therapist = Therapist.objects.filter(user=writer).first() if writer else None
    return therapist or appointment.therapist
