"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

A failing test leaves a screenshot and the HTML of every page it had open in
``test-artifacts/`` (git-ignored; ``E2E_ARTIFACTS`` moves it) and prints their paths.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.base import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(
    os.environ.get("E2E_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts"
)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        # CI installs Chromium and refuses skips, so there these always run.
        pytest.skip("Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH)")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_extra_contexts(request):
    """Contexts a test opened itself close after it, passed or failed (after the failure
    hook has saved their pages), so the next test's artifacts show only its own pages."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture
def page(browser):
    # en-US fixes the order a date field takes typed digits in (month, day, year).
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def save_artifacts(browser, name):
    """A screenshot and the HTML of every open page; the paths saved."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[-120:]
    saved = []
    pages = [page for context in browser.contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        base = ARTIFACTS / (stem if len(pages) == 1 else f"{stem}-{number}")
        try:
            page.screenshot(path=f"{base}.png", full_page=True, timeout=5_000)
            saved.append(f"{base}.png")
        except Exception as error:  # a crashed page still gets its HTML saved if it can
            saved.append(f"(no screenshot: {error.__class__.__name__})")
        try:
            Path(f"{base}.html").write_text(
                f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8"
            )
            saved.append(f"{base}.html")
        except Exception as error:
            saved.append(f"(no HTML: {error.__class__.__name__})")
    return saved


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing test, save what the browser showed, while its pages are still open."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    browser = item.funcargs.get("browser")
    if browser is None:
        return
    saved = save_artifacts(browser, item.nodeid)
    if saved:
        text = "\n".join(saved)
        report.sections.append(("Browser screenshots and HTML", text))
        # Also on the terminal, so CI's log shows where they are even with -q.
        reporter = item.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"\nBrowser artifacts for {item.nodeid}:\n{text}")


# --- Logging in ---------------------------------------------------------------------------


def log_in(page, base, email, password=PASSWORD):
    """Log in through the log-in page, as anyone does, and wait to leave it."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_in_staff(page, base, user, password=PASSWORD):
    """Every staff log-in (therapists, front desk, admins, owners) goes through here.

    Staff sign in with the password and then a code from their authenticator app: the
    user is given an app with the demo's secret (the code is worked out as the app
    would), and the code page is filled in as a person does.
    """
    from base64 import b32decode

    import pyotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clinic.demo import DEMO_TOTP_SECRET
    from clinic.security.twofactor import APP_DEVICE_NAME

    key = b32decode(DEMO_TOTP_SECRET).hex()
    # last_t: a code already used is refused, so a second log-in within 30 s starts fresh.
    TOTPDevice.objects.update_or_create(
        user=user,
        name=APP_DEVICE_NAME,
        defaults={"key": key, "confirmed": True, "last_t": -1},
    )
    log_in(page, base, user.email, password)
    page.wait_for_url("**/accounts/two-factor/code/**")
    page.fill("#id_code", pyotp.TOTP(DEMO_TOTP_SECRET).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)


# --- A small clinic and its clock ----------------------------------------------------------

EVERY_DAY = [(day, "08:00", "20:00") for day in range(7)]


@pytest.fixture
def clinic_time():
    """The clinic's clock at 09:00 on the next Wednesday, ticking from there.

    Forward of the real time, so the browser's cookies (dated by the server) stay
    fresh; the same weekday and hour every run, so free times and the cancellation
    window fall the same way.
    """
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    import time_machine

    london = ZoneInfo("Europe/London")
    now = datetime.now(london)
    wednesday = now.date() + timedelta(days=(2 - now.weekday()) % 7 or 7)
    start = datetime.combine(wednesday, datetime.min.time(), london).replace(hour=9)
    with time_machine.travel(start, tick=True):
        yield start


@pytest.fixture
def clinic(db):
    """One location with a room, a 60-minute Swedish massage (and the plan's
    reassessment), and Theo, who works 08:00 to 20:00 every day."""
    from types import SimpleNamespace

    from clinic.models import Room
    from tests.base import make_location, make_service, make_therapist

    location = make_location(min_notice_hours=0, emergency_number="999")
    room = Room.objects.create(location=location, name="Room 1")
    service = make_service("Swedish massage", "swedish", minutes=60, buffer=15)
    make_service("Reassessment visit", "swedish", minutes=30, buffer=15, is_reassessment=True)
    therapist = make_therapist(location=location, techniques=["swedish"], hours=EVERY_DAY)
    return SimpleNamespace(location=location, room=room, service=service, therapist=therapist)
