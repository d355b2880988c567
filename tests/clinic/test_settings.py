"""Settings are safe by default: these run the settings module in a clean environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': db['ENGINE'], "
    "'options': db.get('OPTIONS', {}), 'conn_max_age': db.get('CONN_MAX_AGE'), "
    "'health': db.get('CONN_HEALTH_CHECKS'), 'hosts': s.ALLOWED_HOSTS, "
    "'secure_cookie': s.SESSION_COOKIE_SECURE, 'ssl': s.SECURE_SSL_REDIRECT, "
    "'site_url': s.SITE_URL, 'from_request': s.SITE_URL_FROM_REQUEST, "
    "'tasks': s.TASKS['default']['BACKEND']}))"
)


def run_settings(**env):
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "ENV_FILE": "",  # ignore the developer's local .env
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_unless_set():
    result = run_settings(SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="clinic.example.com")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["secure_cookie"] is True
    assert loaded["ssl"] is True


def test_a_missing_secret_key_is_refused_outside_debug():
    result = run_settings(ALLOWED_HOSTS="clinic.example.com")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_weak_secret_key_is_refused_outside_debug():
    for weak in ["short", "django-insecure-" + "x" * 60, "a" * 60]:
        result = run_settings(SECRET_KEY=weak, ALLOWED_HOSTS="clinic.example.com")
        assert result.returncode != 0, weak
        assert "SECRET_KEY is too weak" in result.stderr


def test_allowed_hosts_are_required_outside_debug():
    result = run_settings(SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_needs_no_other_setting_and_uses_sqlite_with_immediate_transactions():
    result = run_settings(DEBUG="on")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is True
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["options"]["transaction_mode"] == "IMMEDIATE"
    assert loaded["options"]["timeout"] >= 20


def test_a_postgres_url_uses_psycopg_with_persistent_health_checked_connections():
    result = run_settings(
        DEBUG="on", DATABASE_URL="postgres://clinic:secret@db.internal:5432/clinic"
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["conn_max_age"] == 60
    assert loaded["health"] is True


def test_env_example_lists_every_variable_the_settings_read():
    import re

    settings_source = (ROOT / "clinic" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", example, flags=re.MULTILINE))
    assert read, "the pattern found no settings"
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"


def test_make_run_needs_no_worker_and_links_use_its_port():
    result = run_settings(DEBUG="on", PORT="8101")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["tasks"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert loaded["site_url"] == "http://127.0.0.1:8101"
    assert loaded["from_request"] is True


def test_production_uses_the_worker_and_the_configured_address():
    result = run_settings(
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="clinic.example.com",
        SITE_URL="https://clinic.example.com/",
        PORT="8101",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["tasks"] == "django_tasks_db.DatabaseBackend"
    assert loaded["site_url"] == "https://clinic.example.com"
    assert loaded["from_request"] is False


def test_an_explicit_tasks_backend_wins_in_debug():
    result = run_settings(DEBUG="on", TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    assert json.loads(result.stdout)["tasks"] == "django_tasks_db.DatabaseBackend"
