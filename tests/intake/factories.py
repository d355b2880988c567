"""Builders for intakes and clearances, shared with other apps' tests (bookings)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from intake.models import Clearance, Condition, Intake

DEFAULT_ONSET = date(2026, 1, 5)


def make_intake(
    client_profile,
    *,
    yes=(),
    onset=DEFAULT_ONSET,
    pain_now=5,
    pain_worst=None,
    completed_at=None,
    **extra,
) -> Intake:
    """A completed, screened, current intake with the database catalog.

    Every active catalog question is answered: ``yes`` codes yes, the rest no. The
    client's previous current intake is retired (and its clearances carry over).
    """
    completed_at = completed_at or timezone.now()
    yes = set(yes)
    answers = {
        code: code in yes for code in Condition.objects.active().values_list("code", flat=True)
    }
    answers.update(dict.fromkeys(yes, True))
    last = client_profile.intakes.order_by("-version").values_list("version", flat=True).first()
    fields = {
        "pain_areas": ["lower_back"],
        "pain_character": ["dull_ache"],
        "likely_cause": "posture",
        "stress": 3,
        "sleep_quality": 6,
        "pressure_preference": "medium",
        "consent_text": "I agree.",
        "signature_name": client_profile.full_name,
        "signed_on": timezone.localdate(completed_at),
    }
    fields.update(extra)
    intake = Intake.objects.create(
        client=client_profile,
        version=(last or 0) + 1,
        pain_onset=onset,
        pain_now=pain_now,
        pain_worst=pain_worst if pain_worst is not None else pain_now,
        answers=answers,
        steps_done=Intake.STEP_CONSENT,
        **fields,
    )
    intake.complete(on=timezone.localdate(completed_at))
    Intake.objects.filter(pk=intake.pk).update(completed_at=completed_at)
    intake.refresh_from_db()
    return intake


def record_clearance(intake, *, codes, by, received=None, note="Doctor's letter.") -> Clearance:
    return Clearance.objects.create(
        intake=intake,
        codes=list(codes),
        received_on=received or timezone.localdate(),
        note=note,
        recorded_by=by,
    )
