"""What the booking workflows post after their transaction commits: background tasks.

Each hook enqueues a task (``bookings.tasks``) with primary keys only, so a slow mail
server never slows a booking; the worker builds and sends the e-mail
(``bookings.notifications``). Called through ``transaction.on_commit``.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bookings import notifications
from bookings.models import Appointment
from bookings.tasks import (
    send_aftercare_message,
    send_appointment_message,
    send_plan_message,
    send_reminder,
)


def appointment_booked(appointment):
    """Confirm one booked session to the client (in the background), and plan its reminder."""
    schedule_reminder(appointment)
    if not notifications.wants_email(appointment.client):
        return False
    send_appointment_message.enqueue(appointment.pk, "booked", start=appointment.start.isoformat())
    return True


def plan_booked(plan):
    """Confirm a whole treatment plan, listing every session, with one calendar file."""
    for appointment in plan.appointments.all():
        schedule_reminder(appointment)
    if not notifications.wants_email(plan.client):
        return False
    # What was booked, as booked: a late e-mail must not count visits changed since.
    send_plan_message.enqueue(plan.pk, visits=notifications.plan_visits(open_visits(plan)))
    return True


def open_visits(plan):
    """The plan's open visits, in order, with what the plan e-mail names."""
    return list(
        plan.appointments.filter(status__in=Appointment.OPEN)
        .select_related("location", "therapist__user")
        .order_by("start")
    )


def appointment_rescheduled(appointment, *, old_start):
    """Tell the client the appointment's new time (and the old one it replaces)."""
    schedule_reminder(appointment)
    if not notifications.wants_email(appointment.client):
        return False
    send_appointment_message.enqueue(
        appointment.pk,
        "rescheduled",
        start=appointment.start.isoformat(),
        old_start=old_start.isoformat(),
    )
    return True


def appointment_cancelled(appointment):
    """Tell the client the appointment is cancelled; the calendar file removes the event."""
    if not notifications.wants_email(appointment.client):
        return False
    send_appointment_message.enqueue(appointment.pk, "cancelled")
    return True


def schedule_reminder(appointment):
    """Ask the worker to send the reminder on time, when the task backend can defer.

    The periodic sweep (``manage.py send_reminders``) sends any reminder this misses, so
    a backend without deferred tasks, or a worker that was down, loses nothing.
    """
    run_after = appointment.start - timedelta(hours=notifications.reminder_hours())
    if run_after <= timezone.now() or not send_reminder.get_backend().supports_defer:
        return None
    return send_reminder.using(run_after=run_after).enqueue(
        appointment.pk, start=appointment.start.isoformat()
    )


def visit_recorded(appointment):
    """Plan the after-visit message for 24 hours after the session, when the backend can
    defer; at once when that time has passed. The sweep sends any this misses."""
    if not notifications.wants_aftercare(appointment.client):
        return None
    run_after = appointment.end + timedelta(hours=notifications.AFTERCARE_FROM_HOURS)
    if run_after <= timezone.now():
        return send_aftercare_message.enqueue(appointment.pk)
    if not send_aftercare_message.get_backend().supports_defer:
        return None
    return send_aftercare_message.using(run_after=run_after).enqueue(appointment.pk)
