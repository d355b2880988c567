"""Deselect (never skip) tests that concern the other database.

`postgres_only` tests need PostgreSQL features (exclusion constraints, real parallel
writers, full-text ranking); `sqlite_only` tests concern SQLite's locking. Which one runs
follows DATABASE_URL, so a PostgreSQL run reports no skips.
"""

import os

import pytest


def _on_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://", "pgsql://")
    )


def pytest_collection_modifyitems(config, items):
    unwanted = "sqlite_only" if _on_postgres() else "postgres_only"
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker(unwanted) else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_configure(config):
    from django.conf import settings

    # Password hashing is deliberately slow; tests make many users and need no security.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _force_login_counts_as_two_step()


def verify_session(client, user):
    """Mark ``client``'s session as having entered ``user``'s two-step code, as the code
    page does: a confirmed authenticator device, named in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test device", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def _force_login_counts_as_two_step():
    """``client.force_login(staff)`` stands for a whole sign-in, the second step included,
    so the many tests of staff pages need not type codes. The two-step tests sign in with
    the password (``client.login`` or the log-in page) and prove staff then reach nothing
    without a code; ``force_login(user, verified=False)`` does the same in one step.
    """
    from django.test import Client

    if getattr(Client.force_login, "_verifies", False):
        return
    plain = Client.force_login

    def force_login(self, user, backend=None, verified=True):
        plain(self, user, backend)
        from clinic.roles import is_staff_member

        if verified and is_staff_member(user):
            verify_session(self, user)

    force_login._verifies = True
    Client.force_login = force_login


DATA_MIGRATION_APPS = ["clinic", "intake", "library", "bookings"]


def _replay_data_migrations():
    """Re-create what data migrations made: role groups, the catalog, topics, techniques.

    Transactional tests (real commits, a live server) end by emptying every table, so the
    next such test would find no role groups or catalog. Replaying each forward RunPython
    of our apps, in migration order, restores exactly what `migrate` made.

    The code runs against the migrations' own model state (the tables as they are now),
    as `migrate` runs it, never against the global app registry: the data migrations
    change the registry they are given (``clinic.roles.ensure_permissions``).
    """
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    apps = loader.project_state().apps
    plan = [
        key
        for key in loader.graph.leaf_nodes()
        if key[0] in DATA_MIGRATION_APPS
        for key in loader.graph.forwards_plan(key)
    ]
    seen = set()
    with connection.schema_editor(atomic=False) as schema_editor:
        for key in plan:
            if key in seen or key[0] not in DATA_MIGRATION_APPS:
                continue
            seen.add(key)
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, schema_editor)


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    from django.contrib.auth.models import Group
    from django.test import TestCase, TransactionTestCase

    cls = getattr(request.node, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        if issubclass(cls, TestCase):
            yield
            return
    else:
        marker = request.node.get_closest_marker("django_db")
        transactional = "live_server" in request.fixturenames or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if not transactional:
            yield
            return
        request.getfixturevalue("transactional_db")

    if not Group.objects.exists():
        _replay_data_migrations()
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _run_tasks_immediately(settings):
    """Background tasks run inline in tests; a test about the worker overrides this."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
