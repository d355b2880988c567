"""Messages about appointments: confirmations, changes, cancellations and reminders.

The booking workflows call the hooks in ``bookings.outbox`` after their transaction
commits; those only enqueue background tasks (``bookings.tasks``), passing primary keys,
so a slow mail server never slows a booking and the worker (``make worker``) does the
sending. The ``deliver_*`` functions here build and send each e-mail (text and HTML, from ``bookings/email/<name>_subject.txt``, ``<name>.txt``
and ``<name>.html``, with an ``.ics`` invitation where there is a time to put in a
calendar); the tasks call them after re-checking the appointment.

Clients get confirmations when they have an address and agreed to e-mail, and
reminders when they have an address and asked for reminders. Messages to therapists
never carry a health detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from bookings import calendars
from bookings.timeutils import as_local
from clinic import sites
from clinic.models import Role, User
from intake.eligibility import can_book
from intake.models import Intake
from intake.reading import reading_for_client

ICS_NAME = "appointment.ics"


def reminder_hours():
    """Hours before the start that the reminder (and its check-in question) goes out."""
    return getattr(settings, "BOOKINGS_REMINDER_HOURS", 24)


# The after-visit message goes out between these hours after the session's end (real
# hours, so a change of the clocks in between makes no difference).
AFTERCARE_FROM_HOURS = 24
AFTERCARE_UNTIL_HOURS = 48


# --- Who gets what ---------------------------------------------------------------------


def wants_email(client):
    return bool(client.contact_email and client.contact_by_email)


def wants_reminder(client):
    # The reminder asks about the client's health: only to an address they have proved.
    return bool(client.confirmed_email and client.reminders)


def wants_aftercare(client):
    # It asks how the client feels after a treatment: only to an address they have proved,
    # and only if they agreed to e-mail about their appointments.
    return bool(client.confirmed_email and client.contact_by_email)


# --- Building and sending ----------------------------------------------------------------


def _url(name, *args):
    return calendars.absolute_url(reverse(name, args=args))


def _render(name, context):
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "site_url": sites.site_url(),
        **context,
    }
    subject = " ".join(render_to_string(f"bookings/email/{name}_subject.txt", context).split())
    text = render_to_string(f"bookings/email/{name}.txt", context)
    html = render_to_string(f"bookings/email/{name}.html", context)
    return subject, text, html


def _send(name, *, to, context, ics=None, method="REQUEST"):
    subject, text, html = _render(name, context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    if ics is not None:
        message.attach(ICS_NAME, ics, f"text/calendar; charset=utf-8; method={method}")
    message.send()
    return message


def aftercare_article(client):
    """The library's aftercare article, if one is published and the client's flags allow."""
    articles = reading_for_client(client, ["aftercare"], limit=1)
    return articles[0] if articles else None


def _article_url(article):
    return calendars.absolute_url(article.get_absolute_url()) if article else ""


def _appointment_context(appointment):
    return {
        "client": appointment.client,
        "appointment": appointment,
        "detail_url": _url("bookings:appointment_detail", appointment.pk),
    }


def deliver_appointment_message(appointment, kind, *, old_start=None):
    """Send the client the ``kind`` ("booked", "rescheduled", "cancelled") e-mail now."""
    client = appointment.client
    if not wants_email(client):
        return None
    context = _appointment_context(appointment)
    if kind == "booked":
        article = aftercare_article(client)
        context.update(aftercare=article, aftercare_url=_article_url(article))
        return _send(
            "appointment_booked",
            to=client.contact_email,
            context=context,
            ics=calendars.client_invitation(appointment),
        )
    if kind == "rescheduled":
        context["old_start"] = old_start.astimezone(appointment.location.zone)
        return _send(
            "appointment_rescheduled",
            to=client.contact_email,
            context=context,
            ics=calendars.client_invitation(appointment),
        )
    if kind == "cancelled":
        context["book_url"] = _url("bookings:book")
        return _send(
            "appointment_cancelled",
            to=client.contact_email,
            context=context,
            ics=calendars.client_invitation(appointment, cancelled=True),
            method="CANCEL",
        )
    raise ValueError(f"Unknown message kind: {kind!r}")


@dataclass(frozen=True)
class VisitLine:
    """One visit as the plan e-mail lists it."""

    local_start: datetime
    is_reassessment: bool
    plan_sequence: int | None
    therapist_name: str
    location_name: str


def plan_visits(appointments) -> list[dict]:
    """The visits as they are now, for the plan e-mail: plain data a task can carry.

    The booking passes this to the task when it is enqueued, so an e-mail sent late still
    says what was booked then, not what has changed since (later e-mails tell of moves
    and cancellations).
    """
    return [
        {
            "id": a.pk,
            "start": a.start.isoformat(),
            "zone": a.location.time_zone,
            "reassessment": a.is_reassessment,
            "sequence": a.plan_sequence,
            "therapist": a.therapist.name,
            "location": a.location.name,
        }
        for a in appointments
    ]


def _visit_lines(visits) -> list[VisitLine]:
    return [
        VisitLine(
            local_start=as_local(datetime.fromisoformat(v["start"]), ZoneInfo(v["zone"])),
            is_reassessment=bool(v["reassessment"]),
            plan_sequence=v["sequence"],
            therapist_name=v["therapist"],
            location_name=v["location"],
        )
        for v in visits
    ]


def deliver_plan_message(plan, appointments, *, renewed=False, visits=None):
    """Send the client the list of a plan's visits, with all of them in one calendar file.

    ``renewed``: a maintenance plan booked its next visits (``bookings.maintenance``).
    ``visits``: the list as booked (:func:`plan_visits`), else ``appointments`` as they
    are now. The calendar file holds ``appointments``, the visits still open.
    """
    client = plan.client
    if not wants_email(client) or not appointments:
        return None
    article = aftercare_article(client)
    lines = _visit_lines(plan_visits(appointments) if visits is None else visits)
    context = {
        "client": client,
        "plan": plan,
        "renewed": renewed,
        "visits": lines,
        "appointments_url": _url("bookings:my_appointments"),
        "aftercare": article,
        "aftercare_url": _article_url(article),
    }
    return _send(
        "plan_booked",
        to=client.contact_email,
        context=context,
        ics=calendars.client_invitation(appointments),
    )


def deliver_plan_replaced_message(plan, appointments):
    """One e-mail: the plan's visits cancelled because a new plan replaced it, with one
    calendar file removing them all. No health wording: only that the plan changed."""
    client = plan.client
    if not wants_email(client) or not appointments:
        return None
    context = {
        "client": client,
        "plan": plan,
        "appointments": appointments,
        "plans_url": _url("bookings:plan_new"),
        "appointments_url": _url("bookings:my_appointments"),
    }
    return _send(
        "plan_replaced",
        to=client.contact_email,
        context=context,
        ics=calendars.client_invitation(appointments, cancelled=True),
        method="CANCEL",
    )


def deliver_reminder(appointment):
    """The reminder, with the pre-visit question "has anything changed in your health?"."""
    client = appointment.client
    context = _appointment_context(appointment)
    context.update(
        checkin_url=_url("bookings:checkin", appointment.checkin_token),
        hours=reminder_hours(),
    )
    return _send("reminder", to=client.confirmed_email, context=context)


def deliver_aftercare(appointment, check):
    """The after-visit message: "how do you feel?", with the reply link (``check.token``)."""
    client = appointment.client
    article = aftercare_article(client)
    context = _appointment_context(appointment)
    context.update(
        reply_url=_url("bookings:aftercare", check.token),
        aftercare=article,
        aftercare_url=_article_url(article),
    )
    return _send("aftercare", to=client.confirmed_email, context=context)


def deliver_aftercare_notice(check):
    """Tell the therapist a client's after-visit reply needs them; no health details."""
    appointment = check.appointment
    address = appointment.therapist.user.email
    if not address:
        return None
    return _send("therapist_aftercare", to=address, context=_therapist_context(appointment))


def _therapist_context(appointment, **extra):
    """What a notice to the appointment's therapist names: the visit and the client's
    short name, with a link to the appointment page; never a health detail."""
    return {
        "appointment": appointment,
        "therapist": appointment.therapist,
        "client_name": calendars.client_short_name(appointment.client),
        "client": appointment.client,
        "detail_url": _url("bookings:appointment_detail", appointment.pk),
        **extra,
    }


def deliver_therapist_notice(appointment, kind):
    """Tell the therapist a visit needs them before it goes ahead; no health details.

    ``kind``: "hold" (the check-in now blocks the visit: it is on hold), "review" (the
    client updated the health form; the visit stands), "call" (the client said
    something changed and has no account: please phone them) or "day_of" (an answer to
    the day-of questions holds the visit until the therapist has spoken to the client).
    """
    address = appointment.therapist.user.email
    if not address:
        return None
    context = _therapist_context(appointment, kind=kind, review_url=_review_url(appointment.client))
    return _send("therapist_checkin", to=address, context=context)


def deliver_desk_hold_notice(appointment):
    """Tell front desk a visit is on hold for a therapist: time, client, never a reason."""
    to = [
        user.email
        for user in User.objects.filter(groups__name=Role.FRONT_DESK, is_active=True)
        if user.email
    ]
    if not to:
        return None
    context = {
        "appointment": appointment,
        "client_name": appointment.client.full_name,
        "detail_url": _url("bookings:appointment_detail", appointment.pk),
    }
    subject, text, html = _render("desk_hold", context)
    # One message each: front desk staff do not learn each other's addresses.
    for address in to:
        message = EmailMultiAlternatives(subject=subject, body=text, to=[address])
        message.attach_alternative(html, "text/html")
        message.send()
    return to


def deliver_client_hold_notice(appointment):
    """Tell the client their visit is on hold, why and what to do: their own health words,
    so only to an address they have proved (``ClientProfile.confirmed_email``)."""
    client = appointment.client
    if not client.confirmed_email:
        return None
    verdict = can_book(client, on=appointment.local_start.date())
    context = {
        **_appointment_context(appointment),
        "verdict": verdict,
        "next_url": calendars.absolute_url(verdict.next_url) if verdict.next_url else "",
    }
    return _send("client_hold", to=client.confirmed_email, context=context)


def _review_url(client):
    current = Intake.objects.current_for(client)
    if current is None:
        return ""
    return _url("intake:review", current.public_id)


def deliver_course_notices(plan):
    """Tell the therapist and the client that the plan's course needs a review.

    The therapist's message names no health detail (the plan page says why); the client's
    says what the scores show and to see a doctor if pain persists or worsens, so it goes
    only to an address the client has proved (``ClientProfile.confirmed_email``).
    Returns the addresses written to.
    """
    client = plan.client
    plan_url = _url("bookings:plan_detail", plan.pk)
    sent = []
    therapist = plan.therapist or _latest_therapist(plan)
    if therapist is not None and therapist.user.email:
        _send(
            "course_review_therapist",
            to=therapist.user.email,
            context={
                "therapist": therapist,
                "client_name": calendars.client_short_name(client),
                "plan_url": plan_url,
            },
        )
        sent.append(therapist.user.email)
    if client.confirmed_email:
        _send(
            "course_review",
            to=client.confirmed_email,
            context={"client": client, "alert": plan.course_alert, "plan_url": plan_url},
        )
        sent.append(client.confirmed_email)
    return sent


def _latest_therapist(plan):
    appointment = plan.appointments.select_related("therapist__user").order_by("-start").first()
    return appointment.therapist if appointment else None
