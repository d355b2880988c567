"""Background jobs: the therapist's decision e-mail to the client."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from intake.models import Review


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
        "outcome_url": settings.SITE_URL
        + reverse("intake:outcome", args=[review.intake.public_id]),
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
