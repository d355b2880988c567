"""Starter articles for the demo: every ``library/content/<slug>.md`` file.

Each file opens with a front-matter block of ``key: value`` lines between two ``---``
lines (title, slug, topic, summary, tags, reviewed, and optionally not_for: the condition
codes and outcomes the article must not be suggested for) and the Markdown body follows.
Idempotent: an article whose slug already exists is left exactly as it is.
"""

from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from clinic.dates import add_years
from clinic.models import Role, User
from library.models import Article, Tag, Topic, normalise_tag

CONTENT_DIR = Path(__file__).resolve().parent / "content"
REQUIRED_KEYS = ("title", "slug", "topic", "summary", "tags", "reviewed")


class ContentError(ValueError):
    """A content file that cannot be loaded; the message names the file and the problem."""


def parse_article(text, *, source="article"):
    """Split a content file into (front-matter dict, Markdown body)."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(f"{source}: the file must start with a line of three dashes (---).")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise ContentError(f"{source}: the front matter has no closing --- line.") from None
    meta = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ContentError(f"{source}, line {number}: expected 'key: value'.")
        # A " # note" after a value is a comment, as in the template the writers follow.
        value = value.split(" #", 1)[0].strip()
        meta[key.strip().lower()] = value
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise ContentError(f"{source}: missing {', '.join(missing)} in the front matter.")
    try:
        meta["reviewed"] = date.fromisoformat(meta["reviewed"])
    except ValueError:
        raise ContentError(f"{source}: reviewed must be a date such as 2026-11-01.") from None
    for key in ("tags", "not_for"):
        meta[key] = sorted({normalise_tag(t) for t in meta.get(key, "").split(",") if t.strip()})
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    return meta, body


@transaction.atomic
def seed(*, location=None, folder=None):
    """Load every content file whose slug is not in the library yet; return what was new.

    ``location`` is unused (the library is the same for every location); ``folder``
    defaults to ``library/content``.
    """
    folder = Path(folder) if folder is not None else CONTENT_DIR
    if not folder.is_dir():
        return []
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    author = (
        User.objects.filter(groups__name=Role.CLINIC_ADMIN, is_active=True).order_by("pk").first()
    )
    now = timezone.now()
    created = []
    for path in sorted(folder.glob("*.md")):
        meta, body = parse_article(path.read_text(encoding="utf-8"), source=path.name)
        if Article.objects.filter(slug=meta["slug"]).exists():
            continue
        topic = topics.get(meta["topic"])
        if topic is None:
            raise ContentError(f"{path.name}: unknown topic {meta['topic']!r}.")
        article = Article.objects.create(
            title=meta["title"],
            slug=meta["slug"],
            summary=meta["summary"],
            body=body,
            topic=topic,
            status=Article.Status.PUBLISHED,
            publish_at=now,
            author=author,
            last_reviewed=meta["reviewed"],
            next_review_due=add_years(meta["reviewed"], 1),
        )
        article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in meta["tags"]])
        article.not_for.set([Tag.objects.get_or_create(name=name)[0] for name in meta["not_for"]])
        created.append(f"library article: {article.title}")
    return created
