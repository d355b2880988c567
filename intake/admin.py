from django.contrib import admin

from clinic.access import has_health_permission
from clinic.adminhelpers import AccessibleAdmin, HistoryAdmin
from clinic.models import ClientProfile
from intake.adminhelpers import HealthOnlyAdminMixin
from intake.audit import log_access, log_reads
from intake.models import Condition, HealthDataAccess, Intake, IntakeFlag, Review, stronger
from intake.signals import announce_eligibility_change


@admin.register(Condition)
class ConditionAdmin(HistoryAdmin):
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

    def save_model(self, request, obj, form, change):
        previous = Condition.objects.filter(pk=obj.pk).values_list("category", flat=True).first()
        super().save_model(request, obj, form, change)
        if previous and stronger(previous, obj.category) != previous:
            # A code made stronger applies to forms already sent (booking reads the live
            # catalog): every client who answered it yes has their visits re-checked.
            clients = ClientProfile.objects.filter(
                intakes__in=Intake.objects.current().filter(flags__code=obj.code)
            ).distinct()
            for client in clients:
                announce_eligibility_change(client)

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
    fields = ["condition", "category", "client_reason"]
    readonly_fields = fields

    @admin.display(description="condition")
    def condition(self, obj):
        return obj.name


class ReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Review
    extra = 0
    fields = [
        "created_at",
        "reviewer",
        "decision",
        "areas_to_avoid",
        "pressure_limit",
        "notes",
        "reason",
    ]
    readonly_fields = fields

    @admin.display(description="areas to avoid")
    def areas_to_avoid(self, obj):
        return ", ".join(obj.avoid_area_names) or "—"


@admin.register(Intake)
class IntakeAdmin(HealthOnlyAdminMixin, ReadOnlyAdminMixin, AccessibleAdmin):
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

    def intake_of(self, obj):
        return obj

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and response.status_code == 200:
            # The list shows outcomes and decisions: log each intake on the page.
            log_reads(
                request.user,
                [(intake.client_id, intake.pk) for intake in changelist.result_list],
                detail="admin list",
            )
        return response


@admin.register(HealthDataAccess)
class HealthDataAccessAdmin(HealthOnlyAdminMixin, ReadOnlyAdminMixin, AccessibleAdmin):
    """The access log: who read or changed whose health data. Itself health data.

    Readable with the health-data permission only (owners have it); each reading is
    itself logged. Rows name the page or action, never a condition, so there is no
    free text to search.
    """

    list_display = ["at", "who", "action", "client", "intake", "detail"]
    list_filter = ["action"]
    list_select_related = ["client", "intake__client"]
    search_fields = ["user_email", "user_name", "client__first_name", "client__last_name"]
    date_hierarchy = "at"
    fields = ["at", "user_name", "user_email", "action", "client", "intake", "detail"]
    readonly_fields = fields
    object_detail = "access log entry"

    @admin.display(description="who", ordering="user_email")
    def who(self, obj):
        return f"{obj.user_name} <{obj.user_email}>" if obj.user_email else "client link"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and has_health_permission(request.user):
            log_access(request.user, client=None, action="view", detail="access log list")
        return response
