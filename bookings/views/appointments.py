"""One appointment's pages: my list, the detail, cancel, move, no-show, hold, visit."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings import aftercare, appointments, checks, reassessments, receipts
from bookings.availability import (
    slots_for_move,
)
from bookings.chart import safety_summary
from bookings.errors import BookingError, NotAllowed, SlotTaken
from bookings.forms import (
    CancelForm,
    DayForm,
    RescheduleForm,
    VisitForm,
)
from bookings.models import AftercareCheck, Appointment, DayOfCheck, TreatmentPlan, Visit
from bookings.timeutils import as_local
from bookings.views.common import (
    STAFF,
    get_appointment_for_user,
)
from clinic.access import get_own_profile, no_store, role_required
from clinic.models import Role
from clinic.roles import is_staff_booker
from intake.access import can_see_chart, can_see_health_data
from intake.audit import log_access
from intake.reading import reading_for_client

# --- One appointment ------------------------------------------------------------------


@login_required
@no_store
@require_safe
def my_appointments(request):
    client = get_own_profile(request)
    now = timezone.now()
    appointments = Appointment.objects.for_client(client).select_related(
        "therapist__user", "service", "location", "room"
    )
    plans = (
        TreatmentPlan.objects.current()
        .filter(client=client)
        .select_related("service")
        .prefetch_related("appointments")
    )
    return render(
        request,
        "bookings/my_appointments.html",
        {
            "client": client,
            "upcoming": appointments.upcoming(now),
            "past": _with_receipts(receipts.with_receipt_flags(appointments.past(now))[:50]),
            "plans": plans,
        },
    )


def _with_receipts(appointments):
    """The appointments, each knowing whether it has a receipt (``receipt_ready``)."""
    appointments = list(appointments)
    for appointment in appointments:
        appointment.receipt_ready = receipts.has_receipt(appointment)
    return appointments


@login_required
@no_store
@require_safe
def appointment_detail(request, pk):
    appointment = get_appointment_for_user(request, pk)
    now = timezone.now()
    reading = []
    if request.GET.get("booked"):
        reading = reading_for_client(appointment.client, ["aftercare"], limit=1)
    user = request.user
    may_release_hold, hold_refusal = False, ""
    if _may_release_hold(user, appointment):
        verdict = appointments.eligibility(appointment.client, appointment.local_start.date())
        may_release_hold = verdict.allowed
        if not verdict.allowed:
            hold_refusal = _hold_refusal(user, appointment, verdict)
    may_read_health = can_see_health_data(user, appointment.client)
    safety = _safety_for(request, appointment, detail="appointment safety")
    return render(
        request,
        "bookings/appointment_detail.html",
        {
            **_checks_context(user, appointment, may_read_health),
            "appointment": appointment,
            "may_release_hold": may_release_hold,
            "hold_refusal": hold_refusal,
            "is_own": appointment.client.user_id == user.pk,
            "is_staff": is_staff_booker(user),
            # A cancellation reason may be about the client's health (their own words).
            "may_read_reason": may_read_health,
            "may_reschedule": appointment.client_may_reschedule(now)
            or (is_staff_booker(user) and appointment.is_open),
            "may_cancel": appointment.client_may_cancel(now)
            or (is_staff_booker(user) and appointment.is_open),
            "may_mark_no_show": is_staff_booker(user) and appointment.may_mark_no_show(now),
            "may_record_visit": user.is_therapist
            and appointment.therapist.user_id == user.pk
            and appointment.is_open
            and now >= appointment.start,
            "late": appointment.cancel_would_be_late(now),
            "has_receipt": receipts.has_receipt(appointment),
            "reading": reading,
            "safety": safety,
            # The reassessment page: for those who may read the chart (its own rule).
            # (a reassessment visit; or, once a course notice spoke, a visit already done).
            "may_reassess_page": safety is not None
            and reassessments.reassessable(appointment)
            and (appointment.is_reassessment or appointment.status == Appointment.Status.COMPLETED),
        },
    )


def _checks_context(user, appointment, may_read_health):
    """The checks around this visit: the answers for those who may read health data
    (each showing logged), the day-of result's desk words for everyone else."""
    words = checks.desk_words(checks.latest_checks([appointment]).get(appointment.pk))
    if not may_read_health:
        return {"day_of_words": words}
    day_checks = list(appointment.day_of_checks.select_related("answered_by", "cleared_by"))
    after = AftercareCheck.objects.filter(appointment=appointment).first()
    if day_checks or (after and after.answered_at):
        log_access(user, client=appointment.client, action="view", detail="visit checks")
    return {
        "day_of_words": words,
        "day_checks": [
            {
                "check": check,
                "result": checks.result_of(check),
                "answers": [
                    (DayOfCheck._meta.get_field(name).verbose_name, getattr(check, name))
                    for name in checks.ANSWERS
                ],
            }
            for check in day_checks
        ],
        "aftercare_check": after,
        "aftercare_result": (
            aftercare.aftercare_result(after.answer) if after and after.answer else None
        ),
    }


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, pk):
    appointment = get_appointment_for_user(request, pk)
    staff = is_staff_booker(request.user)
    now = timezone.now()
    form = CancelForm(request.POST if request.method == "POST" else None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            appointments.cancel_appointment(
                appointment=appointment,
                by=request.user,
                reason=form.cleaned_data["reason"],
                now=now,
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The appointment is cancelled and the time is free again.")
            return redirect("bookings:appointment_detail", pk=appointment.pk)
    return render(
        request,
        "bookings/cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "staff": staff,
            "late": not staff and appointment.cancel_would_be_late(now),
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request, pk):
    appointment = get_appointment_for_user(request, pk)
    staff = is_staff_booker(request.user)
    now = timezone.now()
    if not staff and not appointment.client_may_reschedule(now):
        return render(
            request, "bookings/reschedule_closed.html", {"appointment": appointment}, status=403
        )
    day_form = DayForm(request.GET or None, initial={"date": appointment.local_start.date()})
    day = appointment.local_start.date()
    if day_form.is_valid() and day_form.cleaned_data["date"]:
        day = day_form.cleaned_data["date"]
    slots = slots_for_move(appointment, day, notice=not staff, now=now)
    form = RescheduleForm(request.POST or None, slots=slots, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            appointments.reschedule_appointment(
                appointment=appointment,
                start=form.cleaned_data["start"],
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
                now=now,
            )
        except NotAllowed as refusal:
            words = refusal.eligibility.for_viewer(request.user, appointment.client)
            form.add_error(None, f"{words.reason} {words.next_step}")
        except SlotTaken as taken:
            form.add_error("start", f"{taken.message} Please choose another.")
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The appointment has moved.")
            return redirect("bookings:appointment_detail", pk=appointment.pk)
    return render(
        request,
        "bookings/reschedule.html",
        {"appointment": appointment, "form": form, "day_form": day_form, "day": day},
        status=400 if day_form.errors else 200,
    )


def _is_treating_therapist(user, appointment):
    return user.is_therapist and appointment.therapist.user_id == user.pk


def _may_release_hold(user, appointment):
    return appointments.may_release_hold(user, appointment)


def _hold_refusal(user, appointment, eligibility):
    """Why the hold must stay, in words this user may read (``Eligibility.for_viewer``)."""
    if _is_treating_therapist(user, appointment):
        return (
            "The client's health form does not allow a visit that day. "
            f"It says: “{eligibility.reason}”"
        )
    words = eligibility.for_viewer(user, appointment.client)
    return f"{words.reason} {words.next_step}"


@role_required(Role.THERAPIST, *STAFF)
@no_store
@require_POST
def release_hold(request, pk):
    appointment = get_appointment_for_user(request, pk)
    try:
        appointments.release_hold(appointment=appointment, by=request.user)
    except NotAllowed as refusal:
        messages.error(request, _hold_refusal(request.user, appointment, refusal.eligibility))
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The hold is lifted: the appointment is booked.")
    return redirect("bookings:appointment_detail", pk=appointment.pk)


@role_required(Role.THERAPIST, *STAFF)
@no_store
@require_POST
def mark_no_show(request, pk):
    appointment = get_appointment_for_user(request, pk)
    try:
        appointments.mark_no_show(appointment=appointment, by=request.user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked as not attended.")
    return redirect("bookings:appointment_detail", pk=appointment.pk)


@role_required(Role.THERAPIST)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def record_visit(request, pk):
    appointment = get_object_or_404(
        Appointment.objects.select_related("client", "therapist__user", "service", "location"),
        pk=pk,
        therapist__user=request.user,
    )
    client = appointment.client
    recorded = Visit.objects.filter(appointment=appointment).first()
    if recorded is not None:
        return _already_recorded(request, recorded)
    form = VisitForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            appointments.record_visit(appointment=appointment, by=request.user, **form.cleaned_data)
        except BookingError as error:
            if error.code == "already_recorded":
                return _already_recorded(request, appointment.visit)
            form.add_error(None, error.message)
        else:
            messages.success(request, "The visit is recorded.")
            if appointment.is_reassessment:
                return redirect("bookings:reassessment", pk=appointment.pk)
            return redirect("therapist_today")
    return render(
        request,
        "bookings/visit_form.html",
        {
            "appointment": appointment,
            "form": form,
            "safety": _safety_for(request, appointment, detail="visit form"),
        },
    )


def _already_recorded(request, visit):
    """A second recording of the same visit: say so and show the notes on the chart."""
    when = as_local(visit.recorded_at, visit.appointment.location.zone)
    messages.info(
        request,
        f"This visit was already recorded on {when:%-d %B at %H:%M}; its notes are below. "
        "Correct them (within 24 hours, if you wrote them) or add an amendment there.",
    )
    return redirect(
        reverse("bookings:chart", args=[visit.appointment.client_id]) + f"#visit-{visit.pk}"
    )


def _safety_for(request, appointment, *, detail):
    """The safety part for the top of a page, if this viewer may read the chart (logged)."""
    client = appointment.client
    if not can_see_chart(request.user, client):
        return None
    safety = safety_summary(client, on=appointment.local_start.date())
    log_access(request.user, client=client, intake=safety.intake, action="view", detail=detail)
    # Today's answers at the top too: painkillers (read pressure feedback with care), a
    # stop waiting for the therapist, a stop cleared. Chart readers may read them.
    return replace(safety, day_of=checks.day_of_notice(appointment))
