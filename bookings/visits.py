"""Visit notes after they are recorded: the author's edits (for 24 hours) and amendments.

A visit is written once, by ``bookings.appointments.record_visit``; these are the only
other ways its notes change. Its author may correct the notes within
``VISIT_EDIT_WINDOW`` of recording them; after that, and for anyone else who may read the
chart, an amendment is added and the record itself stays as it was. Every change is
logged in the health-data access log. The checks are here, not only in the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from bookings.errors import BookingError
from bookings.models import Visit, VisitAmendment
from clinic.models import ClientProfile, Technique, User
from intake.access import can_see_chart
from intake.audit import log_access
from intake.models import PainArea, Pressure
from intake.reading import articles_allowed_for

# The notes a visit records, besides who and when: the visit form's fields.
DETAIL_FIELDS = (
    "pain_score",
    "pain_after",
    "client_reports",
    "findings",
    "notes",
    "plan_next",
    "areas_worked",
    "technique_used",
    "pressure_used",
    "home_care",
)
TEXT_FIELDS = ("client_reports", "findings", "notes", "plan_next")
# "Not sure" is the client's answer on the health form, not a pressure one works at.
PRESSURES_USED = [choice for choice in Pressure.choices if choice[0] != Pressure.UNSURE]
AMENDMENT_MAX_LENGTH = 5000
# The same text from the same author this soon after is the same amendment sent twice
# (a double click, a resent form): it is written once.
REPEAT_WINDOW = timedelta(minutes=2)


def clean_details(client: ClientProfile, details: dict[str, Any]) -> dict[str, Any]:
    """``details`` checked for ``client``'s visit; raise ``BookingError`` on anything wrong.

    Pain 0 to 10 (the pain after may be left out), known areas and pressure, an active
    technique, and home care only from the articles the client's health form allows
    (:func:`intake.reading.articles_allowed_for`, the reading lists' rule).
    """
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise BookingError(f"Unknown visit fields: {', '.join(sorted(unknown))}.", code="fields")
    data = dict(details)
    for name in ("pain_score", "pain_after"):
        value = data.get(name)
        if value is None and name == "pain_after":
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
            raise BookingError("Give the pain as a whole number from 0 to 10.", code="pain")
    for name in TEXT_FIELDS:
        data[name] = str(data.get(name) or "").strip()
    areas = list(data.get("areas_worked") or [])
    if not set(areas) <= set(PainArea.values):
        raise BookingError("Choose the areas worked from the list.", code="areas")
    data["areas_worked"] = [code for code in PainArea.values if code in areas]
    pressure = data.get("pressure_used") or ""
    if pressure and pressure not in dict(PRESSURES_USED):
        raise BookingError("Choose the pressure used from the list.", code="pressure")
    data["pressure_used"] = pressure
    technique = data.get("technique_used")
    if technique is not None and not isinstance(technique, Technique):
        raise BookingError("Choose the technique used from the list.", code="technique")
    home_care = list(data.get("home_care") or [])
    allowed = set(
        articles_allowed_for(client)
        .filter(pk__in=[article.pk for article in home_care])
        .values_list("pk", flat=True)
    )
    if any(article.pk not in allowed for article in home_care):
        raise BookingError(
            "Some of the home care chosen is not suitable for this client's health form.",
            code="home_care",
        )
    data["home_care"] = home_care
    return data


def write_details(visit: Visit, data: dict[str, Any]) -> None:
    """Store checked ``data`` (from :func:`clean_details`) on a saved ``visit``."""
    home_care: Iterable[Any] = data.pop("home_care", [])
    for name, value in data.items():
        setattr(visit, name, value)
    visit.save()
    visit.home_care.set(home_care)


def may_amend(user: User, visit: Visit) -> bool:
    """Anyone who may read the client's chart may add an amendment, at any time."""
    return can_see_chart(user, visit.appointment.client)


def may_edit(user: User, visit: Visit, now: datetime | None = None) -> bool:
    """Only the author, within the edit window, while they may still read the chart."""
    return visit.editable_by(user, now) and may_amend(user, visit)


def _locked(visit: Visit) -> Visit:
    locked: Visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("appointment__client")
        .get(pk=visit.pk)
    )
    return locked


def edit_visit(*, visit: Visit, by: User, now: datetime | None = None, **details: Any) -> Visit:
    """The author corrects the notes of ``visit``; refused once the window has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _locked(visit)
        if not may_edit(by, visit, now):
            raise BookingError(
                "These notes can no longer be changed: add an amendment instead.",
                code="edit_window",
            )
        client = visit.appointment.client
        data = clean_details(client, details)
        data["edited_at"] = now
        write_details(visit, data)
        log_access(
            by, client=client, action="change", detail=f"visit notes edited (visit {visit.pk})"
        )
    return visit


def amend_visit(
    *, visit: Visit, by: User, text: str, now: datetime | None = None
) -> VisitAmendment:
    """Add an amendment to ``visit``'s notes; the notes themselves are left as they are."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise BookingError("Write the amendment.", code="empty")
    if len(text) > AMENDMENT_MAX_LENGTH:
        raise BookingError(
            f"Keep the amendment under {AMENDMENT_MAX_LENGTH} characters.", code="too_long"
        )
    with transaction.atomic():
        visit = _locked(visit)
        if not may_amend(by, visit):
            raise BookingError("Only the client's therapists may amend these notes.", code="denied")
        repeat = (
            visit.amendments.filter(author=by, text=text, created_at__gte=now - REPEAT_WINDOW)
            .order_by("-created_at")
            .first()
        )
        if repeat is not None:
            return repeat
        amendment = VisitAmendment.objects.create(
            visit=visit, text=text, author=by, author_name=by.get_full_name()[:200], created_at=now
        )
        log_access(
            by,
            client=visit.appointment.client,
            action="change",
            detail=f"visit notes amended (visit {visit.pk})",
        )
    return amendment
