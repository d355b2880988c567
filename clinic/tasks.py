"""Background jobs of the clinic itself: account e-mails (links and notices)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

from clinic import sites

KINDS = {"signup_link", "account_exists", "invitation", "confirm_email", "email_changed"}


@task()
def send_account_email(kind: str, *, to: str, context: dict) -> None:
    """Send one account e-mail (``kind`` names its three templates under clinic/email/)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown account e-mail: {kind!r}")
    context = {"clinic_name": settings.CLINIC_NAME, "site_url": sites.site_url(), **context}
    subject = " ".join(render_to_string(f"clinic/email/{kind}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"clinic/email/{kind}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"clinic/email/{kind}.html", context), "text/html")
    message.send()
