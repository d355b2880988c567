from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from clinic.models import (
    ClientProfile,
    Closure,
    Location,
    Room,
    Service,
    Technique,
    Therapist,
    TimeOff,
    User,
    WorkingHours,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "roles", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        (
            "Roles and access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "phone",
        "time_zone",
        "cancellation_cutoff_hours",
        "slot_step_minutes",
        "active",
    ]
    list_filter = ["active", "time_zone"]
    search_fields = ["name", "address"]
    inlines = [RoomInline, ClosureInline]
    fieldsets = (
        (None, {"fields": ("name", "address", "phone", "email", "active")}),
        (
            "Time and emergencies",
            {"fields": ("time_zone", "emergency_number", "urgent_advice_number")},
        ),
        (
            "Booking rules",
            {
                "fields": (
                    "slot_step_minutes",
                    "min_notice_hours",
                    "booking_horizon_days",
                    "cancellation_cutoff_hours",
                )
            },
        ),
    )


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["location", "start_date", "end_date", "reason"]
    list_filter = ["location"]
    list_select_related = ["location"]
    date_hierarchy = "start_date"
    search_fields = ["reason"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "active"]
    list_filter = ["location", "active"]
    list_select_related = ["location"]
    search_fields = ["name"]


@admin.register(Technique)
class TechniqueAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "service_count"]
    prepopulated_fields = {"code": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_services=Count("services"))

    @admin.display(description="services", ordering="_services")
    def service_count(self, obj):
        return obj._services


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "technique",
        "duration_minutes",
        "buffer_minutes",
        "price",
        "is_reassessment",
        "active",
    ]
    list_filter = ["active", "technique", "is_reassessment"]
    list_editable = ["active"]
    list_select_related = ["technique"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["rooms"]
    actions = ["activate", "deactivate"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "technique", "description", "active")}),
        (
            "Time and price",
            {"fields": ("duration_minutes", "buffer_minutes", "price", "is_reassessment")},
        ),
        ("Rooms", {"fields": ("rooms",)}),
    )

    @admin.action(description="Offer the selected services")
    def activate(self, request, queryset):
        updated = queryset.update(active=True)
        self.message_user(request, f"{updated} service(s) offered.")

    @admin.action(description="Stop offering the selected services")
    def deactivate(self, request, queryset):
        updated = queryset.update(active=False)
        self.message_user(request, f"{updated} service(s) withdrawn; existing bookings stay.")


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0
    fields = ["location", "weekday", "start_time", "end_time", "valid_from", "valid_until"]


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "technique_list", "active"]
    list_filter = ["active", "techniques", "locations"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["techniques", "locations"]
    inlines = [WorkingHoursInline, TimeOffInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("techniques")

    @admin.display(description="name", ordering="user__last_name")
    def name(self, obj):
        return str(obj)

    @admin.display(description="e-mail", ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="techniques")
    def technique_list(self, obj):
        return ", ".join(t.name for t in obj.techniques.all())


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = [
        "therapist",
        "weekday",
        "start_time",
        "end_time",
        "location",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["location", "weekday", "therapist"]
    list_select_related = ["therapist__user", "location"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["therapist", "start", "end", "reason"]
    list_filter = ["therapist"]
    list_select_related = ["therapist__user"]
    date_hierarchy = "start"


@admin.register(ClientProfile)
class ClientProfileAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "email", "phone", "has_account", "created_at"]
    list_select_related = ["user"]
    search_fields = ["first_name", "last_name", "email", "phone"]
    readonly_fields = ["public_id", "created_at", "created_by"]
    autocomplete_fields = ["user"]
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "date_of_birth", "email", "phone", "user")}),
        ("Emergency contact", {"fields": ("emergency_contact_name", "emergency_contact_phone")}),
        (
            "Physician",
            {
                "fields": (
                    "physician_name",
                    "physician_practice",
                    "physician_phone",
                    "physician_email",
                )
            },
        ),
        ("Preferences", {"fields": ("contact_by_email", "contact_by_phone", "reminders")}),
        ("Record", {"fields": ("public_id", "created_at", "created_by")}),
    )

    @admin.display(description="account", boolean=True)
    def has_account(self, obj):
        return obj.user_id is not None
