"""A client's reading: the library's reading list, following their current health form.

Every page and e-mail that suggests reading to a client (the outcome page, the client
dashboard, a booked appointment's aftercare, the booking e-mails) goes through here, so
the client's flags and outcome always reach :func:`library.reading.reading_list` and
nothing a flag rules out is suggested (DESIGN.md, "The flags come first").
"""

from __future__ import annotations

from django.db.models import QuerySet

from clinic.models import ClientProfile
from intake.models import Intake
from library.models import Article
from library.reading import allowed_articles, reading_list


def reading_for_intake(intake: Intake | None, tags=(), *, limit: int) -> list:
    """Articles for ``tags``, leaving out what this intake's flags or outcome rule out.

    ``intake`` is the client's current intake, or ``None`` when they have none.
    """
    flags = intake.flag_codes() if intake is not None else []
    outcome = intake.outcome if intake is not None else ""
    return reading_list(tags, flags=flags, outcome=outcome, limit=limit)


def reading_for_client(client, tags=(), *, limit: int) -> list:
    """Articles for ``tags``, following ``client``'s current health form (one more query)."""
    return reading_for_intake(Intake.objects.current_for(client), tags, limit=limit)


def articles_allowed_for(client: ClientProfile) -> QuerySet[Article]:
    """Every published article ``client``'s current health form allows (a queryset).

    What a therapist may hand out as home care: the same rule as the reading lists.
    """
    intake = Intake.objects.current_for(client)
    flags = intake.flag_codes() if intake is not None else []
    outcome = intake.outcome if intake is not None else ""
    return allowed_articles(flags=flags, outcome=outcome)
