"""Owners' back office: staff accounts, groups and permissions, and account events.

Every change of who may read health data is logged (DESIGN.md, "Who uses it").
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    ReadOnlyPasswordHashWidget,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.access import HEALTH_PERMISSION, is_owner_account
from clinic.adminhelpers import AccessibleAdmin
from clinic.models import AccountEvent, SignInEvent, User
from clinic.security import twofactor

# Devices hold the secrets that make codes: no admin page shows them. An owner resets a
# lost device with the user list's action instead.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


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


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    """The account's password summary as valid HTML: Django puts ``disabled`` on its
    ``<div>``, which only form controls may have (the field stays disabled), and
    ``aria-describedby`` naming a help text id the page never gives (the help text is
    shown beside it, for a ``<div>`` that is no input)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        context["widget"]["attrs"].pop("aria-describedby", None)
        return context


class AccountChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None:
            password.widget = PasswordHashWidget(attrs=password.widget.attrs)


class AccountPasswordForm(AdminPasswordChangeForm):
    # Django's admin shows this help text inside a <p>, where its <ul> is invalid HTML;
    # the warning keeps its id, which the page's style and script show and hide.
    usable_password_help_text = SetUnusablePasswordMixin.usable_password_help_text + (
        ' <span id="id_unusable_warning" class="warning">'
        "If disabled, the current password for this user will be lost.</span>"
    )


@admin.register(User)
class UserAdmin(OwnersOnlyChangeMixin, AccessibleAdmin, DjangoUserAdmin):
    """Owners manage accounts; clinic admins may only look (to pick a therapist's account)."""

    form = AccountChangeForm
    change_password_form = AccountPasswordForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "roles", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    actions = ["reset_two_factor"]
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

    @admin.action(
        description="Reset two-step sign-in (lost phone) and sign them out everywhere",
        permissions=["change"],
    )
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            ended = twofactor.reset(user, by=request.user, request=request)
            self.message_user(
                request,
                f"{user.email}: two-step sign-in reset, {ended} session(s) ended. They set up "
                "a new authenticator app at their next sign-in.",
                messages.SUCCESS,
            )

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
class GroupAdmin(OwnersOnlyChangeMixin, AccessibleAdmin, DjangoGroupAdmin):
    """Roles. The health-data permission is never a role's: it is granted person by person."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            app_label, codename = HEALTH_PERMISSION.split(".")
            kwargs["queryset"] = (
                Permission.objects.exclude(content_type__app_label=app_label, codename=codename)
                .select_related("content_type")
            )  # fmt: skip
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OwnersReadOnlyMixin:
    """A log for owners to read: nobody adds, changes or deletes a row."""

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


@admin.register(AccountEvent)
class AccountEventAdmin(OwnersReadOnlyMixin, AccessibleAdmin):
    """Who changed accounts, permissions and profile links: for owners to read."""

    list_display = ["at", "action", "target_email", "actor_email", "detail"]
    list_filter = ["action"]
    search_fields = ["target_email", "actor_email", "actor_name"]
    date_hierarchy = "at"
    fields = ["at", "action", "actor_name", "actor_email", "target_email", "detail"]
    readonly_fields = fields


@admin.register(SignInEvent)
class SignInEventAdmin(OwnersReadOnlyMixin, AccessibleAdmin):
    """Sign-ins, failures, lockouts and two-step events: for owners to read."""

    list_display = ["at", "kind", "email", "ip", "detail"]
    list_filter = ["kind"]
    search_fields = ["email", "ip"]
    date_hierarchy = "at"
    fields = ["at", "kind", "email", "ip", "user_agent", "detail"]
    readonly_fields = fields
