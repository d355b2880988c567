from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intake.audit import log_access
from intake.models import Condition, HealthDataAccess, Intake, IntakeFlag, Review


@admin.register(Condition)
class ConditionAdmin(SimpleHistoryAdmin):
    """The contraindication catalog; every change is kept in its history (who, when, what)."""

    list_display = ["code", "category", "short_question", "urgent", "order", "active"]
    list_filter = ["category", "active", "urgent"]
    search_fields = ["code", "question", "guidance", "client_reason"]
    ordering = ["order", "code"]
    list_editable = ["order", "active"]
    fieldsets = (
        (None, {"fields": ("code", "category", "active", "urgent", "order")}),
        ("For the client", {"fields": ("question", "help_text", "client_reason")}),
        ("For the therapist", {"fields": ("guidance", "sources")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Codes are part of the public API and stored in old answers: never renamed.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # switch a row off instead; old intakes still name it

    @admin.display(description="question")
    def short_question(self, obj):
        return obj.question if len(obj.question) <= 80 else obj.question[:77] + "…"


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IntakeFlagInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = IntakeFlag
    extra = 0
    fields = ["code", "category", "client_reason"]
    readonly_fields = fields


class ReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Review
    extra = 0
    fields = [
        "created_at",
        "reviewer",
        "decision",
        "avoid_areas",
        "pressure_limit",
        "notes",
        "reason",
    ]
    readonly_fields = fields


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, and only for staff granted ``intake.view_health_data``; every view logged."""

    list_display = [
        "client",
        "version",
        "status",
        "outcome",
        "decision",
        "completed_at",
        "is_current",
    ]
    list_filter = ["status", "outcome", "decision", "is_current"]
    list_select_related = ["client"]
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    inlines = [IntakeFlagInline, ReviewInline]
    exclude = ["started_by"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("intake.view_health_data")

    def has_module_permission(self, request):
        return request.user.has_perm("intake.view_health_data") or super().has_module_permission(
            request
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and response.status_code == 200:
            # The list shows outcomes and decisions: log each intake on the page.
            HealthDataAccess.objects.bulk_create(
                HealthDataAccess(
                    user=request.user,
                    client_id=intake.client_id,
                    intake=intake,
                    action=HealthDataAccess.Action.VIEW,
                    detail="admin list",
                )
                for intake in changelist.result_list
            )
        response["Cache-Control"] = "no-store, private"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        intake = self.get_object(request, object_id)
        if intake is not None and response.status_code == 200:
            log_access(
                request.user, client=intake.client, intake=intake, action="view", detail="admin"
            )
        response["Cache-Control"] = "no-store, private"
        return response


@admin.register(HealthDataAccess)
class HealthDataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "client", "intake", "detail"]
    list_filter = ["action"]
    list_select_related = ["user", "client", "intake"]
    search_fields = ["user__email", "client__first_name", "client__last_name", "detail"]
    date_hierarchy = "at"
