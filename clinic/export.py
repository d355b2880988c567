"""A client's own copy of their data: the shape every app's part takes, and clinic's part.

Each app answers for its own models in ``<app>/export.py`` with
``client_sections(client) -> list[Section]`` (and, where it holds files,
``client_files(client) -> list[ExportFile]``). ``clinic.pages.export`` lists those modules,
puts the sections together under ``SCHEMA_VERSION`` and writes the ZIP and the PDF; the
schema is documented in docs/data-export.md. A new model joins the copy by adding its
section to its app's function, and a new app by one line in ``clinic.pages.export``.

Values are plain JSON: strings, numbers, booleans, ``None``, lists and dicts; moments as
ISO 8601 with their offset, days as ``YYYY-MM-DD``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from clinic.models import AccountEvent, ClientProfile

# Raised when a section is renamed or removed or a field changes meaning; adding a
# section or a field keeps the version (readers must ignore what they do not know).
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Section:
    """One part of the copy: ``key`` in the JSON, ``title`` in the PDF."""

    key: str
    title: str
    data: Any
    about: str = ""


@dataclass(frozen=True)
class ExportFile:
    """A file held about the client, stored in the ZIP under ``documents/``."""

    name: str
    content: bytes
    content_type: str


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it (aware moments keep their offset)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def task_rows(task_paths, *, first_args=None, filters: Q | None = None):
    """The outbox's rows (django-tasks-db) for ``task_paths``, those whose first argument
    is in ``first_args`` (a primary key, or an e-mail's kind) if given.

    Every e-mail the clinic sends goes through a background task; the task's row (what
    was sent, when, and whether it went) is the record of messages the project keeps.
    """
    rows = DBTaskResult.objects.filter(task_path__in=task_paths)
    if first_args is not None:
        rows = rows.filter(args_kwargs__args__0__in=list(first_args))
    if filters is not None:
        rows = rows.filter(filters)
    return rows.order_by("enqueued_at")


def message_row(row, *, kind: str, about: str) -> dict[str, Any]:
    return {
        "message": kind,
        "about": about,
        "queued_at": plain(row.enqueued_at),
        "finished_at": plain(row.finished_at),
        "status": str(row.status).lower(),
    }


ACCOUNT_TASK = "clinic.tasks.send_account_email"


def _addresses(client: ClientProfile) -> set[str]:
    found = {client.email, client.email_confirmed}
    if client.user_id:
        found.add(client.user.email)
    return {address.lower() for address in found if address}


def account_messages(client: ClientProfile) -> list[dict[str, Any]]:
    """Account e-mails (links, notices) sent to one of the client's addresses."""
    addresses = _addresses(client)
    if not addresses:
        return []
    rows = task_rows([ACCOUNT_TASK])
    messages = []
    for row in rows:
        kwargs = (row.args_kwargs or {}).get("kwargs", {})
        to = str(kwargs.get("to", "")).lower()
        if to not in addresses:
            continue
        kind = (row.args_kwargs.get("args") or [""])[0]
        # The links in these e-mails were secret and single-use: the copy names the
        # e-mail, the address and the time, never the link.
        messages.append({**message_row(row, kind=f"account: {kind}", about=""), "to": to})
    return messages


def client_sections(client: ClientProfile) -> list[Section]:
    """The client's profile, their account's events and account e-mails."""
    user = client.user if client.user_id else None
    profile = {
        "reference": str(client.public_id),
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "email_confirmed": bool(client.email)
        and client.email.lower() == client.email_confirmed.lower(),
        "phone": str(client.phone or ""),
        "date_of_birth": plain(client.date_of_birth),
        "emergency_contact_name": client.emergency_contact_name,
        "emergency_contact_phone": client.emergency_contact_phone,
        "physician_name": client.physician_name,
        "physician_practice": client.physician_practice,
        "physician_phone": client.physician_phone,
        "physician_email": client.physician_email,
        "contact_by_email": client.contact_by_email,
        "contact_by_phone": client.contact_by_phone,
        "reminders": client.reminders,
        "registered_at": plain(client.created_at),
        "care_team": sorted(str(t) for t in client.care_team.select_related("user")),
        "account": None
        if user is None
        else {
            "login_email": user.email,
            "joined_at": plain(user.date_joined),
            "last_login": plain(user.last_login),
        },
        "closure_requested_at": plain(client.closure_requested_at),
    }
    events = []
    if user is not None:
        events = [
            {
                "at": plain(e.at),
                "event": e.get_action_display(),
                "by": e.actor_name or e.actor_email,
            }
            for e in AccountEvent.objects.filter(target=user).order_by("at")
        ]
    return [
        Section("profile", "Your details", profile),
        Section(
            "account_events",
            "Your account's history",
            events,
            "Changes made to your online account, by you or the clinic.",
        ),
        Section(
            "account_messages",
            "Account e-mails",
            account_messages(client),
            "E-mails about your online account: links to set it up, address checks.",
        ),
    ]
