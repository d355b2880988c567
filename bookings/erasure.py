"""Bookings' part of closing an account (see ``clinic.closure``).

Upcoming visits are cancelled (without e-mails: the address is going). Appointments stay
as the accounting records (date, service, therapist, price, status), without the
client's cancellation reasons; plans, visit notes and pain scores, plan proposals, old
versions (history) and the e-mail jobs about them are deleted.
"""

from __future__ import annotations

from datetime import datetime

from bookings.export import APPOINTMENT_TASKS, COURSE_TASK, PLAN_TASK
from bookings.models import (
    AftercareCheck,
    Appointment,
    DayOfCheck,
    PlanProposalDraft,
    Reassessment,
    TreatmentPlan,
    Visit,
)
from clinic.export import task_rows
from clinic.models import ClientProfile


def open_appointments(client: ClientProfile, now: datetime):
    return Appointment.objects.for_client(client).filter(
        status__in=Appointment.OPEN, start__gte=now
    )


def erase_client(client: ClientProfile, *, by, now: datetime) -> None:
    appointments = Appointment.objects.for_client(client)
    ids = set(appointments.values_list("pk", flat=True))
    plans = set(TreatmentPlan.objects.filter(client=client).values_list("pk", flat=True))
    # Cancelled as the clinic's act; the reason would be the client's own words.
    open_appointments(client, now).update(
        status=Appointment.Status.CANCELLED, cancelled_at=now, cancelled_by=by, hold_code=""
    )
    appointments.update(cancel_reason="")
    # Health data on the kept appointments: the answers, replies, reassessments, notes.
    DayOfCheck.objects.filter(appointment__client=client).delete()
    AftercareCheck.objects.filter(appointment__client=client).delete()
    Reassessment.objects.filter(appointment__client=client).delete()
    Visit.objects.filter(appointment__client=client).delete()
    PlanProposalDraft.objects.filter(client=client).delete()
    TreatmentPlan.objects.filter(client=client).delete()
    Appointment.history.filter(id__in=ids).delete()
    TreatmentPlan.history.filter(id__in=plans).delete()
    task_rows(APPOINTMENT_TASKS, first_args=ids).delete()
    task_rows([PLAN_TASK, COURSE_TASK], first_args=plans).delete()


def purge_records(client: ClientProfile) -> int:
    """Delete the kept appointments of a closed account; the number deleted."""
    appointments = Appointment.objects.for_client(client)
    ids = list(appointments.values_list("pk", flat=True))
    Appointment.history.filter(id__in=ids).delete()
    deleted, _ = appointments.delete()
    return deleted
