"""The page figures of ``manage.py bench``: requests per second under gunicorn.

Starts gunicorn on the benchmark database (debug off, as in production), logs in a
benchmark client and therapist, and puts ``concurrency`` clients on each page in turn,
``rounds`` times interleaved, with two references in every round: the trivial page
(``/healthz/``: plain text, no template, session or query) and the layout page
(``/healthz/page/``: ``base.html`` with its navigation and footer, no query). Each page
is reported as requests per second, as a share of both references' in the same run (the
aim, at least half, is judged against the layout page: the cost of any page of this
stack before its own work), and its 99th-percentile latency (the aim: under 150 ms on a
quiet machine). The load comes from ``hey`` when it is installed (Debian: ``apt-get
install hey``), else from a bounded Python generator (threads, one request at a time
each) that shares the machine's cores with the server, so it flatters the slow pages
less than it caps the fast one.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models.functions import Length
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import ClientProfile, Role, User
from clinic.roles import is_staff_member
from intake.models import Condition, Intake
from library.models import Article, Topic

ROOT = Path(settings.BASE_DIR)
PAGE_SHARE_AIM = 0.5
P99_AIM_MS = 150


@dataclass
class Figures:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)  # ms

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p99(self):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[max(int(len(ordered) * 0.99 + 0.5) - 1, 0)]


class PageLoad:
    def __init__(self, command, clinic, *, seconds, rounds, workers):
        self.out = command.stdout
        self.clinic = clinic
        self.seconds = seconds
        self.rounds = rounds
        self.workers = workers

    # --- What is loaded ------------------------------------------------------------

    def pages(self):
        """[(name, path, cookie)], the trivial page first."""
        clinic = self.clinic
        client_user = self.bench_client()
        therapist_user = clinic.solo.user
        therapist_user.groups.add(Group.objects.get(name=Role.THERAPIST))
        article = self.bench_article()
        day = clinic.first_day.isoformat()
        book = (
            f"{reverse('bookings:book')}?service={clinic.service.pk}"
            f"&therapist={clinic.solo.pk}&day={day}"
        )
        pages = [
            ("trivial page (/healthz/)", reverse("healthz"), None),
            ("layout page (/healthz/page/)", reverse("healthz_page"), None),
            ("booking slot page", book, self.cookie(client_user)),
            ("library home", reverse("library:home"), None),
            (
                "therapist's week",
                f"{reverse('bookings:therapist_week')}?date={day}",
                self.cookie(therapist_user),
            ),
        ]
        pages.insert(2, ("an article", article.get_absolute_url(), None))
        return pages

    @staticmethod
    def bench_article():
        """The longest published article, or a benchmark one of about 900 words."""
        article = (
            Article.objects.published().annotate(size=Length("body")).order_by("-size").first()
        )
        if article is not None:
            return article
        section = (
            "## Moving after a session\n\n"
            + "Gentle walking and a glass of water help the muscles settle after a massage. " * 8
            + "\n\n- Walk for ten minutes\n- Stretch slowly\n- Rest if it aches\n\n"
            + "If the pain is sudden and severe, call [[emergency_number]].\n\n"
        )
        article, _ = Article.objects.get_or_create(
            slug="bench-article",
            defaults={
                "title": "Benchmark article",
                "summary": "A long article for the page figures.",
                "body": section * 6,
                "topic": Topic.objects.order_by("pk").first(),
                "status": Article.Status.PUBLISHED,
                "publish_at": timezone.now() - timedelta(days=1),
            },
        )
        return article

    def bench_client(self):
        """A benchmark client whose health form is clear, so the page lists free times."""
        email = "booker@bench-pages.invalid"  # kept across runs
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, None, first_name="Bench", last_name="Booker")
            user.groups.add(Group.objects.get(name=Role.CLIENT))
        profile = ClientProfile.objects.filter(user=user).first()
        if profile is None:
            profile = ClientProfile.objects.create(
                user=user, first_name="Bench", last_name="Booker", email=email, reminders=False
            )
        if not profile.intakes.exists():
            today = timezone.localdate()
            intake = Intake.objects.create(
                client=profile,
                version=1,
                pain_onset=today - timedelta(days=60),
                pain_now=4,
                pain_worst=5,
                answers=dict.fromkeys(
                    Condition.objects.active().values_list("code", flat=True), False
                ),
                steps_done=Intake.STEP_CONSENT,
                pain_areas=["lower_back"],
                pain_character=["dull_ache"],
                likely_cause="posture",
                stress=3,
                sleep_quality=6,
                pressure_preference="medium",
                consent_text="I agree.",
                signature_name=profile.full_name,
                signed_on=today,
            )
            intake.complete(on=today)
        return user

    @staticmethod
    def cookie(user):
        """A signed-in session's cookie; a staff member's session has entered its
        two-step code too (a confirmed authenticator device named in the session, as
        the code page leaves it), or every staff page would send it to the code page."""
        browser = Client()
        browser.force_login(user)
        if is_staff_member(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="Bench device", confirmed=True)
            session = browser.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return (
            f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    # --- The server ----------------------------------------------------------------

    def server_env(self):
        env = dict(os.environ)
        env.update(
            {
                "DEBUG": "off",
                # The same key as this process: the sessions logged in here must hold there.
                "SECRET_KEY": settings.SECRET_KEY,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "off",
                "SECURE_HSTS_SECONDS": "0",
                "SESSION_COOKIE_SECURE": "off",
                "CSRF_COOKIE_SECURE": "off",
            }
        )
        return env

    def start(self, env):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "clinic.wsgi",
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(self.workers),
                "--log-level", "warning",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = _get(port, "/healthz/", None)
                if status == 200:
                    return server, port
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise RuntimeError("gunicorn did not answer within 60 seconds")

    # --- The load ------------------------------------------------------------------

    def run(self, concurrency):
        pages = self.pages()
        server, port = self.start(self.server_env())
        hey = shutil.which("hey")
        try:
            for name, path, cookie in pages:  # warm every worker, and check the page
                status, body = _get(port, path, cookie)
                if status != 200:
                    raise RuntimeError(f"{name} answered {status}: {body[:200]!r}")
                for _ in range(self.workers * 2):
                    _get(port, path, cookie)
            figures = {name: Figures() for name, _, _ in pages}
            for _ in range(self.rounds):
                for name, path, cookie in pages:
                    if hey:
                        one = _hey(hey, port, path, cookie, concurrency, self.seconds)
                    else:
                        one = _python_load(port, path, cookie, concurrency, self.seconds)
                    total = figures[name]
                    total.requests += one.requests
                    total.seconds += one.seconds
                    total.errors += one.errors
                    total.latencies += one.latencies
        finally:
            server.terminate()
            server.wait(timeout=30)
        self.report(pages, figures, concurrency, "hey" if hey else "Python threads")

    def report(self, pages, figures, concurrency, generator):
        load = os.getloadavg()
        self.out.write(
            f"\nPages under gunicorn ({self.workers} workers, debug off), {concurrency} "
            f"concurrent clients ({generator}), {self.rounds} rounds x {self.seconds:g} s per "
            f"page, interleaved; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
            f"on {os.cpu_count()} cores:"
        )
        trivial = figures[pages[0][0]].rate
        layout = figures[pages[1][0]].rate
        for name, _, _ in pages:
            row = figures[name]
            verdict = ""
            if name != pages[0][0]:
                share = row.rate / trivial if trivial else 0.0
                verdict = f"  {share:4.0%} of trivial"
            if name not in (pages[0][0], pages[1][0]):
                share = row.rate / layout if layout else 0.0
                aim = "ok" if share >= PAGE_SHARE_AIM else f"MISSED (aim {PAGE_SHARE_AIM:.0%})"
                verdict += f", {share:4.0%} of layout page: {aim}"
            p99 = "ok" if row.p99 < P99_AIM_MS else f"over {P99_AIM_MS} ms"
            errors = f"  {row.errors} errors" if row.errors else ""
            self.out.write(
                f"  {name:<28} {row.rate:8.1f} req/s  p99 {row.p99:7.1f} ms ({p99}){verdict}"
                f"{errors}"
            )


def _get(port, path, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = cookie
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _hey(hey, port, path, cookie, concurrency, seconds):
    command = [hey, "-z", f"{seconds:g}s", "-c", str(concurrency), "-disable-keepalive"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command += ["-o", "csv", f"http://127.0.0.1:{port}{path}"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    figures = Figures(seconds=elapsed)
    for line in result.stdout.splitlines()[1:]:
        parts = line.split(",")
        if len(parts) < 7 or not re.match(r"^[0-9.]+$", parts[0]):
            continue
        figures.requests += 1
        figures.latencies.append(float(parts[0]) * 1000)
        if parts[6].strip() != "200":
            figures.errors += 1
    return figures


def _python_load(port, path, cookie, concurrency, seconds):
    figures = Figures()
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client():
        mine, errors = [], 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status, _ = _get(port, path, cookie)
            except OSError:
                status = 0
            mine.append((time.perf_counter() - started) * 1000)
            errors += status != 200
        with lock:
            figures.latencies.extend(mine)
            figures.errors += errors

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = time.perf_counter() - started
    figures.requests = len(figures.latencies)
    return figures
