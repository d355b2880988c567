"""Home, front desk's client page, the therapist's today page and the client dashboard.

The pages that read from more than one app; apps never import this module.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from bookings.aftercare import CONCERNS
from bookings.chart import mark_course_notices
from bookings.models import AftercareCheck, Appointment, PlanStatus, TreatmentPlan
from bookings.painhistory import pain_chart_for
from bookings.timeutils import local_day_bounds
from clinic import clock
from clinic.access import get_client_for_staff, get_own_profile, no_store, role_required
from clinic.contact import clinic_contact
from clinic.models import Location, Role, Service, Technique, Therapist
from intake.access import chart_client_ids
from intake.audit import log_access, log_reads
from intake.eligibility import first_bookable_day, public_status
from intake.models import Intake
from intake.reading import reading_for_intake

UPCOMING_DAYS = 7
# The dashboard lists plans in this order: under way, paused, proposed.
PLAN_ORDER = {PlanStatus.ACTIVE: 0, PlanStatus.PAUSED: 1, PlanStatus.PROPOSED: 2}


@require_safe
def home(request):
    services = (
        Service.objects.active().select_related("technique").order_by("is_reassessment", "name")
    )
    # Only techniques a client can book: one with no active service is not listed.
    therapists = (
        Therapist.objects.active()
        .select_related("user")
        .prefetch_related(
            Prefetch("techniques", Technique.objects.offered(), to_attr="offered_techniques")
        )
    )
    return render(
        request,
        "clinic/home.html",
        {"services": services, "therapists": therapists, "contact": clinic_contact()},
    )


@login_required
@permission_required("clinic.view_clientprofile", raise_exception=True)
@no_store
@require_safe
def client_detail(request, public_id):
    client = get_client_for_staff(request, public_id)
    # Front desk and therapists see only whether the health form is in order, never why.
    return render(
        request,
        "clinic/client_detail.html",
        {"client": client, "health_status": public_status(client, on=clock.today())},
    )


def _awaiting_review(client_ids):
    """{client id: intake public id} for clients whose current intake waits for review."""
    return dict(
        Intake.objects.awaiting_review()
        .filter(client_id__in=client_ids)
        .values_list("client_id", "public_id")
    )


@role_required(Role.THERAPIST)
@no_store
@require_safe
def therapist_today(request):
    """Today's and the coming week's appointments; unreviewed health forms first."""
    try:
        therapist = request.user.therapist
    except Therapist.DoesNotExist:
        raise Http404("No therapist record for this account.") from None
    # The therapist's own location's day (the main location's when they have none).
    location = therapist.locations.filter(active=True).first() or Location.objects.main()
    zone = clock.zone(location)
    today = clock.today(location)
    start, end = local_day_bounds(today, zone)
    _, upcoming_end = local_day_bounds(today + timedelta(days=UPCOMING_DAYS), zone)
    appointments = list(
        Appointment.objects.for_therapist(therapist)
        .filter(start__gte=start, start__lt=upcoming_end, status__in=Appointment.OCCUPYING)
        .select_related("client", "service", "location", "room", "plan")
        .order_by("start")
    )
    client_ids = {a.client_id for a in appointments}
    reviews = _awaiting_review(client_ids)
    charts = chart_client_ids(request.user, client_ids)
    # "Not improving" / "worse": health data, for chart readers only (logged), linked to it.
    mark_course_notices(request.user, appointments, charts, detail="therapist today: course notice")
    for appointment in appointments:
        appointment.review_intake = reviews.get(appointment.client_id)
        appointment.may_see_chart = appointment.client_id in charts
    first = lambda a: (a.review_intake is None, a.start)  # noqa: E731
    todays = sorted((a for a in appointments if a.start < end), key=first)
    later = sorted((a for a in appointments if a.start >= end), key=first)
    # After-visit replies of the last week that need this therapist (worse, lasting, or
    # a red flag): the names and a link; the reply itself is on the appointment page.
    replies = list(
        AftercareCheck.objects.filter(
            appointment__therapist=therapist,
            answer__in=CONCERNS,
            answered_at__gte=timezone.now() - timedelta(days=UPCOMING_DAYS),
        )
        .select_related("appointment__client", "appointment__location")
        .order_by("-answered_at")
    )
    if replies:
        log_reads(
            request.user,
            [(reply.appointment.client_id, None) for reply in replies],
            detail="therapist today: after-visit replies",
        )
    return render(
        request,
        "clinic/therapist_today.html",
        {
            "replies": replies,
            "therapist": therapist,
            "today": today,
            "todays": todays,
            "later": later,
            "now": timezone.now(),
        },
    )


@role_required(Role.CLIENT)
@no_store
@require_safe
def client_dashboard(request):
    """Next visit, plan progress, pain over time, health-form status and reading."""
    client = get_own_profile(request)
    now = timezone.now()
    next_appointment = (
        Appointment.objects.for_client(client)
        .upcoming(now)
        .select_related("therapist__user", "service", "location")
        .first()
    )
    # Plans under way (a paused one too, with its resume button) and those proposed to
    # the client (a reassessment's next plan waits for their days and times).
    plans = sorted(
        TreatmentPlan.objects.current()
        .filter(client=client)
        .select_related("service")
        .prefetch_related("appointments"),
        key=lambda p: (PLAN_ORDER.get(p.status, len(PLAN_ORDER)), -p.pk),
    )
    running = [p for p in plans if p.status in (PlanStatus.ACTIVE, PlanStatus.PAUSED)]
    plan = running[0] if running else None
    # The latest visits, drawn oldest first.
    pain_chart = pain_chart_for(client, now=now)
    if not pain_chart.is_empty:
        log_access(request.user, client=client, action="view", detail="dashboard pain scores")
    # The course review's notice (bookings.reassessments.review_course), if it spoke.
    course_alert = plan.course_alert if plan else ""
    intake = Intake.objects.current_for(client)
    today = clock.today()
    # With nothing booked: booking links only when some day opens, else what stands in
    # the way, plainly.
    opens, verdict = (
        first_bookable_day(client, today=today) if next_appointment is None else (None, None)
    )
    tags = ["aftercare"]
    if plan:
        tags.append(plan.kind)
    if intake:
        tags += [intake.pain_type(today), intake.technique_suggestion().technique]
    return render(
        request,
        "clinic/client_dashboard.html",
        {
            "client": client,
            "next_appointment": next_appointment,
            "plan": plan,
            "plans": plans,
            "pain_chart": pain_chart,
            "course_alert": course_alert,
            "intake": intake,
            "booking_opens": opens,
            "today": today,
            "verdict": verdict,
            "reading": reading_for_intake(intake, tags, limit=3),
        },
    )
