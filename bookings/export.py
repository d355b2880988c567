"""Bookings' part of a client's own copy (see ``clinic.export``).

Appointments (with their check-in and, for kept records, the price), treatment plans,
visits with pain scores and notes, and the appointment e-mails and reminders sent.
"""

from __future__ import annotations

from typing import Any

from bookings.models import Appointment, TreatmentPlan, Visit
from clinic.export import Section, message_row, plain, task_rows
from clinic.models import ClientProfile

APPOINTMENT_TASKS = {
    "bookings.tasks.send_appointment_message": "appointment",
    "bookings.tasks.send_reminder": "reminder",
    "bookings.tasks.send_hold_notices": "visit on hold",
}
PLAN_TASK = "bookings.tasks.send_plan_message"


def _appointment(a: Appointment) -> dict[str, Any]:
    return {
        "reference": a.pk,
        "start": plain(a.local_start),
        "end": plain(a.local_end),
        "service": a.service.name,
        "therapist": str(a.therapist),
        "location": a.location.name,
        "room": a.room.name,
        "price": plain(a.price),
        "status": a.get_status_display(),
        "on_hold_because": a.hold_reason,
        "plan_session": a.plan_sequence,
        "reassessment": a.is_reassessment,
        "booked_at": plain(a.created_at),
        "cancelled_at": plain(a.cancelled_at),
        "cancel_reason": a.cancel_reason,
        "reminder_sent_at": plain(a.reminder_sent_at),
        "checked_in_at": plain(a.checkin_confirmed_at),
    }


def _plan(plan: TreatmentPlan) -> dict[str, Any]:
    return {
        "reference": plan.pk,
        "kind": plan.get_kind_display(),
        "cadence": plan.cadence_text(),
        "session_minutes": plan.session_minutes,
        "technique": str(plan.technique),
        "service": plan.service.name,
        "therapist": str(plan.therapist) if plan.therapist else "",
        "status": plan.get_status_display(),
        "starts_on": plain(plan.starts_on),
        "notes": plan.notes,
        "created_at": plain(plan.created_at),
    }


def _visit(visit: Visit) -> dict[str, Any]:
    return {
        "appointment": visit.appointment_id,
        "date": plain(visit.appointment.local_start.date()),
        "pain_score": visit.pain_score,
        "notes": visit.notes,
        "recorded_by": str(visit.recorded_by) if visit.recorded_by else "",
        "recorded_at": plain(visit.recorded_at),
    }


def messages(client: ClientProfile, appointment_ids: set[int], plan_ids: set[int]):
    """Booking e-mails and reminders for the client's own appointments and plans."""
    found = []
    for row in task_rows(APPOINTMENT_TASKS, first_args=appointment_ids):
        args = row.args_kwargs["args"]
        kind = APPOINTMENT_TASKS[row.task_path]
        if len(args) > 1 and isinstance(args[1], str):
            kind = f"{kind}: {args[1]}"
        found.append(message_row(row, kind=kind, about=f"appointment {args[0]}"))
    for row in task_rows([PLAN_TASK], first_args=plan_ids):
        found.append(
            message_row(row, kind="plan booked", about=f"plan {row.args_kwargs['args'][0]}")
        )
    return sorted(found, key=lambda message: message["queued_at"])


def client_sections(client: ClientProfile) -> list[Section]:
    appointments = list(
        Appointment.objects.for_client(client)
        .select_related("service", "therapist__user", "location", "room")
        .order_by("start")
    )
    plans = list(
        TreatmentPlan.objects.filter(client=client)
        .select_related("technique", "service", "therapist__user")
        .order_by("created_at")
    )
    visits = (
        Visit.objects.filter(appointment__client=client)
        .select_related("appointment__location", "recorded_by")
        .order_by("appointment__start")
    )
    return [
        Section(
            "appointments",
            "Your appointments",
            [_appointment(a) for a in appointments],
            "Times are in the location's own time zone. Check-in is the answer to "
            "'has anything changed?' before a visit.",
        ),
        Section("plans", "Your treatment plans", [_plan(p) for p in plans]),
        Section(
            "visits",
            "Your visits and pain scores",
            [_visit(v) for v in visits],
            "Pain from 0 (none) to 10 (worst imaginable), as recorded at each visit.",
        ),
        Section(
            "booking_messages",
            "E-mails about your appointments",
            messages(client, {a.pk for a in appointments}, {p.pk for p in plans}),
        ),
    ]
