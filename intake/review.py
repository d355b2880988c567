"""A therapist's acts on a sent health form: the decision, and a physician's clearance.

Each writes the record, the access-log row and what follows from it in one transaction,
so the views (and any admin action) call these rather than repeating the steps. The
access log names the act only, never the decision or a condition (DESIGN.md, health data).
"""

from __future__ import annotations

from django.db import transaction

from intake.audit import log_access
from intake.models import Clearance, Intake, Review
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
    return clearance
