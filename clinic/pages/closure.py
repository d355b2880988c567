"""Closing an account across every app: the owner's confirmation, and the purge.

``close_account`` tells the client what is kept (an e-mail to their confirmed address,
before anything is erased), then each app erases its part in one transaction:
bookings (``bookings.erasure``), the intake (``intake.erasure``), and last the profile
itself (``clinic.closure.erase_profile``). ``purge_expired`` deletes what was kept once
its period is over; running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bookings import erasure as bookings_erasure
from bookings.models import Appointment
from clinic import clock
from clinic.closure import (
    ClosureError,
    KeepPlan,
    delete_profile,
    erase_profile,
    keep_until,
    reference,
    send_notice,
)
from clinic.models import AccountEvent, ClientProfile
from intake import erasure as intake_erasure
from intake.audit import log_access


def close_account(client: ClientProfile, *, by) -> KeepPlan:
    """Confirm the client's request: tell them, then erase. Raises ``ClosureError``."""
    now = timezone.now()
    with transaction.atomic():
        client = (
            ClientProfile.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=client.pk)
            .first()
        )
        if client is None or client.is_closed:
            raise ClosureError("This account is already closed.")
        if client.closure_requested_at is None:
            raise ClosureError("The client has not asked to close their account.")
        records_until, log_until = keep_until(clock.today())
        plan = KeepPlan(
            records_until=records_until,
            log_until=log_until,
            keeps_name=settings.CLOSURE_KEEP_NAME_ON_RECORDS,
            appointments=Appointment.objects.for_client(client).count(),
            cancelled=bookings_erasure.open_appointments(client, now).count(),
        )
        ref = reference(client)
        told = send_notice(client, plan)
        AccountEvent.record(
            actor=by,
            action=AccountEvent.Action.CLOSURE_CONFIRMED,
            target=client.user,
            target_email=ref,
            detail="notice e-mailed to the confirmed address"
            if told
            else "no confirmed address: the client was not e-mailed",
        )
        bookings_erasure.erase_client(client, by=by, now=now)
        documents = intake_erasure.erase_client(client, reference=ref)
        # The access log stays: it records this last change to the health record too.
        log_access(by, client=client, action="change", detail="health data erased: account closed")
        erase_profile(client, by=by, now=now, plan=plan)
        # Files go only once the erasure is committed: a rollback keeps them.
        transaction.on_commit(partial(intake_erasure.delete_files, documents))
    return plan


@dataclass
class PurgeResult:
    appointments: int = 0
    log_rows: int = 0
    profiles: int = 0


def purge_expired(on: date | None = None) -> PurgeResult:
    """Delete kept records of closed accounts whose period ended by ``on`` (today)."""
    on = on or clock.today()
    result = PurgeResult()
    closed = ClientProfile.objects.filter(closed_at__isnull=False).order_by("pk")
    for client in closed:
        records_due = client.records_kept_until is not None and client.records_kept_until <= on
        log_due = client.log_kept_until is not None and client.log_kept_until <= on
        if not (records_due or log_due):
            continue
        ref = reference(client)
        with transaction.atomic():
            done = []
            if records_due:
                count = bookings_erasure.purge_records(client)
                result.appointments += count
                if count:
                    done.append(f"{count} appointment(s)")
            if log_due:
                count = intake_erasure.purge_access_log(client)
                result.log_rows += count
                if count:
                    done.append(f"{count} access-log row(s)")
            if records_due and log_due:
                delete_profile(client)
                result.profiles += 1
                done.append("the profile")
            if done:
                AccountEvent.record(
                    actor=None,
                    action=AccountEvent.Action.RECORDS_PURGED,
                    target_email=ref,
                    detail="deleted " + ", ".join(done),
                )
    return result
