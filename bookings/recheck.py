"""The safety gate on booked visits: hold each one the health form now rules out.

Run when the client's booking permission may have changed (``intake.signals.eligibility_changed``)
and daily by ``manage.py recheck_holds``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bookings.appointments import hold_and_tell
from bookings.models import Appointment, HoldCode
from clinic.models import ClientProfile
from intake.eligibility import can_book_on_days


def recheck_client(client, *, now=None) -> list[Appointment]:
    """Hold each of ``client``'s future open appointments the health form now rules out.

    Called whenever the client's booking permission may have changed (a new intake, a
    therapist's decision, a catalog category made stronger, and daily by
    ``manage.py recheck_holds`` as a safety net); each appointment is judged on its own
    local date by the same gate as booking. Held visits stay held until staff lift the
    hold (``release_hold``, which asks the gate again). Returns the newly held.
    """
    now = now or timezone.now()
    held = []
    with transaction.atomic():
        appointments = list(
            Appointment.objects.select_for_update(of=("self",))
            .select_related("location")
            .filter(client=client, status__in=Appointment.OPEN, start__gt=now)
            .order_by("start")
        )
        if not appointments:
            return held
        # The health form is read once for every day these visits fall on.
        verdicts = can_book_on_days(client, {a.local_start.date() for a in appointments})
        for appointment in appointments:
            if verdicts[appointment.local_start.date()].allowed:
                continue
            if hold_and_tell(appointment, HoldCode.HEALTH_GATE, kind="gate"):
                held.append(appointment)
    return held


def on_eligibility_changed(sender, *, client, **kwargs):
    """The receiver of ``intake.signals.eligibility_changed`` (connected in apps.py)."""
    recheck_client(client)


def recheck_clients_with_open_visits(*, now=None) -> int:
    """``recheck_client`` for every client with a future open appointment; how many held."""
    now = now or timezone.now()
    client_ids = (
        Appointment.objects.filter(status__in=Appointment.OPEN, start__gt=now)
        .values_list("client_id", flat=True)
        .distinct()
    )
    held = 0
    for client in ClientProfile.objects.filter(pk__in=client_ids):
        held += len(recheck_client(client, now=now))
    return held
