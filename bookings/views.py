from collections import defaultdict
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings import booking
from bookings.availability import (
    as_local,
    local_day_bounds,
    next_free_slot,
    slots_by_therapist,
    slots_for_move,
    therapists_for,
)
from bookings.booking import BookingError, NotAllowed, PlanProposal, SlotTaken
from bookings.forms import (
    CancelForm,
    ConfirmForm,
    DayForm,
    MaintenanceForm,
    MoveSessionForm,
    PlanChangeForm,
    PlanForm,
    RescheduleForm,
    SlotSearchForm,
    VisitForm,
)
from bookings.models import Appointment, PlanKind, PlanStatus, TreatmentPlan
from clinic import clock
from clinic.access import get_own_profile, no_store, role_required
from clinic.forms import ClientSearchForm
from clinic.models import ClientProfile, Role, Service, Therapist
from clinic.roles import is_desk, is_staff_booker
from intake.access import can_see_health_data
from intake.eligibility import DESK_URGENT
from intake.models import Intake
from intake.reading import reading_for_client

STAFF = (Role.FRONT_DESK, Role.CLINIC_ADMIN)
PROPOSAL_KEY = "bookings_plan_proposal"
# The last plan booked from a proposal: {"token": ..., "plan": pk}. A confirmation
# repeated from another tab (the proposal already gone) goes to that plan.
BOOKED_KEY = "bookings_plan_booked"


def _today():
    return clock.today()


def _client_for_booking(request):
    """The client being booked for: oneself, or (front desk) the one named in the request.

    Returns None for front desk until a client is chosen.
    """
    user = request.user
    if is_desk(user):
        public_id = request.POST.get("client") or request.GET.get("client")
        if not public_id:
            return None
        try:
            return ClientProfile.objects.select_related("user").get(public_id=public_id)
        except (ClientProfile.DoesNotExist, ValueError, ValidationError):
            raise Http404("No such client.") from None
    return get_own_profile(request)


def _appointments_for(user):
    appointments = Appointment.objects.select_related(
        "client__user", "therapist__user", "service", "location", "room", "plan"
    )
    if user.is_superuser or is_desk(user):
        return appointments
    if user.is_therapist:
        return appointments.filter(therapist__user=user)
    return appointments.filter(client__user=user)


def _get_appointment_for_user(request, pk):
    return get_object_or_404(_appointments_for(request.user), pk=pk)


def _get_plan_for_user(request, pk):
    user = request.user
    plans = TreatmentPlan.objects.select_related(
        "client__user", "therapist__user", "service", "technique", "previous"
    ).prefetch_related(
        Prefetch(
            "appointments",
            Appointment.objects.select_related("therapist__user", "location").order_by("start"),
        )
    )
    if not (user.is_superuser or is_desk(user)):
        if user.is_therapist:
            plans = plans.filter(client__care_team__user=user)
        else:
            plans = plans.filter(client__user=user)
    return get_object_or_404(plans.distinct(), pk=pk)


def _client_query(request, client):
    """The client named in links and redirects: needed only when front desk books."""
    if client is None or not is_desk(request.user):
        return {}
    return {"client": str(client.public_id)}


def _confirm_url(request, client, service, therapist, start):
    query = {"service": service.pk, "therapist": therapist.pk, "start": start.isoformat()}
    query.update(_client_query(request, client))
    return reverse("bookings:confirm") + "?" + urlencode(query)


def _client_picker(request):
    form = ClientSearchForm(request.GET or None)
    clients = []
    if form.is_valid() and form.cleaned_data["q"]:
        clients = list(ClientProfile.objects.search(form.cleaned_data["q"])[:20])
    return render(
        request,
        "bookings/pick_client.html",
        {"form": form, "clients": clients, "next": request.path},
    )


# --- Booking one session --------------------------------------------------------------


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_safe
def book(request):
    """Service → therapist or anyone → day → the free times, each linking to confirm."""
    client = _client_for_booking(request)
    if client is None:
        return _client_picker(request)
    today = _today()
    data = request.GET if "service" in request.GET else None
    form = SlotSearchForm(data, today=today, initial={"day": today})
    context = {"form": form, "client": client, "for_someone_else": is_desk(request.user)}
    if form.is_valid():
        service = form.cleaned_data["service"]
        therapist = form.cleaned_data["therapist"]
        day = form.cleaned_data["day"]
        verdict = booking.eligibility(client, day).for_viewer(request.user, client)
        context["verdict"] = verdict
        # Eligibility is falsy when booking is refused, so templates test this instead.
        context["refused"] = not verdict.allowed
        if verdict.allowed:
            staff = is_desk(request.user)
            therapists = [therapist] if therapist else list(therapists_for(service))
            found = slots_by_therapist(therapists, service, day, day, notice=not staff)
            times = []
            for who, slots in found.items():
                times.extend((slot.start, who) for slot in slots)
            times.sort(key=lambda pair: (pair[0], pair[1].name))
            if not therapist:
                # "Anyone": one row per time, the first therapist free then.
                seen, unique = set(), []
                for start, who in times:
                    if start not in seen:
                        seen.add(start)
                        unique.append((start, who))
                times = unique
            context["times"] = [
                {
                    "start": start,
                    "therapist": who,
                    "url": _confirm_url(request, client, service, who, start),
                }
                for start, who in times
            ]
            if not times:
                zone = clock.zone()
                soonest = next_free_slot(
                    service, after=local_day_bounds(day, zone)[1], therapists=therapists
                )
                if soonest:
                    who, start = soonest
                    context["soonest"] = {
                        "start": start,
                        "therapist": who,
                        "url": _confirm_url(request, client, service, who, start),
                    }
    return render(request, "bookings/book.html", context)


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request):
    client = _client_for_booking(request)
    if client is None:
        return _client_picker(request)
    form = ConfirmForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        # A hand-edited request: say what is wrong with it when the form can tell.
        problems = [e for name in ("therapist", "service") for e in form.errors.get(name, [])]
        if problems:
            messages.error(request, " ".join(problems))
        else:
            messages.error(request, "That time could not be read. Please choose a time again.")
        return redirect(reverse("bookings:book") + "?" + urlencode(_client_query(request, client)))
    service = form.cleaned_data["service"]
    therapist = form.cleaned_data["therapist"]
    start = form.cleaned_data["start"]
    context = {"form": form, "client": client, "service": service, "therapist": therapist}
    if request.method == "POST":
        try:
            appointment = booking.book_appointment(
                client=client, therapist=therapist, service=service, start=start, by=request.user
            )
        except NotAllowed as refusal:
            return render(
                request,
                "bookings/not_allowed.html",
                {"verdict": refusal.eligibility.for_viewer(request.user, client), "client": client},
            )
        except SlotTaken as taken:
            return _taken_page(request, taken, client)
        except BookingError as error:
            messages.error(request, error.message)
            return redirect(
                reverse("bookings:book") + "?" + urlencode(_client_query(request, client))
            )
        messages.success(request, "Booked. We have saved your appointment.")
        return redirect(reverse("bookings:appointment_detail", args=[appointment.pk]) + "?booked=1")
    location = therapist.locations.filter(active=True).first()
    context["start"] = as_local(start, location.zone) if location else start
    context["location"] = location
    return render(request, "bookings/confirm.html", context)


def _taken_page(request, taken, client):
    alternatives = [
        {
            "start": start,
            "url": _confirm_url(request, client, taken.service, taken.therapist, start),
        }
        for start in taken.alternatives()
    ]
    return render(
        request,
        "bookings/taken.html",
        {
            "taken": taken,
            "alternatives": alternatives,
            "client": client,
            "book_url": reverse("bookings:book") + "?" + urlencode(_client_query(request, client)),
        },
        status=409,
    )


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
        TreatmentPlan.objects.filter(
            client=client, status__in=[PlanStatus.ACTIVE, PlanStatus.PROPOSED]
        )
        .select_related("service")
        .prefetch_related("appointments")
    )
    return render(
        request,
        "bookings/my_appointments.html",
        {
            "client": client,
            "upcoming": appointments.upcoming(now),
            "past": appointments.past(now)[:50],
            "plans": plans,
        },
    )


@login_required
@no_store
@require_safe
def appointment_detail(request, pk):
    appointment = _get_appointment_for_user(request, pk)
    now = timezone.now()
    reading = []
    if request.GET.get("booked"):
        reading = reading_for_client(appointment.client, ["aftercare"], limit=1)
    user = request.user
    may_release_hold, hold_refusal = False, ""
    if _may_release_hold(user, appointment):
        verdict = booking.eligibility(appointment.client, appointment.local_start.date())
        may_release_hold = verdict.allowed
        if not verdict.allowed:
            hold_refusal = _hold_refusal(user, appointment, verdict)
    return render(
        request,
        "bookings/appointment_detail.html",
        {
            "appointment": appointment,
            "may_release_hold": may_release_hold,
            "hold_refusal": hold_refusal,
            "is_own": appointment.client.user_id == user.pk,
            "is_staff": is_staff_booker(user),
            # A cancellation reason may be about the client's health (their own words).
            "may_read_reason": can_see_health_data(user, appointment.client),
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
            "reading": reading,
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, pk):
    appointment = _get_appointment_for_user(request, pk)
    staff = is_staff_booker(request.user)
    now = timezone.now()
    form = CancelForm(request.POST if request.method == "POST" else None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            booking.cancel_appointment(
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
    appointment = _get_appointment_for_user(request, pk)
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
            booking.reschedule_appointment(
                appointment=appointment,
                start=form.cleaned_data["start"],
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
                now=now,
            )
        except NotAllowed as refusal:
            words = refusal.eligibility.for_viewer(request.user, appointment.client)
            form.add_error(None, f"{words.reason} {words.next_step}")
        except SlotTaken:
            form.add_error("start", "That time was just taken. Please choose another.")
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
    return (
        user.is_superuser or is_desk(user) or _is_treating_therapist(user, appointment)
    ) and appointment.status == Appointment.Status.HELD


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
    appointment = _get_appointment_for_user(request, pk)
    try:
        booking.release_hold(appointment=appointment)
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
    appointment = _get_appointment_for_user(request, pk)
    try:
        booking.mark_no_show(appointment=appointment, by=request.user)
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
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking.record_visit(
                appointment=appointment,
                by=request.user,
                pain_score=form.cleaned_data["pain_score"],
                notes=form.cleaned_data["notes"],
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The visit is recorded.")
            return redirect("therapist_today")
    return render(request, "bookings/visit_form.html", {"appointment": appointment, "form": form})


# --- Treatment plans ------------------------------------------------------------------


def _proposal_from_session(request, client):
    data = request.session.get(PROPOSAL_KEY)
    if not data or data.get("client_id") != client.pk:
        return None
    try:
        return PlanProposal.from_dict(data)
    except (TypeError, KeyError):
        return None


def _save_proposal(request, proposal):
    request.session[PROPOSAL_KEY] = proposal.to_dict()


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def plan_new(request):
    """The plan form: the recommended course, and the client's days, time and therapist."""
    client = _client_for_booking(request)
    if client is None:
        return _client_picker(request)
    today = _today()
    proposed = (
        TreatmentPlan.objects.filter(client=client, status=PlanStatus.PROPOSED)
        .select_related("service", "therapist__user")
        .first()
    )
    verdict = booking.eligibility(client, today + timedelta(days=7)).for_viewer(
        request.user, client
    )
    if proposed:
        recommendation = PlanProposal(
            client_id=client.pk,
            kind=proposed.kind,
            sessions_per_week=proposed.sessions_per_week,
            weeks=proposed.weeks,
            interval_weeks=proposed.interval_weeks,
            session_minutes=proposed.session_minutes,
            service_id=proposed.service_id,
            technique_id=proposed.technique_id,
            reassessment_service_id=None,
            therapist_id=proposed.therapist_id,
            weekdays=[],
            preferred_time="",
            first_day="",
            sessions=[],
        ).recommendation
    else:
        recommendation = booking.recommendation_for(client, on=today)
    if recommendation is None:
        return render(request, "bookings/not_allowed.html", {"verdict": verdict, "client": client})
    initial = {"first_day": today + timedelta(days=1), "weekdays": [0, 3]}
    if proposed:
        initial.update(service=proposed.service, therapist=proposed.therapist)
    else:
        suggested = _suggested_service(client)
        if suggested:
            initial["service"] = suggested
    form = PlanForm(request.POST or None, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = booking.propose_plan(
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
        _save_proposal(request, proposal)
        return redirect(
            reverse("bookings:plan_review") + "?" + urlencode(_client_query(request, client))
        )
    return render(
        request,
        "bookings/plan_form.html",
        {
            "form": form,
            "client": client,
            "recommendation": recommendation,
            "verdict": verdict,
            "refused": not verdict.allowed,
            "proposed": proposed,
            "client_query": urlencode(_client_query(request, client)),
        },
    )


def _suggested_service(client):
    intake = Intake.objects.current_for(client)
    # The flags come first: the suggestion, not the stored code, which an intake
    # completed before that rule may hold as deep tissue.
    code = intake.technique_suggestion().technique if intake else ""
    if not code:
        return None
    return Service.objects.active().filter(is_reassessment=False, technique__code=code).first()


def _review_rows(proposal):
    therapists = Therapist.objects.select_related("user").in_bulk(
        {s.therapist_id for s in proposal.sessions if s.therapist_id}
    )
    rows, number = [], 0
    gaps = set(booking.plan_gap_problems(proposal.sessions))
    for index, session in enumerate(proposal.sessions):
        if not session.reassessment:
            number += 1
        rows.append(
            {
                "index": index,
                "number": number,
                "session": session,
                "start": session.start_at,
                "therapist": therapists.get(session.therapist_id),
                "too_close": index in gaps,
            }
        )
    return rows


@role_required(Role.CLIENT, *STAFF)
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def plan_review(request):
    """The whole proposed list: drop a session, move one, then confirm all at once."""
    client = _client_for_booking(request)
    if client is None:
        return _client_picker(request)
    proposal = _proposal_from_session(request, client)
    back = reverse("bookings:plan_new") + "?" + urlencode(_client_query(request, client))
    action = request.POST.get("action") if request.method == "POST" else None
    token = request.POST.get("proposal") if action else None
    if proposal is None:
        booked = request.session.get(BOOKED_KEY) or {}
        if action == "confirm" and token and booked.get("token") == token:
            messages.info(request, "This plan is already booked.")
            return redirect("bookings:plan_detail", pk=booked["plan"])
        messages.info(request, "Start by choosing the days and time that suit you.")
        return redirect(back)
    here = reverse("bookings:plan_review") + "?" + urlencode(_client_query(request, client))
    move_form, move_index, problem = None, None, None
    if token and token != proposal.token:
        # The page was showing an older list: act on nothing, show the current one.
        action = None
        problem = "The list of sessions changed in another tab. Check it and confirm again."
    index = _int(request.POST.get("index") if action else request.GET.get("move"))
    if index is not None and not 0 <= index < len(proposal.sessions):
        index = None
    if action == "drop" and index is not None:
        del proposal.sessions[index]
        _save_proposal(request, proposal)
        messages.info(request, "The session is taken off the list.")
        return redirect(here)
    if index is not None and (action == "move" or request.method == "GET"):
        move_index = index
        move_form = _move_form(request, proposal, index)
        if action == "move" and move_form.is_valid():
            session = proposal.sessions[index]
            session.start = move_form.cleaned_data["start"].isoformat()
            session.therapist_id = move_form.cleaned_data["therapist"].pk
            session.moved = True
            _save_proposal(request, proposal)
            return redirect(here)
    if action == "confirm":
        try:
            plan = booking.book_plan(proposal=proposal, client=client, by=request.user)
        except NotAllowed as refusal:
            words = refusal.eligibility.for_viewer(request.user, client)
            problem = f"{words.reason} {words.next_step}"
        except SlotTaken as taken:
            session = proposal.sessions[taken.index]
            alternatives = taken.alternatives(limit=1)
            when = proposal.sessions[taken.index].start_at
            session.start = alternatives[0].isoformat() if alternatives else None
            session.moved = True
            _save_proposal(request, proposal)
            problem = (
                f"The session on {when:%A %-d %B at %H:%M} was just taken, so nothing was booked. "
                "We have put the nearest free time in its place; check the list and confirm again."
            )
        except BookingError as error:
            problem = error.message
        else:
            del request.session[PROPOSAL_KEY]
            request.session[BOOKED_KEY] = {"token": proposal.token, "plan": plan.pk}
            messages.success(
                request, "Your treatment plan is booked. Every session is listed below."
            )
            return redirect("bookings:plan_detail", pk=plan.pk)
    return render(
        request,
        "bookings/plan_review.html",
        {
            "client": client,
            "proposal": proposal,
            "rows": _review_rows(proposal),
            "move_form": move_form,
            "move_index": move_index,
            "problem": problem,
            "client_query": urlencode(_client_query(request, client)),
            "back": back,
        },
        status=409 if problem else 200,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _move_form(request, proposal, index):
    """Free times within two days of the session's target, each with who is free then.

    A plan with a chosen therapist offers that therapist's times; an "anyone" plan offers
    every therapist's, keeping the session's own therapist where several are free.
    """
    session = proposal.sessions[index]
    service = Service.objects.get(
        pk=proposal.reassessment_service_id if session.reassessment else proposal.service_id
    )
    if proposal.therapist_id:
        therapists = [Therapist.objects.select_related("user").get(pk=proposal.therapist_id)]
    else:
        therapists = list(therapists_for(service))
    target = date.fromisoformat(session.target)
    duration = None if session.reassessment else proposal.session_minutes
    found = slots_by_therapist(
        therapists,
        service,
        target - timedelta(days=booking.MOVE_DAYS),
        target + timedelta(days=booking.MOVE_DAYS),
        duration=duration,
    )
    by_start = {}
    for therapist, slots in found.items():
        for slot in slots:
            if slot.start not in by_start or therapist.pk == session.therapist_id:
                by_start[slot.start] = therapist
    pairs = sorted(by_start.items(), key=lambda pair: pair[0])[:40]
    return MoveSessionForm(
        request.POST if request.method == "POST" else None,
        slots=pairs,
        show_therapist=not proposal.therapist_id,
    )


@login_required
@no_store
@require_safe
def plan_detail(request, pk):
    plan = _get_plan_for_user(request, pk)
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
    plan = _get_plan_for_user(request, pk)
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
    plan = _get_plan_for_user(request, pk)
    form = MaintenanceForm(request.POST)
    if form.is_valid():
        try:
            follow_up = booking.start_maintenance_plan(
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
        .select_related("client", "service", "location", "room")
    )
    by_day = defaultdict(list)
    for appointment in appointments:
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
    columns = defaultdict(list)
    for appointment in appointments:
        appointment.needs_review = appointment.client_id in needs_review
        appointment.urgent = appointment.client_id in urgent_ids
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
