"""Closing a client's account: the request, what is kept and for how long, the profile's
erasure and the notice to the client (docs/security.md, "Closing an account").

The client asks (``request_closure``); an owner confirms (``clinic.pages.closure``, which
calls each app's ``erasure`` module and then ``erase_profile`` here); ``manage.py
purge_expired`` deletes what is kept once its period is over. The periods and the rules
are settings (``CLOSURE_*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.dates import add_years
from clinic.export import ACCOUNT_TASK, task_rows
from clinic.models import AccountEvent, ClientProfile, User


class ClosureError(Exception):
    """The closure cannot go ahead; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class KeepPlan:
    """What stays after the erasure, and until when (the notice tells the client this)."""

    records_until: date
    log_until: date
    keeps_name: bool
    appointments: int
    cancelled: int


def keep_until(closed_on: date) -> tuple[date, date]:
    """(records, access log): the last days the kept appointments and log stay."""
    return (
        add_years(closed_on, settings.CLOSURE_RECORDS_KEEP_YEARS),
        add_years(closed_on, settings.CLOSURE_ACCESS_LOG_KEEP_YEARS),
    )


def reference(client: ClientProfile) -> str:
    """How logs name a closed account: its reference, never its name or address."""
    return f"closed account {client.public_id}"


def request_closure(client: ClientProfile, *, by) -> bool:
    """The client asks to close their account; ``False`` if already asked (or closed)."""
    now = timezone.now()
    changed = ClientProfile.objects.filter(
        pk=client.pk, closure_requested_at__isnull=True, closed_at__isnull=True
    ).update(closure_requested_at=now)
    if not changed:
        return False
    client.closure_requested_at = now
    AccountEvent.record(
        actor=by,
        action=AccountEvent.Action.CLOSURE_REQUESTED,
        target=client.user,
        detail=f"client {client.public_id}",
    )
    return True


def send_notice(client: ClientProfile, plan: KeepPlan) -> bool:
    """Tell the client, at their confirmed address, what is kept, why and until when.

    Sent now, not by a background task: the address is erased in the same step, and a
    task would find none. ``False`` when there is no confirmed address to write to.
    """
    to = client.confirmed_email
    if not to:
        return False
    context = {
        "client": client,
        "plan": plan,
        "clinic_name": settings.CLINIC_NAME,
        "records_years": settings.CLOSURE_RECORDS_KEEP_YEARS,
        "log_years": settings.CLOSURE_ACCESS_LOG_KEEP_YEARS,
    }
    subject = " ".join(render_to_string("clinic/email/closure_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string("clinic/email/closure.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string("clinic/email/closure.html", context), "text/html")
    message.send()
    return True


def _addresses(client: ClientProfile, user: User | None) -> set[str]:
    found = {client.email, client.email_confirmed, user.email if user else ""}
    return {address.lower() for address in found if address}


def _rename_in_admin_log(client: ClientProfile) -> None:
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ClientProfile),
        object_id=str(client.pk),
    ).update(object_repr=reference(client))


def delete_profile(client: ClientProfile) -> None:
    """The last trace of a closed account, once nothing it kept is left."""
    _rename_in_admin_log(client)
    client.history.all().delete()
    client.delete()


def erase_profile(client: ClientProfile, *, by, now: datetime, plan: KeepPlan) -> None:
    """Erase the profile's personal data and its account; keep the name if the rule says.

    The account is deleted (its sessions stop working); its log-in attempts go; the
    account events that named it keep their facts but name the closed account instead.
    Old versions of the profile (its history) are deleted with it.
    """
    user = client.user if client.user_id else None
    addresses = _addresses(client, user)
    ref = reference(client)
    if user is not None:
        AccountEvent.objects.filter(target=user).update(target_email=ref)
        AccountEvent.objects.filter(actor=user).update(actor_name="the client", actor_email=ref)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=addresses).delete()
    for row in task_rows([ACCOUNT_TASK]):
        if str((row.args_kwargs or {}).get("kwargs", {}).get("to", "")).lower() in addresses:
            row.delete()
    if not plan.keeps_name:
        client.first_name, client.last_name = "Closed", "account"
        _rename_in_admin_log(client)
    for field in (
        "email", "email_confirmed", "phone", "emergency_contact_name", "emergency_contact_phone",
        "physician_name", "physician_practice", "physician_phone", "physician_email",
    ):  # fmt: skip
        setattr(client, field, "")
    client.date_of_birth = None
    client.contact_by_email = client.contact_by_phone = client.reminders = False
    client.user = None
    client.closed_at = now
    client.records_kept_until = plan.records_until
    client.log_kept_until = plan.log_until
    client.save()
    client.care_team.clear()
    client.history.all().delete()
    if user is not None:
        user.delete()
    AccountEvent.record(actor=by, action=AccountEvent.Action.DATA_ERASED, target_email=ref)
