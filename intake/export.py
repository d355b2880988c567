"""The health intake's part of a client's own copy (see ``clinic.export``).

Every health-form version with its answers (each with the question as asked), flags,
the therapists' decisions, physician clearances (their documents as files), the access
log of who read the record, and the decision e-mails sent.
"""

from __future__ import annotations

import logging
from typing import Any

from clinic.export import ExportFile, Section, message_row, plain, task_rows
from clinic.models import ClientProfile
from intake.models import Clearance, Condition, HealthDataAccess, Intake, Review

logger = logging.getLogger(__name__)

DECISION_TASK = "intake.tasks.send_decision_email"

PAIN_FIELDS = [
    "pain_areas", "pain_onset", "pain_now", "pain_worst", "pain_character", "worse_with",
    "better_with", "likely_cause", "tried", "goals", "stress", "sleep_quality",
    "pressure_preference",
]  # fmt: skip


def document_name(clearance: Clearance) -> str:
    """The file's name in the ZIP: one per document, however often it was carried over."""
    original = clearance.carried_from or clearance
    suffix = clearance.document.name.rsplit(".", 1)[-1] if "." in clearance.document.name else "bin"
    return f"documents/clearance-{original.public_id}.{suffix}"


def _clearances(client: ClientProfile):
    return (
        Clearance.objects.filter(intake__client=client)
        .select_related("recorded_by", "carried_from")
        .order_by("intake__version", "received_on", "pk")
    )


def _intake(intake: Intake, questions: dict[str, str]) -> dict[str, Any]:
    answers = [
        {
            "code": code,
            "question": questions.get(code, ""),
            "answer": "yes" if value is True else "no" if value is False else "not answered",
        }
        for code, value in intake.answers.items()
    ]
    return {
        "version": intake.version,
        "status": intake.get_status_display(),
        "current": intake.is_current,
        "started_at": plain(intake.created_at),
        "completed_at": plain(intake.completed_at),
        "filled_in_at_front_desk": intake.at_front_desk,
        **{name: plain(getattr(intake, name)) for name in PAIN_FIELDS},
        "answers": answers,
        "other_conditions": intake.other_conditions,
        "medications": intake.medications,
        "consent_text": intake.consent_text,
        "signature_name": intake.signature_name,
        "signed_on": plain(intake.signed_on),
        "guardian_name": intake.guardian_name,
        "outcome": intake.get_outcome_display(),
        "suggested_technique": intake.suggested_technique,
        "decision": intake.get_decision_display(),
        "decided_at": plain(intake.decided_at),
        "flags": [
            {
                "code": flag.code,
                "question": questions.get(flag.code, ""),
                "category": flag.get_category_display(),
                "what_it_means": flag.client_reason,
                "urgent": flag.urgent,
            }
            for flag in intake.flags.all()
        ],
        "decisions": [
            {
                "at": plain(review.created_at),
                "by": str(review.reviewer) if review.reviewer else "",
                "decision": review.get_decision_display(),
                "avoid_areas": review.avoid_areas,
                "pressure_limit": review.get_pressure_limit_display(),
                "notes": review.notes,
                "reason": review.reason,
            }
            for review in intake.reviews.all()
        ],
        "clearances": [
            {
                "covers": clearance.codes,
                "received_on": plain(clearance.received_on),
                "valid_until": plain(clearance.valid_until),
                "note": clearance.note,
                "recorded_by": str(clearance.recorded_by) if clearance.recorded_by else "",
                "recorded_at": plain(clearance.recorded_at),
                "document": document_name(clearance) if clearance.document else None,
            }
            for clearance in intake.clearances.all()
        ],
    }


def access_log(client: ClientProfile) -> list[dict[str, Any]]:
    """Who read or changed the client's health record, when, and on which page."""
    rows = HealthDataAccess.objects.filter(client=client).select_related("intake").order_by("at")
    return [
        {
            "at": plain(row.at),
            "who": row.user_name or row.user_email or "(no log-in: a link in an e-mail)",
            "email": row.user_email,
            "action": HealthDataAccess.Action(row.action).label
            if row.action in HealthDataAccess.Action.values
            else row.action,
            "form_version": row.intake.version if row.intake else None,
            "detail": row.detail,
        }
        for row in rows
    ]


def decision_messages(client: ClientProfile) -> list[dict[str, Any]]:
    reviews = dict(
        Review.objects.filter(intake__client=client).values_list("pk", "intake__version")
    )
    if not reviews:
        return []
    return [
        message_row(
            row,
            kind="decision on your health form",
            about=f"health form version {reviews[row.args_kwargs['args'][0]]}",
        )
        for row in task_rows([DECISION_TASK], first_args=reviews)
    ]


def client_sections(client: ClientProfile) -> list[Section]:
    questions = dict(Condition.objects.values_list("code", "question"))
    intakes = (
        Intake.objects.filter(client=client)
        .prefetch_related("flags", "reviews__reviewer", "clearances__recorded_by")
        .order_by("version")
    )
    return [
        Section(
            "health_forms",
            "Your health forms",
            [_intake(intake, questions) for intake in intakes],
            "Every version you (or the desk with you) filled in, with the therapists' "
            "decisions and physicians' clearances.",
        ),
        Section(
            "access_log",
            "Who looked at your health record",
            access_log(client),
            "Every time someone opened, changed or downloaded your health data.",
        ),
        Section("health_messages", "E-mails about your health form", decision_messages(client)),
    ]


def client_files(client: ClientProfile) -> list[ExportFile]:
    """Each clearance document once; one missing from storage is named in the log."""
    files: dict[str, ExportFile] = {}
    for clearance in _clearances(client):
        if not clearance.document:
            continue
        name = document_name(clearance)
        if name in files:
            continue
        try:
            with clearance.document.open("rb") as handle:
                content = handle.read()
        except OSError:
            logger.warning("Clearance document %s is missing from storage.", clearance.pk)
            continue
        files[name] = ExportFile(name, content, clearance.document_type)
    return list(files.values())
