"""Bookings' part of a client's own copy (see ``clinic.export``).

Appointments (with their check-in and, for kept records, the price), treatment plans,
visits with pain scores, SOAP notes and amendments, reassessments, the day-of answers
and after-visit replies, and the appointment e-mails and reminders sent.
"""

from __future__ import annotations

from typing import Any

from bookings.models import (
    AftercareCheck,
    Appointment,
    DayOfCheck,
    Reassessment,
    TreatmentPlan,
    Visit,
)
from clinic.export import Section, message_row, plain, task_rows
from clinic.models import ClientProfile

APPOINTMENT_TASKS = {
    "bookings.tasks.send_appointment_message": "appointment",
    "bookings.tasks.send_reminder": "reminder",
    "bookings.tasks.send_hold_notices": "visit on hold",
    "bookings.tasks.send_aftercare_message": "how do you feel after your visit",
}
PLAN_TASK = "bookings.tasks.send_plan_message"
COURSE_TASK = "bookings.tasks.send_course_notices"


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
        "course_notice": plan.get_course_alert_display() if plan.course_alert else "",
        "course_notice_at": plain(plan.course_alert_at),
        "created_at": plain(plan.created_at),
    }


def _visit(visit: Visit) -> dict[str, Any]:
    return {
        "appointment": visit.appointment_id,
        "date": plain(visit.appointment.local_start.date()),
        "pain_score": visit.pain_score,
        "pain_after": visit.pain_after,
        "client_reports": visit.client_reports,
        "findings": visit.findings,
        "notes": visit.notes,
        "plan_next": visit.plan_next,
        "areas_worked": list(visit.areas_worked_labels),
        "technique_used": str(visit.technique_used) if visit.technique_used else "",
        "pressure_used": visit.get_pressure_used_display() if visit.pressure_used else "",
        "home_care": [article.title for article in visit.home_care.all()],
        "recorded_by": str(visit.recorded_by) if visit.recorded_by else "",
        "recorded_at": plain(visit.recorded_at),
        "amendments": [
            {"text": a.text, "by": a.author_name, "at": plain(a.created_at)}
            for a in visit.amendments.all()
        ],
    }


def _reassessment(r: Reassessment) -> dict[str, Any]:
    return {
        "appointment": r.appointment_id,
        "plan": r.plan_id,
        "pain_start": r.pain_start,
        "pain_now": r.pain_now,
        "activity": r.activity,
        "function_start": r.function_start,
        "function_now": r.function_now,
        "next_step": r.get_next_step_display() if r.next_step else "",
        "at": plain(r.at),
    }


def _day_of(check: DayOfCheck) -> dict[str, Any]:
    return {
        "appointment": check.appointment_id,
        "answered_at": plain(check.answered_at),
        "fever_today": check.fever,
        "injury_last_72_hours": check.injury,
        "calf_now": check.calf,
        "red_flag_now": check.red_flag,
        "painkillers_today": check.painkillers,
        "note": check.note,
        "result": check.get_outcome_display(),
    }


def _aftercare(check: AftercareCheck) -> dict[str, Any]:
    return {
        "appointment": check.appointment_id,
        "sent_at": plain(check.sent_at),
        "answer": check.get_answer_display() if check.answer else "",
        "your_words": check.note,
        "answered_at": plain(check.answered_at),
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
    for row in task_rows([COURSE_TASK], first_args=plan_ids):
        found.append(
            message_row(
                row, kind="how your course is going", about=f"plan {row.args_kwargs['args'][0]}"
            )
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
        .select_related("appointment__location", "recorded_by", "technique_used")
        .prefetch_related("home_care", "amendments")
        .order_by("appointment__start")
    )
    reassessments = Reassessment.objects.filter(appointment__client=client).order_by("at")
    day_of = DayOfCheck.objects.filter(appointment__client=client).order_by("answered_at")
    aftercare = AftercareCheck.objects.filter(appointment__client=client).order_by("sent_at")
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
            "reassessments",
            "Your reassessments",
            [_reassessment(r) for r in reassessments],
            "Pain and how hard an activity is, each from 0 to 10, at the start of a course and now.",
        ),
        Section(
            "day_of_checks",
            "Your answers on the day of a visit",
            [_day_of(c) for c in day_of],
        ),
        Section(
            "after_visit_replies",
            "How you felt after your visits",
            [_aftercare(c) for c in aftercare],
        ),
        Section(
            "booking_messages",
            "E-mails about your appointments",
            messages(client, {a.pk for a in appointments}, {p.pk for p in plans}),
        ),
    ]
