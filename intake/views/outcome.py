"""The client's result page for a sent health form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from clinic import cached, clock
from clinic.access import no_store
from clinic.models import Technique
from intake.access import is_owner
from intake.audit import log_access
from intake.eligibility import can_book
from intake.models import Condition, Outcome
from intake.reading import reading_for_intake
from intake.screening import OUTCOME_BY_CATEGORY
from intake.views.common import get_intake_for_user


def _reading_list(intake, suggestion):
    tags = [*intake.flag_codes(), intake.outcome]
    if suggestion.technique:
        tags.append(suggestion.technique)
    kind = intake.pain_type(intake.completed_on) if intake.pain_now else None
    if kind:
        tags.append(kind)
    return reading_for_intake(intake, tags, limit=5)


@login_required
@no_store
@require_safe
def outcome(request, public_id):
    intake = get_intake_for_user(request, public_id)
    if intake.is_draft:
        if is_owner(request.user, intake.client):
            return redirect("intake:step", intake.public_id, intake.next_step)
        raise Http404
    if not is_owner(request.user, intake.client):
        # Staff read the therapist's view, with guidance.
        return redirect("intake:review", intake.public_id)
    log_access(request.user, client=intake.client, intake=intake, action="view", detail="outcome")
    flags = list(intake.flags.all())
    today = clock.today()
    # Clients are not tied to one location; the emergency numbers are the country's.
    location = cached.main_location()
    urgent = any(f.urgent for f in flags)
    latest_review = intake.reviews.first() if intake.decision else None
    conditions = {c.code: c for c in Condition.objects.filter(code__in=intake.answers)}
    suggestion = intake.technique_suggestion()
    return render(
        request,
        "intake/outcome.html",
        {
            "intake": intake,
            "client": intake.client,
            "flags": [f for f in flags if OUTCOME_BY_CATEGORY[f.category] == intake.outcome],
            # Weaker flags' reasons say "booking is open"; they matter only once the
            # stronger ones have passed, so they are shown apart.
            "other_flags": [f for f in flags if OUTCOME_BY_CATEGORY[f.category] != intake.outcome],
            "urgent": urgent,
            "location": location,
            "eligibility": can_book(intake.client, on=today) if intake.is_current else None,
            "review": latest_review,
            "reading": _reading_list(intake, suggestion) if intake.is_current else [],
            "answers": [
                (conditions[code].question if code in conditions else code, value)
                for code, value in intake.answers.items()
            ],
            "clearance_codes": intake.clearance_codes(),
            "pain_kind": intake.pain_type(intake.completed_on) if intake.pain_now else None,
            "suggestion": suggestion,
            "technique": Technique.objects.filter(code=suggestion.technique).first(),
            "Outcome": Outcome,
        },
    )
