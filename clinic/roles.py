"""Who is what: the one definition of each role check, and the role groups' permissions.

``is_desk`` and ``is_staff_booker`` are what views, forms and the admin ask. The other
functions set up the groups in data migrations: each app's data migration calls
``grant`` for the permissions its models add (they take the migration's ``apps``).
"""

from django.contrib.auth.management import create_permissions


def is_desk(user) -> bool:
    """Books and moves for any client and sees every schedule: front desk, clinic admins
    (owners included)."""
    return bool(user) and user.is_authenticated and (user.is_front_desk or user.is_clinic_admin)


def is_staff_booker(user) -> bool:
    """Books without the client's notice period or cancellation window: any staff role."""
    return bool(user) and user.is_authenticated and (user.is_therapist or is_desk(user))


def start_page(user) -> str:
    """The URL name each role starts from after logging in (``next`` aside).

    The owner and clinic admins with the back office go there; other clinic admins and
    front desk to the desk's day; therapists to their day; clients to their dashboard.
    Anyone else (no role yet) to the home page.
    """
    if not (user and user.is_authenticated):
        return "home"
    if user.is_superuser or (user.is_clinic_admin and user.is_staff):
        return "admin:index"
    if user.is_therapist:
        return "therapist_today"
    if is_desk(user):
        return "bookings:front_desk_day"
    if user.is_client:
        return "client_dashboard"
    return "home"


def ensure_permissions(apps):
    """Create every model permission now; Django would only do it after ``migrate``."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, role, permissions):
    """Give ``role`` the ``app_label.codename`` permissions (creating the group if needed)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ensure_permissions(apps)
    group, _ = Group.objects.get_or_create(name=role)
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, role, permissions):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=role).first()
    if group is None:
        return
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


def model_permissions(app_label, models, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


def is_staff_member(user) -> bool:
    """Reaches many clients' records, so signs in with a second step: any staff role, and
    anyone with the admin's staff flag or an owner."""
    return (
        bool(user)
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or is_staff_booker(user))
    )
