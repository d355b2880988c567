from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Count

from clinic.access import HEALTH_PERMISSION, is_owner_account
from clinic.accounts import email_changed
from clinic.adminhelpers import HistoryAdmin
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


class OwnersOnlyChangeMixin:
    """Only owners (superusers) add, change or delete, whatever permissions say.

    Accounts, roles and permissions decide who reads health data: a permission a clinic
    admin could grant itself would be no protection (issue 8).
    """

    def has_add_permission(self, request, *args):
        return is_owner_account(request.user)

    def has_change_permission(self, request, obj=None):
        return is_owner_account(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_owner_account(request.user)


def _access_state(user):
    """What an account can do that matters for health data, read fresh from the database."""
    user = User.objects.get(pk=user.pk)
    return {
        "health": user.is_active and user.has_perm(HEALTH_PERMISSION),
        "owner": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def log_access_changes(*, actor, target, before, after):
    """One AccountEvent per change of health access, owner status, roles or permissions."""
    Action = AccountEvent.Action
    if before["health"] != after["health"]:
        action = Action.HEALTH_GRANTED if after["health"] else Action.HEALTH_REMOVED
        AccountEvent.record(actor=actor, target=target, action=action)
    if before["owner"] != after["owner"]:
        action = Action.OWNER_GRANTED if after["owner"] else Action.OWNER_REMOVED
        AccountEvent.record(actor=actor, target=target, action=action)
    if before["groups"] != after["groups"]:
        AccountEvent.record(
            actor=actor,
            target=target,
            action=Action.GROUPS_CHANGED,
            detail=f"{', '.join(before['groups']) or 'none'} → {', '.join(after['groups']) or 'none'}",
        )
    if before["permissions"] != after["permissions"]:
        added = sorted(set(after["permissions"]) - set(before["permissions"]))
        removed = sorted(set(before["permissions"]) - set(after["permissions"]))
        AccountEvent.record(
            actor=actor,
            target=target,
            action=Action.PERMISSIONS_CHANGED,
            detail=f"added: {', '.join(added) or 'none'}; removed: {', '.join(removed) or 'none'}",
        )


@admin.register(User)
class UserAdmin(OwnersOnlyChangeMixin, DjangoUserAdmin):
    """Owners manage accounts; clinic admins may only look (to pick a therapist's account)."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "roles", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        (
            "Roles and access",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "Only owners change these. “Can see every client's health "
                "data” is given to a person, never to a role; each grant and removal is "
                "logged under Account events.",
            },
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

    def save_model(self, request, obj, form, change):
        request._access_before = _access_state(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_access_before", None) or {
            "health": False, "owner": False, "groups": [], "permissions": []
        }  # fmt: skip
        log_access_changes(
            actor=request.user, target=form.instance, before=before,
            after=_access_state(form.instance),
        )  # fmt: skip

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            AccountEvent.record(
                actor=request.user,
                target=User.objects.filter(pk=id).first(),
                action=AccountEvent.Action.PASSWORD_SET,
            )
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(OwnersOnlyChangeMixin, DjangoGroupAdmin):
    """Roles. The health-data permission is never a role's: it is granted person by person."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            app_label, codename = HEALTH_PERMISSION.split(".")
            kwargs["queryset"] = (
                Permission.objects.exclude(content_type__app_label=app_label, codename=codename)
                .select_related("content_type")
            )  # fmt: skip
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """Who changed accounts, permissions and profile links: for owners to read."""

    list_display = ["at", "action", "target_email", "actor_email", "detail"]
    list_filter = ["action"]
    search_fields = ["target_email", "actor_email", "actor_name"]
    date_hierarchy = "at"
    fields = ["at", "action", "actor_name", "actor_email", "target_email", "detail"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return is_owner_account(request.user)

    def has_view_permission(self, request, obj=None):
        return is_owner_account(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class TherapistAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "technique_list", "active"]
    list_filter = ["active", "techniques", "locations"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
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
