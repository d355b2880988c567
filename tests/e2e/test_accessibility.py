"""Every page of every role, in Chromium, at phone and desktop width, checked by axe-core.

The pages are the URL walk's (tests/served_pages.py): every URL tests/test_url_walk.py
expects a role to GET with a 200, with the same objects filled in — Ann's health form, plan, visit and
next appointment, every admin changelist and change form. A new URL is covered the day
the walk learns what each role may get. Each page must have no "critical" or "serious"
axe violation and must not need sideways scrolling at 375 px; every failure is printed as
a count per rule, with the pages it was found on.

While fixing, ``A11Y_ROLES=desk,carer`` checks only those roles and ``A11Y_LINES=40``
prints up to 40 pages per rule.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client, override_settings

from tests import test_url_walk as walk
from tests.served_pages import World, pages_for

WIDTHS = {"phone": (375, 740), "desktop": (1280, 900)}
BLOCKING = {"critical", "serious"}


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.every_page
@pytest.mark.django_db(transaction=True)
@override_settings(MEDIA_ROOT=walk.MEDIA_ROOT)
def test_every_page_of_every_role_passes_axe_at_phone_and_desktop_width(live_server, browser):
    axe = Axe()
    failures: dict[str, list[str]] = defaultdict(list)
    counts: Counter[str] = Counter()
    checked = 0
    with time_machine.travel(walk.NOW, tick=True):
        world = World.build()
        roles = (
            os.environ.get("A11Y_ROLES", "").split(",")
            if os.environ.get("A11Y_ROLES")
            else walk.ROLES
        )
        for role in roles:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            user = world.users[role]
            if user is not None:
                client = Client()
                client.force_login(user)
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": session,
                            "url": live_server.url,
                        }
                    ]
                )
            page = context.new_page()
            page.set_default_timeout(15_000)
            for name, url in pages_for(world, role):
                for width_name, (width, height) in WIDTHS.items():
                    page.set_viewport_size({"width": width, "height": height})
                    response = page.goto(f"{live_server.url}{url}")
                    where = f"{role} {width_name} {url} ({name})"
                    if response is None or response.status != 200:
                        status = response.status if response else "no response"
                        failures["status"].append(f"{where}: {status}")
                        continue
                    checked += 1
                    results = axe.run(page).response
                    for violation in results["violations"]:
                        if violation["impact"] in BLOCKING:
                            rule = f"{violation['impact']} {violation['id']}"
                            counts[rule] += len(violation["nodes"])
                            targets = sorted({str(n["target"]) for n in violation["nodes"]})
                            failures[rule].append(f"{where}: {' '.join(targets[:6])}")
                    if width_name == "phone":
                        extra = overflow(page)
                        if extra > 0:
                            failures["sideways scrolling at 375 px"].append(f"{where}: {extra}px")
            context.close()
    report = [f"{checked} page checks"]
    for rule, where in sorted(failures.items()):
        report.append(f"{rule}: {counts.get(rule, len(where))} nodes on {len(where)} pages")
        report.extend(f"    {line}" for line in where[: int(os.environ.get("A11Y_LINES", 15))])
    print("\n".join(report))
    assert not failures, "\n".join(report)
