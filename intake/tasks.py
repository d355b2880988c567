"""Background jobs: the therapist's decision e-mail to the client, and the urgent
"speak to this client now" e-mail to the therapists on duty."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from clinic import clock, sites
from clinic.models import Location, Therapist, WorkingHours
from intake.models import Intake, Outcome, Review


@task()
def send_decision_email(review_id: int) -> bool:
    """E-mail the client the decision on their health form; ``False`` if no address."""
    review = Review.objects.select_related("intake__client__user").filter(pk=review_id).first()
    if review is None:
        return False
    client = review.intake.client
    # The decision is health wording: only to an address the client has proved is theirs.
    to = client.confirmed_email
    if not to:
        return False
    context = {
        "review": review,
        "intake": review.intake,
        "client": client,
        "clinic_name": settings.CLINIC_NAME,
        "outcome_url": sites.absolute_url(
            reverse("intake:outcome", args=[review.intake.public_id])
        ),
    }
    subject = " ".join(render_to_string("intake/email/decision_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("intake/email/decision.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string("intake/email/decision.html", context), "text/html")
    message.send()
    return True


def enqueue_decision_email(review: Review) -> None:
    """Send once the decision is safely written, never for a rolled-back one."""
    transaction.on_commit(lambda: send_decision_email.enqueue(review.pk))


def therapists_on_duty(*, now=None) -> list[Therapist]:
    """Active therapists working today at any active location, in its own time zone.

    Working today means weekly working hours in force for today's weekday there, or an
    appointment starting today there. When nobody is on duty (a closed day), every
    active therapist: an urgent form must reach someone.
    """
    now = now or timezone.now()
    today_here = Q(pk__in=[])
    for location in Location.objects.filter(active=True):
        today = clock.local_date(now, location)
        start = datetime.combine(today, time.min, tzinfo=location.zone)
        end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=location.zone)
        hours = WorkingHours.objects.in_force(today, today).filter(
            location=location, weekday=today.weekday()
        )
        # Appointments belong to bookings, which intake may not import: the reverse
        # relation is enough, and any status will do to say the therapist is in.
        today_here |= Q(pk__in=hours.values("therapist_id")) | Q(
            appointments__location=location,
            appointments__start__gte=start,
            appointments__start__lt=end,
        )
    active = Therapist.objects.active().select_related("user")
    return list(active.filter(today_here).distinct()) or list(active)


@task()
def send_urgent_intake_email(intake_id: int) -> int:
    """Tell the therapists on duty that a red-flag form waits; the number e-mailed.

    E-mail is not a safe channel for health data: no condition, no answer, no name;
    only that a form needs urgent attention and the link to review it (logged in).
    """
    intake = Intake.objects.filter(pk=intake_id).first()
    if intake is None or not intake.needs_urgent_attention:
        return 0
    to = [t.user.email for t in therapists_on_duty() if t.user.email]
    if not to:
        return 0
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "review_url": sites.absolute_url(reverse("intake:review", args=[intake.public_id])),
    }
    subject = " ".join(render_to_string("intake/email/urgent_subject.txt", context).split())
    # One message each: therapists do not learn who else was told.
    for address in to:
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("intake/email/urgent.txt", context),
            to=[address],
        )
        message.attach_alternative(
            render_to_string("intake/email/urgent.html", context), "text/html"
        )
        message.send()
    return len(to)


def enqueue_urgent_email(intake: Intake) -> None:
    """For a just-completed red-flag intake, e-mail the therapists on duty once written.

    Call only where ``Intake.complete()`` returned ``True``: it does so once per intake,
    so the e-mail goes once, whichever path (online, desk, check-in update) sent the form.
    """
    if intake.outcome == Outcome.REFER:
        transaction.on_commit(lambda: send_urgent_intake_email.enqueue(intake.pk))
