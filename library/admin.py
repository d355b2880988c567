from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clinic import clock
from clinic.adminhelpers import AccessibleAdmin, HistoryAdmin
from library.forms import ArticleAdminForm
from library.models import Article, Tag, Topic


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Review overdue"), ("due_30", "Due in the next 30 days")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "due_30":
            today = clock.today()
            return queryset.filter(
                next_review_due__gte=today,
                next_review_due__lte=today + timedelta(days=30),
            )
        return queryset


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    list_display = ["name", "slug", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, obj):
        return obj.article_total


@admin.register(Tag)
class TagAdmin(AccessibleAdmin):
    list_display = ["name", "article_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, obj):
        return obj.article_total


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "status",
        "topic",
        "publish_at",
        "last_reviewed",
        "review_due",
    ]
    list_filter = [ReviewOverdueFilter, "status", "topic", "tags"]
    list_select_related = ["topic"]
    search_fields = ["title", "summary", "body", "tags__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "not_for"]
    date_hierarchy = "publish_at"
    readonly_fields = ["preview", "created", "updated"]
    actions = ["publish", "unpublish", "mark_reviewed_today"]
    history_list_display = ["status"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "topic", "summary", "body", "tags", "not_for"]}),
        ("Publishing", {"fields": ["status", "publish_at", "author"]}),
        ("Review", {"fields": ["last_reviewed", "next_review_due"]}),
        (
            "Preview",
            {
                "fields": ["preview"],
                "description": "The article as readers see it, from the last save. "
                "Save with status Draft to check it before publishing.",
            },
        ),
        ("Record", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="library_article_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        article = get_object_or_404(Article.objects.select_related("topic"), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "article": article,
            "title": f"Preview: {article.title}",
        }
        return TemplateResponse(request, "admin/library/article/preview.html", context)

    def get_queryset(self, request):
        # Every row of the list says whether its review is overdue: the clinic's "today"
        # is read once, into the query, not once a row.
        overdue = ExpressionWrapper(
            Q(next_review_due__lt=clock.today()), output_field=BooleanField()
        )
        return super().get_queryset(request).annotate(review_is_overdue=overdue)

    @admin.display(description="next review due", ordering="next_review_due")
    def review_due(self, obj):
        if obj.review_is_overdue:
            return format_html(
                '<strong style="color:#a4161a">⚠ {} (review overdue)</strong>',
                obj.next_review_due.strftime("%d %b %Y"),
            )
        return obj.next_review_due.strftime("%d %b %Y")

    @admin.display(description="preview")
    def preview(self, obj):
        if obj.pk is None:
            return "Save the article to see a preview."
        # rendered_body is sanitised by nh3 (library.rendering), so it is safe to show.
        return format_html(
            '<p><a href="{}">Open the full-page preview</a></p>'
            '<div class="library-preview" style="max-width:48rem">{}</div>',
            reverse("admin:library_article_preview", args=[obj.pk]),
            mark_safe(obj.rendered_body),
        )

    @admin.action(description="Publish the selected articles", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        for article in queryset:
            article.publish(now=now)
        self.message_user(request, f"Published {len(queryset)} article(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish the selected articles (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        for article in queryset:
            article.unpublish()
        self.message_user(
            request, f"Moved {len(queryset)} article(s) back to draft.", messages.SUCCESS
        )

    @admin.action(description="Mark the selected articles reviewed today", permissions=["change"])
    def mark_reviewed_today(self, request, queryset):
        today = clock.today()
        for article in queryset:
            article.mark_reviewed(today=today)
        self.message_user(
            request,
            f"Marked {len(queryset)} article(s) reviewed today; the next review is due in a year.",
            messages.SUCCESS,
        )
