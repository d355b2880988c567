"""What nearly every page reads and staff change rarely, kept in the cache.

The main location (its clock and emergency numbers: the day on the booking page, an
article's tappable numbers), the bookable services and the active therapists (the
booking page's choices) are read from the cache, and read again from the database when
it has none. Saving or deleting a location, service, technique, therapist or user (not
a log-in's ``last_login`` stamp) forgets them all, in this process's cache and — when
``CACHE_URL`` names a shared cache (Redis, Memcached) — every worker's. With the default
per-process memory cache other workers see a change within ``TTL_SECONDS``. A bulk
``QuerySet.update()`` sends no signal: call ``forget()`` after one.

Each read returns fresh objects (the cache hands back a copy), so a caller may change
them without touching anyone else's. The therapists' users are read without their
password hash, which has no business in a cache.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from clinic.models import Location, Service, Technique, Therapist, User

TTL_SECONDS = 60
_KEYS = {
    "main_location": "clinic:cached:main-location:v1",
    "services": "clinic:cached:bookable-services:v1",
    "therapists": "clinic:cached:active-therapists:v1",
}
_NONE = "none"  # a cached "there is no active location"


def _read(name, load):
    found = cache.get(_KEYS[name])
    if found is None:
        found = load()
        cache.set(_KEYS[name], _NONE if found is None else found, TTL_SECONDS)
        return found
    return None if isinstance(found, str) and found == _NONE else found


def main_location() -> Location | None:
    """``Location.objects.main()``: the first active location, or None."""
    return _read("main_location", Location.objects.main)


def bookable_services() -> list[Service]:
    """Active services a client books on their own (not reassessments), with technique."""
    return _read(
        "services",
        lambda: list(
            Service.objects.active().filter(is_reassessment=False).select_related("technique")
        ),
    )


def active_therapists() -> list[Therapist]:
    """Active therapists of active accounts, with their users (no password hash)."""
    return _read(
        "therapists",
        lambda: list(Therapist.objects.active().select_related("user").defer("user__password")),
    )


def forget(**_kwargs) -> None:
    cache.delete_many(list(_KEYS.values()))


def _on_change(sender, instance=None, update_fields=None, **kwargs):
    if sender is User and update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a log-in: nothing cached here changes
    forget()


def connect() -> None:
    for model in (Location, Service, Technique, Therapist, User):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"clinic.cached.{model.__name__}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"clinic.cached.del.{model.__name__}"
        )
