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
def _run_tasks_immediately(settings):
    """Background tasks run inline in tests; a test about the worker overrides this."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
