"""A client's pain over time, read from their visits, for ``bookings.painchart``.

Pain scores are health data: the caller checks who may see them and logs the reading
(``intake.audit.log_access``); this module only reads.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from bookings.models import Appointment, TreatmentPlan, Visit
from bookings.painchart import PainChart, PainPoint, SessionMark, build_pain_chart
from clinic.models import ClientProfile
from intake.models import Intake

# The dashboard and the chart show this many of the latest visits.
RECENT_VISITS = 24


def _what(appointment: Appointment) -> str:
    if appointment.is_reassessment:
        return "Reassessment"
    if appointment.plan_id and appointment.plan_sequence:
        return f"Plan session {appointment.plan_sequence}"
    name: str = appointment.service.name
    return name


def pain_chart_for(
    client: ClientProfile,
    *,
    limit: int = RECENT_VISITS,
    now: datetime | None = None,
    id_prefix: str = "pain-chart",
) -> PainChart:
    """The pain chart of ``client``'s latest ``limit`` visits, oldest first.

    Also marks the sessions of the current plan (the newest active one) from the first
    visit shown on: done once their start has passed, booked ahead otherwise. The band
    is drawn around the pain the client gave on their health form when one was completed
    before the first visit shown (the pain before treatment), else around the first
    visit's score.

    Four queries whatever the number of visits: the visits, the health form, the plan
    and its sessions (one when there are no visits, three when there is no plan).
    """
    now = now or timezone.now()
    visits = list(
        Visit.objects.filter(appointment__client=client)
        .select_related("appointment__location", "appointment__service")
        .order_by("-appointment__start", "-pk")[:limit]
    )
    visits.reverse()
    if not visits:
        return build_pain_chart([], id_prefix=id_prefix)
    points = [
        PainPoint(
            on=visit.appointment.local_start.date(),
            before=visit.pain_score,
            after=visit.pain_after,
            label=_what(visit.appointment),
            is_reassessment=visit.appointment.is_reassessment,
        )
        for visit in visits
    ]
    first_start = visits[0].appointment.start
    intake = (
        Intake.objects.filter(
            client=client, status=Intake.Status.COMPLETED, completed_at__lte=first_start
        )
        .exclude(pain_now__isnull=True)
        .order_by("-completed_at", "-pk")
        .only("pain_now")
        .first()
    )
    plan = (
        TreatmentPlan.objects.active()
        .filter(client=client)
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(status__in=Appointment.OCCUPYING)
                .select_related("location", "service")
                .order_by("start"),
            )
        )
        .first()
    )
    sessions = []
    if plan is not None:
        sessions = [
            SessionMark(
                on=appointment.local_start.date(),
                done=appointment.start <= now,
                is_reassessment=appointment.is_reassessment,
                label=_what(appointment),
            )
            for appointment in plan.appointments.all()
        ]
    return build_pain_chart(
        points,
        sessions=sessions,
        baseline=intake.pain_now if intake is not None else None,
        baseline_source="on the health form" if intake is not None else "",
        id_prefix=id_prefix,
    )
