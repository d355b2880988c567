"""The clinic admins' back office: locations, rooms, services, therapists and their
timetables, and client records."""

from django.contrib import admin
from django.db.models import Count

from clinic.access import is_owner_account
from clinic.accounts import email_changed
from clinic.adminhelpers import HistoryAdmin, SafeRelatedFieldsMixin
from clinic.models import (
    AccountEvent,
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


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Location)
class LocationAdmin(HistoryAdmin):
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
class ServiceAdmin(HistoryAdmin):
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
class TherapistAdmin(SafeRelatedFieldsMixin, admin.ModelAdmin):
    list_display = ["name", "email", "registration_number", "technique_list", "active"]
    list_filter = ["active", "techniques", "locations"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "registration_number"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["techniques", "locations"]
    inlines = [WorkingHoursInline, TimeOffInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a therapist row (and its clients' trust) to another account is an owner's act.
        if obj is not None and not is_owner_account(request.user):
            return ["user"]
        return []

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
class ClientProfileAdmin(HistoryAdmin):
    list_display = ["full_name", "email", "phone", "has_account", "created_at"]
    list_select_related = ["user"]
    search_fields = ["first_name", "last_name", "email", "phone"]
    readonly_fields = ["public_id", "created_at", "created_by"]
    autocomplete_fields = ["user"]
    # The profile's history shows contact details only; reverting is switched off.
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

    def has_delete_permission(self, request, obj=None):
        # Deleting a profile deletes its health forms and visits: an owner's decision,
        # taken when closing a client's record.
        return is_owner_account(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Linking a profile to an account opens its health form to that account: only an
        # owner may, and it is logged. Everyone else links by the e-mailed invitation.
        fields = list(super().get_readonly_fields(request, obj))
        if not is_owner_account(request.user):
            fields.append("user")
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "user" in form.changed_data:
            before = form.initial.get("user")
            previous = User.objects.filter(pk=before).first() if before else None
            if previous is not None:
                AccountEvent.record(
                    actor=request.user,
                    target=previous,
                    action=AccountEvent.Action.PROFILE_UNLINKED,
                    detail=f"profile {obj.public_id}",
                )
            if obj.user_id:
                AccountEvent.record(
                    actor=request.user,
                    target=obj.user,
                    action=AccountEvent.Action.PROFILE_LINKED,
                    detail=f"profile {obj.public_id}",
                )
        if change and "email" in form.changed_data:
            email_changed(obj, old_email=form.initial.get("email", ""))
