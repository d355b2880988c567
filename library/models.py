"""The education library: topics, articles and their matching tags.

The library imports nothing from intake or bookings: those apps pass plain tag strings
(condition codes, "acute"/"chronic", technique codes, plan kinds) to
``library.reading.reading_list``.
"""

import math
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic import cached, clock
from clinic.dates import add_years
from clinic.validators import validate_sensible_date
from library.rendering import count_words, fill_rendered, has_tokens, render_stored

WORDS_PER_MINUTE = 200
# Article pages live at /library/<slug>/, beside the library's own pages.
RESERVED_SLUGS = {"search", "topics"}


def clinic_numbers():
    """The main location's emergency and urgent-advice numbers, for article placeholders.

    The same numbers the health-form outcome page shows, so an article never tells a
    client to call another country's emergency services.
    """
    location = cached.main_location()
    if location is None:
        return {}
    return {
        "emergency_number": location.emergency_number,
        "urgent_advice_number": location.urgent_advice_number,
    }


# The field defaults below read the server's date, not clinic.clock's: a default runs
# whenever an Article is built, in code with no database too (rendering a preview), and
# the main location's zone is a query. Editors see and can change both dates; every
# rule about review dates uses clock.today(). Migrations name these two functions.
def _today():
    return timezone.localdate()


def _a_year_from_today():
    return add_years(_today(), 1)


class Topic(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences shown under the topic's name."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Topics are listed from the lowest number up."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("library:topic", args=[self.slug])


class Tag(models.Model):
    """A plain matching word: a condition code, ``acute``, a technique code, a plan kind."""

    name = models.CharField(
        max_length=64,
        unique=True,
        help_text="Lower case, no spaces, e.g. a condition code such as radiating_leg_pain, "
        "or acute, chronic, swedish, maintenance, aftercare.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalise_tag(self.name)
        super().save(*args, **kwargs)


def normalise_tag(name):
    return str(name).strip().lower().replace(" ", "_")


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Published and due: a publish date in the future keeps the article hidden."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now)

    def visible_to(self, user):
        """Staff with the view permission also see drafts, to preview them."""
        if user.is_active and user.is_staff and user.has_perm("library.view_article"):
            return self.all()
        return self.published()

    def review_overdue(self, *, today=None):
        return self.filter(next_review_due__lt=today or clock.today())

    def search(self, query):
        """Articles matching ``query``, best first.

        PostgreSQL: full-text search, ranked with title above summary above body.
        Other databases: every word must appear somewhere; a word found in the title
        counts more than one in the summary, which counts more than one in the body.
        """
        query = (query or "").strip()
        if not query:
            return self.none()
        if connection.vendor == "postgresql":
            return self._search_postgres(query)
        return self._search_plain(query)

    def _search_postgres(self, query):
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            self.annotate(search=vector, rank=SearchRank(vector, search_query))
            .filter(search=search_query)
            .order_by("-rank", "title")
        )

    def _search_plain(self, query):
        words = query.split()[:10]
        matches = Q()
        score = Value(0)
        for word in words:
            matches &= (
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
            score = score + Case(
                When(title__icontains=word, then=Value(100)),
                When(summary__icontains=word, then=Value(10)),
                default=Value(1),
                output_field=IntegerField(),
            )
        return self.filter(matches).annotate(rank=score).order_by("-rank", "title")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The article's web address; filled from the title."
    )
    summary = models.TextField(
        max_length=400, help_text="One or two sentences shown in lists and search results."
    )
    body = models.TextField(
        help_text="Written in Markdown: ## for a heading, - for a list, **bold**, "
        "[words](https://…) for a link. Raw HTML is cleaned out when shown. Write "
        "[[emergency_number]] and [[urgent_advice_number]] for the clinic's own "
        "emergency and urgent-advice numbers (set on the location), never a number."
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="articles",
        help_text="Matching words for reading lists: condition codes, acute or chronic, "
        "technique codes, plan kinds (acute, maintenance), aftercare.",
    )
    not_for = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="articles_not_for",
        verbose_name="not for",
        help_text="Condition codes and health-form results this article must not be "
        "suggested for: it is left out of reading lists and aftercare for a client who "
        "answered yes to any of these codes (e.g. osteoporosis, anticoagulant_medication) "
        "or whose result is one of these (defer: anything that invites booking now).",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish date",
        null=True,
        blank=True,
        help_text="A published article appears from this moment; set a future date to "
        "schedule it. Left empty, publishing fills in now.",
        validators=[validate_sensible_date],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_articles",
    )
    last_reviewed = models.DateField(default=_today, validators=[validate_sensible_date])
    next_review_due = models.DateField(
        default=_a_year_from_today,
        help_text="Usually a year after the last review.",
        validators=[validate_sensible_date],
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    body_html = models.TextField(
        blank=True,
        editable=False,
        help_text="The body rendered to sanitised HTML when saved (numbers filled in when shown).",
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags, not_for], excluded_fields=["body_html"])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_due__gte=F("last_reviewed")),
                name="article_review_due_after_last_review",
                violation_error_message="The next review must be due on or after the last review.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="article_published_has_publish_date",
                violation_error_message="A published article needs a publish date.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_status_publish_idx"),
            models.Index(fields=["next_review_due"], name="article_review_due_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Markdown is rendered (and sanitised) once, here, not on every view.
        self.body_html = render_stored(self.body)
        self._rendered_from = self.body
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("library:article", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": ValidationError(
                        "This address is used by the library itself; please choose another.",
                        code="reserved_slug",
                    )
                }
            )
        last, due = self.last_reviewed, self.next_review_due
        if last and due and due < last:
            raise ValidationError(
                {
                    "next_review_due": ValidationError(
                        "The next review must be due on or after the last review.",
                        code="review_due_before_review",
                    )
                }
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # What body_html was rendered from, to tell a body changed in memory since.
        article._rendered_from = article.__dict__.get("body")
        return article

    @cached_property
    def rendered_body(self):
        """The body as sanitised HTML, the clinic's numbers filled in.

        From ``body_html``, rendered when the article was saved; an article whose body
        changed since (a preview built in memory) is rendered now.
        """
        html = self.body_html
        if not html or getattr(self, "_rendered_from", None) != self.body:
            html = render_stored(self.body)
        # Only an article that names a number needs the location.
        numbers = clinic_numbers() if has_tokens(html) else None
        return fill_rendered(html, numbers)

    @property
    def reading_minutes(self):
        return max(1, math.ceil(count_words(self.body) / WORDS_PER_MINUTE))

    def is_public(self, *, now=None):
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_public()

    def review_overdue(self, *, today=None):
        return self.next_review_due < (today or clock.today())

    def publish(self, *, now=None):
        """Publish now, or at the publish date already set (which may be in the future)."""
        self.status = self.Status.PUBLISHED
        if self.publish_at is None:
            self.publish_at = now or timezone.now()
        self.save(update_fields=["status", "publish_at", "updated"])

    def unpublish(self):
        self.status = self.Status.DRAFT
        self.save(update_fields=["status", "updated"])

    def mark_reviewed(self, *, today=None):
        today = today or clock.today()
        self.last_reviewed = today
        self.next_review_due = add_years(today, 1)
        self.save(update_fields=["last_reviewed", "next_review_due", "updated"])

    def related(self, *, limit=3):
        """Other published articles sharing this one's topic or tags, most shared tags first."""
        through = Article.tags.through
        tag_ids = through.objects.filter(article_id=self.pk).values("tag_id")
        shared = (
            through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)
            .order_by()
            .values("article_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Article.objects.published()
            .exclude(pk=self.pk)
            .filter(
                Q(topic_id=self.topic_id)
                | Q(pk__in=through.objects.filter(tag_id__in=tag_ids).values("article_id"))
            )
            .annotate(shared_tags=Coalesce(Subquery(shared), 0))
            .select_related("topic")
            .order_by("-shared_tags", "-last_reviewed", "title")[:limit]
        )
