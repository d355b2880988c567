"""Reading lists: the published articles that best fit a client.

Other apps pass plain strings (condition codes, "acute" or "chronic", a technique code,
a screening outcome, a plan kind, "aftercare"); the library never imports them.
"""

from django.db.models import Count

from library.models import Article, normalise_tag


def reading_list(tags, *, limit=5, exclude=()):
    """Return up to ``limit`` published articles matching ``tags``, best first.

    Best = most matching tags, then most recently reviewed, then title. Articles that
    match none of the tags are left out, as are unpublished and scheduled ones and
    those in ``exclude`` (articles or primary keys). One query; the same on SQLite and
    PostgreSQL (the tags are a plain many-to-many table).
    """
    names = {normalise_tag(tag) for tag in tags if tag is not None and str(tag).strip()}
    if not names or limit <= 0:
        return []
    excluded = [getattr(item, "pk", item) for item in exclude]
    articles = (
        Article.objects.published()
        # Filtering before annotating makes the count cover only the matching tags.
        .filter(tags__name__in=names)
        .exclude(pk__in=excluded)
        .annotate(matching_tags=Count("tags"))
        .select_related("topic")
        .order_by("-matching_tags", "-last_reviewed", "title")
    )
    return list(articles[:limit])
