"""Reading lists: the published articles that best fit a client.

Other apps pass plain strings (condition codes, "acute" or "chronic", a technique code,
a screening outcome, a plan kind, "aftercare"); the library never imports them.

Reading lists follow the client's health form (DESIGN.md, "Reading lists follow the
outcome"): an article is left out when its "not for" list names one of the client's
flags or their outcome, and a red flag (``refer``) is offered only what helps the
client reach medical care.
"""

from django.db.models import Count

from library.models import Article, normalise_tag

# The tag of articles that help a client reach medical care: the only reading a client
# with a red flag is offered (no massage, no self-care).
SEEK_CARE = "seek_care"
# Screening outcomes the library treats specially; plain strings, as intake passes them.
REFER = "refer"


def reading_list(tags, *, flags, outcome, limit=5, exclude=()):
    """Return up to ``limit`` published articles matching ``tags``, best first.

    ``flags`` are the client's condition codes answered yes and ``outcome`` their
    screening outcome (``""`` or ``None`` when there is no health form): both are
    required so no caller can forget them. An article whose "not for" list names one of
    the flags or the outcome is left out. For ``"refer"`` only articles tagged
    ``seek_care`` are offered, whatever the other tags. "Nothing that invites a booking
    while deferred" is each such article's "not for: defer".

    Best = most matching tags, then most recently reviewed, then title. Articles that
    match none of the tags are left out, as are unpublished and scheduled ones and
    those in ``exclude`` (articles or primary keys). One query; the same on SQLite and
    PostgreSQL (the tags are a plain many-to-many table).
    """
    _check_flags(flags)
    names = _names(tags)
    if _refers(outcome):
        names.add(SEEK_CARE)
    if not names or limit <= 0:
        return []
    excluded = [getattr(item, "pk", item) for item in exclude]
    articles = allowed_articles(flags=flags, outcome=outcome).exclude(pk__in=excluded)
    articles = (
        # Filtering before annotating makes the count cover only the matching tags.
        articles.filter(tags__name__in=names)
        .annotate(matching_tags=Count("tags"))
        .select_related("topic")
        .order_by("-matching_tags", "-last_reviewed", "title")
    )
    return list(articles[:limit])


def allowed_articles(*, flags, outcome):
    """The published articles a client with ``flags`` and ``outcome`` may be given.

    The one rule every suggestion and every choice of reading follows (reading lists,
    the home care a therapist hands out after a visit): an article whose "not for" list
    names one of the flags or the outcome is left out, and for ``"refer"`` only articles
    tagged ``seek_care`` remain. A queryset, ordered by title.
    """
    _check_flags(flags)
    ruled_out = _names([*flags, outcome])
    articles = Article.objects.published()
    if ruled_out:
        # exclude() across a many-to-many is a NOT IN subquery: one "not for" match is
        # enough to leave the article out.
        articles = articles.exclude(not_for__name__in=ruled_out)
    if _refers(outcome):
        seek_care = Article.tags.through.objects.filter(tag__name=SEEK_CARE)
        articles = articles.filter(pk__in=seek_care.values("article_id"))
    return articles.order_by("title")


def _check_flags(flags):
    if isinstance(flags, str):
        raise TypeError("flags must be an iterable of condition codes, not a single string")


def _refers(outcome):
    return outcome is not None and normalise_tag(outcome) == REFER


def _names(values):
    return {normalise_tag(value) for value in values if value is not None and str(value).strip()}
