from django.contrib import admin

from bookings.models import Appointment, CalendarFeed, TreatmentPlan
from clinic.adminhelpers import HistoryAdmin
from intake.adminhelpers import HealthFieldsAdminMixin


@admin.register(Appointment)
class AppointmentAdmin(HealthFieldsAdminMixin, HistoryAdmin):
    # A client's cancellation reason is their own words and may be about their health.
    health_fields = ("cancel_reason",)

    list_display = ["start", "client", "therapist", "service", "room", "status_label"]
    list_filter = ["status", "location", "therapist", "service"]
    search_fields = ["client__first_name", "client__last_name", "client__phone", "client__email"]
    list_select_related = ["client", "therapist__user", "service", "room__location", "location"]
    date_hierarchy = "start"
    # Times and rooms change through the booking pages, which re-check availability.
    readonly_fields = [
        "client",
        "therapist",
        "service",
        "room",
        "location",
        "plan",
        "plan_sequence",
        "is_reassessment",
        "start",
        "end",
        "blocked_until",
        "duration_minutes",
        "price",
        "created_by",
        "created_at",
        "cancelled_at",
        "cancelled_by",
        "reminder_sent_at",
        "checkin_confirmed_at",
    ]
    fieldsets = [
        (None, {"fields": ["client", "therapist", "service", "room", "location"]}),
        ("Time", {"fields": ["start", "end", "blocked_until", "duration_minutes", "price"]}),
        ("Plan", {"fields": ["plan", "plan_sequence", "is_reassessment"]}),
        (
            "Status",
            {"fields": ["status", "hold_code", "cancelled_at", "cancelled_by", "cancel_reason"]},
        ),
        ("Messages", {"fields": ["reminder_sent_at", "checkin_confirmed_at"]}),
        ("Record", {"fields": ["created_by", "created_at"]}),
    ]

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        return obj.get_status_display()

    def has_add_permission(self, request):
        return False


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(HealthFieldsAdminMixin, HistoryAdmin):
    """Plans; their notes are health data (shown and logged as intakes are)."""

    health_fields = ("notes",)
    list_display = ["client", "kind", "status", "service", "therapist", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["client__first_name", "client__last_name"]
    list_select_related = ["client", "service", "therapist__user"]
    raw_id_fields = ["client", "previous"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["therapist", "created_at", "revoked_at"]
    list_select_related = ["therapist__user"]
    readonly_fields = ["created_at"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected feeds")
    def revoke(self, request, queryset):
        for feed in queryset:
            feed.revoke()
