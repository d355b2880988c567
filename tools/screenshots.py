"""Screenshots of the main pages per role, at phone (375 px) and desktop (1280 px) width.

    make screenshots        (or: python tools/screenshots.py [--out docs/screenshots])

Builds a throwaway demo clinic (a fresh SQLite file, ``seed_demo``), serves it with
``runserver`` on a free port, logs in as each demo account through the log-in page and
saves each page as ``<role>-<page>-<phone|desktop>.png``, palette-compressed. Nothing
touches your own database. Chromium: ``CHROMIUM_PATH`` or /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"phone": (375, 740), "desktop": (1280, 860)}

# (role, demo log-in or None, [(name, path)]); "{client}" is the demo client's chart id.
PAGES = [
    ("visitor", None, [("home", "/"), ("library", "/library/")]),
    (
        "client",
        "client@example.com",
        [
            ("dashboard", "/dashboard/"),
            ("health-form", "/intake/"),
            ("book", "/bookings/"),
            ("plan", "/bookings/plans/new/"),
            ("appointments", "/bookings/mine/"),
        ],
    ),
    (
        "therapist",
        "therapist@example.com",
        [
            ("today", "/today/"),
            ("week", "/bookings/week/"),
            ("reviews", "/intake/review/"),
            ("chart", "/bookings/clients/{client}/chart/"),
        ],
    ),
    (
        "desk",
        "frontdesk@example.com",
        [("day", "/bookings/desk/"), ("clients", "/clients/"), ("new-client", "/clients/new/")],
    ),
    (
        "admin",
        "admin@example.com",
        [("back-office", "/admin/"), ("articles", "/admin/library/article/")],
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_env(workdir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "ENV_FILE": "",
        "DEBUG": "on",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver stopped (exit {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"runserver did not answer at {url} within {timeout:.0f}s.")


def compress(png: bytes) -> bytes:
    """A 256-colour palette PNG: a fraction of the size, and the pages look the same."""
    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB")
    out = BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def shoot(base: str, out: Path, client_id: str, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for role, email, pages in PAGES:
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, reduced_motion="reduce"
                )
                page = context.new_page()
                page.set_default_timeout(20_000)
                if email:
                    page.goto(f"{base}/accounts/login/")
                    page.fill("#id_username", email)
                    page.fill("#id_password", password)
                    page.get_by_role("button", name="Log in").click()
                    page.wait_for_url(lambda url: "/accounts/login/" not in url)
                for name, path in pages:
                    response = page.goto(base + path.format(client=client_id))
                    if response is None or response.status >= 400:
                        status = response.status if response else "no answer"
                        raise SystemExit(f"{role} {path}: {status}")
                    target = out / f"{role}-{name}-{width_name}.png"
                    target.write_bytes(compress(page.screenshot(full_page=False)))
                    saved.append(target)
                context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        raise SystemExit("Chromium is not installed: apt-get install chromium (or CHROMIUM_PATH).")

    with tempfile.TemporaryDirectory(prefix="clinic-screens-") as tmp:
        port = free_port()
        env = demo_env(Path(tmp), port)
        print("Building the demo clinic in a throwaway database...")
        manage(env, "migrate", "--noinput", "-v0")
        seeded = manage(env, "seed_demo")
        found = re.search(r"password for all: (\S+?)\)", seeded)
        if not found:
            raise SystemExit("seed_demo did not print the demo password.")
        client_id = (
            manage(
                env,
                "shell",
                "-c",
                "from clinic.models import ClientProfile; "
                "print('client-id', ClientProfile.objects.get(user__email='client@example.com').pk)",
            )
            .split("client-id ")[-1]
            .split()[0]
        )
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/", server)
            saved = shoot(base, out, client_id, found.group(1))
        finally:
            server.terminate()
            server.wait(timeout=10)
    total = sum(path.stat().st_size for path in saved)
    print(f"Saved {len(saved)} screenshots ({total // 1024} KB) in {out}")


if __name__ == "__main__":
    main()
