"""The pre-visit check-in: "has anything changed in your health?".

The reminder links to the check-in page by the appointment's secret token, so it works
without logging in. "No" confirms the check-in and releases a visit that only waited
for it. "Yes" sends a client with an account to a new version of the health form
(screened again); a client without one is asked to phone us, and the visit waits for
that call. After a new version, ``apply_updated_intake`` asks the intake whether the
visit may still go ahead on its date: if not, the visit is held, the therapist is told
(without health details) and the client is told what to do next.
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.db import transaction
from django.utils import timezone

from bookings import tasks
from bookings.appointments import hold_and_tell
from bookings.models import Appointment, HoldCode
from clinic import clock
from intake.eligibility import can_book

# Holds the check-in may lift again, once the health form allows the visit on its date
# (a later version, say); other holds are for staff to release.
CHECKIN_HOLDS = (HoldCode.CHECKIN, HoldCode.REVIEW, HoldCode.HEALTH_GATE)

YES = "yes"
NO = "no"


class CheckinForm(forms.Form):
    changed = forms.ChoiceField(
        label="Has anything changed in your health since you filled in your health form?",
        choices=[
            (NO, "No, nothing has changed"),
            (YES, "Yes, something has changed"),
        ],
        widget=forms.RadioSelect,
        help_text="For example a new illness, injury, operation, medicine or pregnancy.",
        error_messages={"required": "Please choose yes or no."},
    )


def local_date(appointment):
    return clock.local_date(appointment.start, appointment.location)


def can_check_in(appointment, now=None):
    """Open and not yet started."""
    now = now or timezone.now()
    return appointment.is_open and now < appointment.start


def _eligibility(appointment):
    return can_book(appointment.client, on=local_date(appointment))


def _locked(appointment):
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("client__user", "therapist__user", "location", "service")
        .get(pk=appointment.pk)
    )


def _confirm(appointment, verdict, now):
    fields = []
    if appointment.checkin_confirmed_at is None:
        appointment.checkin_confirmed_at = now
        fields.append("checkin_confirmed_at")
    if appointment.status == Appointment.Status.HELD and appointment.hold_code in CHECKIN_HOLDS:
        appointment.status = Appointment.Status.BOOKED
        appointment.hold_code = ""
        fields += ["status", "hold_code"]
    if fields:
        appointment.save(update_fields=fields)
    return bool(fields)


def _block(appointment):
    # Once per hold, however often the client comes back to the page; a visit the new
    # form already put on hold (recheck_client) stays held for staff to lift.
    if appointment.hold_code != HoldCode.HEALTH_GATE:
        hold_and_tell(appointment, HoldCode.REVIEW, kind="hold")


def confirm_no_change(appointment, *, now=None):
    """The client says nothing changed: check-in done, and a check-in hold lifted.

    Only if the intake still allows the visit on its date (a form may have expired
    since); otherwise the visit is held for the therapist. Returns the intake's verdict.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        verdict = _eligibility(appointment)
        if verdict.allowed:
            _confirm(appointment, verdict, now)
        else:
            _block(appointment)
    return verdict


def report_change_without_account(appointment, *, now=None):
    """No account to update the form with: the visit waits for a call; the therapist is told."""
    with transaction.atomic():
        appointment = _locked(appointment)
        hold_and_tell(appointment, HoldCode.CALL, kind="call")
    return appointment


def apply_updated_intake(appointment, *, now=None):
    """After a new health form version: may the visit still go ahead on its date?

    If not, the visit is held and the therapist asked to review it (once, however often
    the client comes back to this step). If so, the check-in is confirmed; when the new
    answers need a therapist's review, the therapist is told. Returns the verdict.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        verdict = _eligibility(appointment)
        if not verdict.allowed:
            _block(appointment)
        else:
            first_time = appointment.checkin_confirmed_at is None
            changed = _confirm(appointment, verdict, now)
            if verdict.needs_review and (first_time or changed):
                transaction.on_commit(
                    partial(tasks.send_therapist_notice.enqueue, appointment.pk, "review")
                )
    return verdict
