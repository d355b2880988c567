"""Messages to clients about their appointments.

The booking workflows call these after their transaction commits
(``transaction.on_commit``). Each sends a plain-text e-mail, rendered from
``bookings/email/<name>_subject.txt`` and ``<name>.txt``, to the client's contact
address when the client agreed to e-mail. HTML, the ``.ics`` attachment and sending from
the background worker build on these functions.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone


def _send(name, client, context):
    address = client.contact_email
    if not (address and client.contact_by_email):
        return False
    context = {
        "client": client,
        "clinic_name": settings.CLINIC_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = " ".join(render_to_string(f"bookings/email/{name}_subject.txt", context).split())
    body = render_to_string(f"bookings/email/{name}.txt", context)
    send_mail(subject, body, None, [address])
    return True


def appointment_booked(appointment):
    """Confirm one booked session to the client."""
    return _send("appointment_booked", appointment.client, {"appointment": appointment})


def plan_booked(plan):
    """Confirm a whole treatment plan, listing every session."""
    appointments = list(
        plan.appointments.select_related("location", "therapist__user", "service").order_by(
            "start"
        )
    )
    return _send("plan_booked", plan.client, {"plan": plan, "appointments": appointments})


def appointment_rescheduled(appointment, *, old_start):
    """Tell the client the appointment's new time (and the old one it replaces)."""
    return _send(
        "appointment_rescheduled",
        appointment.client,
        {
            "appointment": appointment,
            "old_start": timezone.localtime(old_start, appointment.location.zone),
        },
    )


def appointment_cancelled(appointment):
    """Tell the client the appointment is cancelled."""
    return _send("appointment_cancelled", appointment.client, {"appointment": appointment})
