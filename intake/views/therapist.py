"""The therapist's side: the review queue, a decision, a clearance and its document."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clinic import clock
from clinic.access import no_store
from clinic.models import Technique
from intake.access import can_review, can_see_chart, can_see_health_data
from intake.audit import log_access, log_reads
from intake.forms import ClearanceForm, DecisionForm
from intake.models import Clearance, Condition, Intake, condition_names, covered_codes
from intake.review import record_clearance, record_decision
from intake.views.common import deny, get_intake_for_user


@login_required
@permission_required("intake.review_intake", raise_exception=True)
@no_store
@require_safe
def review_queue(request):
    # Red flags first: a therapist must speak to those clients the same day.
    urgent = Intake.objects.urgent().select_related("client").prefetch_related("flags")
    waiting = Intake.objects.awaiting_review().select_related("client").prefetch_related("flags")
    clearance = (
        Intake.objects.awaiting_clearance().select_related("client").prefetch_related("flags")
    )
    urgent, waiting, clearance = list(urgent), list(waiting), list(clearance)
    # Every listed client's flags are on this page: one log row per client shown.
    log_reads(
        request.user,
        [(intake.client_id, intake.pk) for intake in [*urgent, *waiting, *clearance]],
        detail="review queue",
    )
    return render(
        request,
        "intake/review_queue.html",
        {"urgent": urgent, "waiting": waiting, "clearance": clearance},
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def review(request, public_id):
    intake = get_intake_for_user(request, public_id)
    if intake.is_draft:
        raise Http404
    client = intake.client
    flags = list(intake.flags.all())
    conditions = {c.code: c for c in Condition.objects.filter(code__in=intake.answers)}
    clearances = list(intake.clearances.select_related("recorded_by"))
    today = clock.today()
    covered = covered_codes(clearances, today)
    reviewer = can_review(request.user, intake)
    form = None
    if reviewer:
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            intake=intake,
            covered=covered,
        )
    if request.method == "POST":
        if not reviewer:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            record_decision(
                intake=intake,
                by=request.user,
                decision=data["decision"],
                avoid_areas=data["avoid_areas"],
                pressure_limit=data["pressure_limit"],
                notes=data["notes"],
                reason=data["reason"],
            )
            messages.success(request, "Decision recorded; the client has been told.")
            return redirect("intake:review_queue")
    else:
        log_access(request.user, client=client, intake=intake, action="view", detail="review")
    suggestion = intake.technique_suggestion()
    return render(
        request,
        "intake/review.html",
        {
            "intake": intake,
            "client": client,
            "flags": [(f, conditions.get(f.code)) for f in flags],
            "answers": [
                (conditions[code].question if code in conditions else code, value)
                for code, value in intake.answers.items()
            ],
            "clearances": clearances,
            # "Record a clearance" is offered only while a condition needs one.
            "clearance_missing": condition_names(
                code for code in intake.clearance_codes() if code not in covered
            ),
            "reviews": intake.reviews.select_related("reviewer"),
            "form": form,
            "can_review": reviewer,
            "today": today,
            "pain_kind": intake.pain_type(intake.completed_on) if intake.pain_now else None,
            "suggestion": suggestion,
            "gentle_reasons": condition_names(suggestion.reasons),
            "technique": Technique.objects.filter(code=suggestion.technique).first(),
            "may_see_chart": can_see_chart(request.user, client),
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "HEAD", "POST"])
def clearance(request, public_id):
    intake = get_intake_for_user(request, public_id)
    if intake.is_draft or not can_review(request.user, intake):
        raise PermissionDenied
    form = ClearanceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        intake=intake,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record_clearance(
            intake=intake,
            by=request.user,
            codes=data["codes"],
            received_on=data["received_on"],
            note=data["note"],
            document=data.get("document"),
        )
        messages.success(request, "Clearance recorded.")
        return redirect("intake:review", intake.public_id)
    covered = covered_codes(intake.clearances.all(), clock.today())
    missing = condition_names(code for code in intake.clearance_codes() if code not in covered)
    return render(
        request,
        "intake/clearance.html",
        {"intake": intake, "client": intake.client, "form": form, "clearance_missing": missing},
    )


@login_required
@no_store
@require_safe
def document(request, public_id):
    record = get_object_or_404(
        Clearance.objects.select_related("intake__client__user"), public_id=public_id
    )
    intake = record.intake
    if not can_see_health_data(request.user, intake.client, intake):
        deny(request.user)
    if not record.document:
        raise Http404
    try:
        handle = record.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(
        request.user,
        client=intake.client,
        intake=intake,
        action="download",
        detail=f"clearance document {record.public_id}",
    )
    suffix = record.document.name.rsplit(".", 1)[-1]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"clearance-{record.received_on:%Y-%m-%d}.{suffix}",
        content_type=record.document_type or "application/octet-stream",
    )
