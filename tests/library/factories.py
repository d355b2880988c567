"""Builders for library articles, shared with other apps' tests (intake, bookings)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from clinic.dates import add_years
from library.models import Article, Tag, Topic

DEFAULT_REVIEWED = date(2026, 1, 10)


def topic(slug="aftercare"):
    """One of the topics the data migration creates."""
    return Topic.objects.get(slug=slug)


def make_article(
    title,
    *,
    tags=(),
    topic_slug="aftercare",
    status=Article.Status.PUBLISHED,
    publish_at: datetime | None = None,
    reviewed=DEFAULT_REVIEWED,
    summary="A short summary.",
    body="Some words about the subject.",
    **extra,
) -> Article:
    """An article; published an hour before now unless told otherwise."""
    if publish_at is None and status == Article.Status.PUBLISHED:
        publish_at = timezone.now() - timedelta(hours=1)
    article = Article.objects.create(
        title=title,
        slug=extra.pop("slug", title.lower().replace(" ", "-")),
        summary=summary,
        body=body,
        topic=topic(topic_slug),
        status=status,
        publish_at=publish_at,
        last_reviewed=reviewed,
        next_review_due=extra.pop("next_review_due", add_years(reviewed, 1)),
        **extra,
    )
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
    return article
