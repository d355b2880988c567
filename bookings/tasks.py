"""Background jobs: appointment e-mails and reminders (run by ``make worker``).

Tasks take primary keys and ISO times, never objects, and look again at the appointment
when they run: by then it may have moved or been cancelled, and the message it was
meant for may no longer be true.

A reminder goes out once, even with several workers and the sweep running at the same
time: the sender first claims it by setting ``reminder_sent_at`` in one conditional
UPDATE (only if still unset, the appointment still open and still at the start the
reminder was meant for), and only the one whose UPDATE changed a row sends it.

The after-visit message ("how do you feel?", 24 to 48 hours after a recorded visit)
goes out once the same way: the sender claims it by inserting the visit's one
``AftercareCheck`` row, and only the one whose insert succeeded sends it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from bookings import notifications
from bookings.models import AftercareCheck, Appointment, TreatmentPlan

logger = logging.getLogger(__name__)


def _appointment(appointment_id):
    return (
        Appointment.objects.select_related(
            "client__user", "therapist__user", "service", "location", "room"
        )
        .filter(pk=appointment_id)
        .first()
    )


def _same_time(appointment, start):
    return start is None or appointment.start == datetime.fromisoformat(start)


@task()
def send_appointment_message(
    appointment_id: int, kind: str, start: str | None = None, old_start: str | None = None
) -> bool:
    """E-mail the client about a booking ("booked"), a move ("rescheduled") or a cancellation.

    Skipped when the news is stale: a confirmation or move for an appointment that has
    since moved again or been cancelled (a later message says so), or a cancellation of
    an appointment that is open again.
    """
    appointment = _appointment(appointment_id)
    if appointment is None:
        return False
    if kind == "cancelled":
        if not appointment.is_cancelled:
            return False
    elif not appointment.is_open or not _same_time(appointment, start):
        return False
    old = datetime.fromisoformat(old_start) if old_start else None
    return notifications.deliver_appointment_message(appointment, kind, old_start=old) is not None


@task()
def send_therapist_notice(appointment_id: int, kind: str) -> bool:
    """Tell the therapist a visit needs them ("hold", "review" or "call"), if still ahead."""
    appointment = _appointment(appointment_id)
    if appointment is None or not appointment.is_open or appointment.start <= timezone.now():
        return False
    return notifications.deliver_therapist_notice(appointment, kind) is not None


@task()
def send_hold_notices(appointment_id: int, kind: str) -> bool:
    """Tell who must act that a visit is on hold, if it is still held and ahead.

    "gate" (the health form rules the visit out): the treating therapist, front desk (in
    desk words) and the client (their own words, to a confirmed address only); "hold"
    and "call" (from the check-in): the therapist.
    """
    appointment = _appointment(appointment_id)
    if appointment is None or appointment.status != Appointment.Status.HELD:
        return False
    if appointment.start <= timezone.now():
        return False
    notifications.deliver_therapist_notice(appointment, kind)
    if kind == "gate":
        notifications.deliver_desk_hold_notice(appointment)
        notifications.deliver_client_hold_notice(appointment)
    return True


@task()
def send_plan_message(
    plan_id: int, renewed: bool = False, visits: list[dict] | None = None
) -> bool:
    """E-mail the client a booked plan's visits.

    ``visits`` is the list as booked (``notifications.plan_visits``, passed when the task
    is enqueued): the e-mail says that, however late it goes out. The calendar file holds
    those visits still open when it is sent; none open, nothing is sent. Without
    ``visits`` (a task enqueued before they were passed), the visits open now.
    ``renewed``: a maintenance plan has just booked its next visits.
    """
    plan = TreatmentPlan.objects.select_related("client__user").filter(pk=plan_id).first()
    if plan is None:
        return False
    appointments = plan.appointments.filter(status__in=Appointment.OPEN)
    if visits is not None:
        appointments = appointments.filter(pk__in=[visit["id"] for visit in visits])
    appointments = list(
        appointments.select_related("location", "therapist__user", "service", "client").order_by(
            "start"
        )
    )
    delivered = notifications.deliver_plan_message(
        plan, appointments, renewed=renewed, visits=visits
    )
    return delivered is not None


@task()
def send_plan_replaced_message(plan_id: int, appointment_ids: list[int]) -> bool:
    """Tell the client once that a new plan replaced ``plan_id`` and which visits of it
    are cancelled (``bookings.plans.cancel_replaced_visits``)."""
    plan = TreatmentPlan.objects.select_related("client__user").filter(pk=plan_id).first()
    if plan is None:
        return False
    appointments = list(
        Appointment.objects.filter(
            pk__in=appointment_ids, plan=plan, status=Appointment.Status.CANCELLED
        )
        .select_related("location", "therapist__user", "service", "client")
        .order_by("start")
    )
    return notifications.deliver_plan_replaced_message(plan, appointments) is not None


@task()
def send_course_notices(plan_id: int) -> bool:
    """Tell the therapist and the client a course is not improving (or is worse), once.

    ``bookings.reassessments.review_course`` claimed the alert before enqueuing this.
    """
    plan = (
        TreatmentPlan.objects.select_related("client__user", "therapist__user")
        .filter(pk=plan_id)
        .exclude(course_alert="")
        .first()
    )
    if plan is None:
        return False
    return bool(notifications.deliver_course_notices(plan))


def reminder_due(appointment, now):
    """Open, still ahead, and inside the reminder window before its start."""
    window = timedelta(hours=notifications.reminder_hours())
    return appointment.is_open and now < appointment.start <= now + window


def claim_reminder(appointment_id, start, now):
    """Mark the reminder sent, if nobody has; True only for the one caller that did."""
    claimed = Appointment.objects.filter(
        pk=appointment_id,
        reminder_sent_at__isnull=True,
        status__in=Appointment.OPEN,
        start=start,
    ).update(reminder_sent_at=now)
    return claimed == 1


def remind(appointment_id, start=None, *, now=None) -> bool:
    """Send one appointment's reminder now if it is due and nobody sent it; True if sent.

    ``start`` is the start the reminder was meant for (default: the current one); a
    reminder for a time the appointment has left is dropped, since the move planned
    its own.
    """
    now = now or timezone.now()
    appointment = _appointment(appointment_id)
    if appointment is None or not _same_time(appointment, start):
        return False
    if not reminder_due(appointment, now) or appointment.reminder_sent_at is not None:
        return False
    if not notifications.wants_reminder(appointment.client):
        return False
    if not claim_reminder(appointment.pk, appointment.start, now):
        return False
    try:
        notifications.deliver_reminder(appointment)
    except Exception:
        # Not sent after all: give the claim back so the next sweep tries again.
        Appointment.objects.filter(pk=appointment.pk, reminder_sent_at=now).update(
            reminder_sent_at=None
        )
        raise
    return True


@task()
def send_reminder(appointment_id: int, start: str | None = None) -> bool:
    """The reminder for one appointment, planned at booking time for its start."""
    return remind(appointment_id, start)


def due_reminders(now=None):
    """Open appointments within the reminder window whose reminder has not gone out."""
    now = now or timezone.now()
    window = timedelta(hours=notifications.reminder_hours())
    return (
        Appointment.objects.filter(
            status__in=Appointment.OPEN,
            reminder_sent_at__isnull=True,
            start__gt=now,
            start__lte=now + window,
            client__reminders=True,
        )
        .filter(~Q(client__email="") | Q(client__user__isnull=False))
        .order_by("start")
        .values_list("pk", "start")
    )


def sweep_reminders(now=None) -> int:
    """Send every reminder that is due and not yet sent; the number sent.

    Catches up after a time with no worker running: anything still ahead and inside
    the window gets its reminder now. An appointment that has already started gets none.
    """
    now = now or timezone.now()
    sent = 0
    for appointment_id, start in due_reminders(now):
        try:
            sent += remind(appointment_id, start.isoformat(), now=now)
        except Exception:
            logger.exception(
                "Reminder for appointment %s failed; the next sweep retries.", appointment_id
            )
    return sent


# --- After the visit ------------------------------------------------------------------------


def aftercare_window(appointment):
    """(from, until): 24 to 48 real hours after the session's end."""
    return (
        appointment.end + timedelta(hours=notifications.AFTERCARE_FROM_HOURS),
        appointment.end + timedelta(hours=notifications.AFTERCARE_UNTIL_HOURS),
    )


def aftercare_due(appointment, now):
    """A recorded visit (completed, with its visit record) inside the window."""
    opens, closes = aftercare_window(appointment)
    return (
        appointment.status == Appointment.Status.COMPLETED
        and hasattr(appointment, "visit")
        and opens <= now < closes
    )


def send_aftercare(appointment_id, *, now=None) -> bool:
    """Send one visit's after-visit message if it is due and nobody has; True if sent."""
    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_related(
            "client__user", "therapist__user", "service", "location", "visit"
        )
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not aftercare_due(appointment, now):
        return False
    if not notifications.wants_aftercare(appointment.client):
        return False
    try:
        with transaction.atomic():
            check = AftercareCheck.objects.create(appointment=appointment, sent_at=now)
    except IntegrityError:
        return False  # another worker or sweep claimed it
    try:
        notifications.deliver_aftercare(appointment, check)
    except Exception:
        # Not sent after all: give the claim back so the next sweep tries again.
        check.delete()
        raise
    return True


@task()
def send_aftercare_message(appointment_id: int) -> bool:
    """The after-visit message for one visit, planned when the visit was recorded."""
    return send_aftercare(appointment_id)


def due_aftercare(now=None):
    """Recorded visits inside the after-visit window whose message has not gone out."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            status=Appointment.Status.COMPLETED,
            visit__isnull=False,
            aftercare__isnull=True,
            end__lte=now - timedelta(hours=notifications.AFTERCARE_FROM_HOURS),
            end__gt=now - timedelta(hours=notifications.AFTERCARE_UNTIL_HOURS),
            client__contact_by_email=True,
        )
        .filter(~Q(client__email="") | Q(client__user__isnull=False))
        .order_by("end")
        .values_list("pk", flat=True)
    )


def sweep_aftercare(now=None) -> int:
    """Send every after-visit message that is due and not yet sent; the number sent."""
    now = now or timezone.now()
    sent = 0
    for appointment_id in due_aftercare(now):
        try:
            sent += send_aftercare(appointment_id, now=now)
        except Exception:
            logger.exception(
                "After-visit message for appointment %s failed; the next sweep retries.",
                appointment_id,
            )
    return sent


@task()
def send_aftercare_notice(check_id: int) -> bool:
    """Tell the therapist a client's after-visit reply needs them (no health details)."""
    check = (
        AftercareCheck.objects.select_related(
            "appointment__client",
            "appointment__therapist__user",
            "appointment__location",
            "appointment__service",
        )
        .filter(pk=check_id)
        .first()
    )
    if check is None:
        return False
    return notifications.deliver_aftercare_notice(check) is not None
