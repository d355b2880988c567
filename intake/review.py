"""A therapist's acts on a sent health form: the decision, and a physician's clearance.

Each writes the record, the access-log row and what follows from it in one transaction,
so the views (and any admin action) call these rather than repeating the steps. The
access log names the act only, never the decision or a condition (DESIGN.md, health data).
"""

from __future__ import annotations

from django.db import transaction

from clinic import clock
from intake.audit import log_access
from intake.eligibility import blocking_reasons
from intake.models import Clearance, Decision, Intake, Outcome, Review
from intake.signals import announce_eligibility_change
from intake.tasks import enqueue_decision_email


def record_decision(
    *, intake: Intake, by, decision, avoid_areas, pressure_limit, notes, reason
) -> Review:
    """Record ``by``'s decision on ``intake`` and tell everyone who needs to know.

    The intake takes the decision; the client's future visits are re-checked
    (``eligibility_changed``); a reviewing therapist joins the client's care team (they
    now look after the client's safety, so they keep access); the client is e-mailed
    once the transaction commits.
    """
    client = intake.client
    with transaction.atomic():
        review = Review.objects.create(
            intake=intake,
            reviewer=by,
            decision=decision,
            avoid_areas=avoid_areas,
            pressure_limit=pressure_limit,
            notes=notes,
            reason=reason,
        )
        intake.decision = review.decision
        intake.decided_at = review.created_at
        intake.save(update_fields=["decision", "decided_at", "updated_at"])
        announce_eligibility_change(client)
        therapist = getattr(by, "therapist", None)
        if therapist is not None:
            client.care_team.add(therapist)
        log_access(by, client=client, intake=intake, action="review", detail="decision recorded")
        enqueue_decision_email(review)
    return review


def record_clearance(*, intake: Intake, by, codes, received_on, note, document) -> Clearance:
    """Record a physician's clearance for ``codes`` on ``intake``, received on ``received_on``.

    ``document`` is the uploaded file (checked by ``ClearanceForm``) or ``None``.

    When the note was all that stood in the way (a "clearance" result no therapist has
    decided on, or a therapist's "clearance required") and it now covers every code, the
    note is the decision: the form is cleared (keeping the last decision's adaptations),
    it leaves the review queue and the client is e-mailed that booking is open.
    """
    with transaction.atomic():
        clearance = Clearance.objects.create(
            intake=intake,
            codes=codes,
            received_on=received_on,
            note=note,
            document=document or "",
            document_type=getattr(document, "detected_type", "") if document else "",
            recorded_by=by,
        )
        log_access(
            by, client=intake.client, intake=intake, action="change", detail="clearance recorded"
        )
        waiting = intake.decision == Decision.CLEARANCE_REQUIRED or (
            intake.outcome == Outcome.CLEARANCE and not intake.decision
        )
        if waiting and "clearance_pending" not in blocking_reasons(intake, on=clock.today()):
            last = intake.reviews.first()
            avoid = last.avoid_areas if last else []
            pressure = last.pressure_limit if last else ""
            record_decision(
                intake=intake,
                by=by,
                decision=Decision.CLEARED_WITH_CHANGES if avoid or pressure else Decision.CLEARED,
                avoid_areas=avoid,
                pressure_limit=pressure,
                notes="Cleared when the physician's note was recorded.",
                reason="We have recorded your doctor's note, so booking is open.",
            )
    return clearance
