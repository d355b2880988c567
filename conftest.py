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


@pytest.fixture(autouse=True)
def _run_tasks_immediately(settings):
    """Background tasks run inline in tests; a test about the worker overrides this."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
