"""What a failing browser test leaves behind: a screenshot and the HTML of each open page."""

from pathlib import Path

import pytest

from tests.e2e import conftest


@pytest.mark.django_db(transaction=True)
def test_a_failure_saves_a_screenshot_and_the_html_of_each_open_page(
    live_server, page, tmp_path, monkeypatch
):
    monkeypatch.setattr(conftest, "ARTIFACTS", tmp_path / "artifacts")
    page.goto(f"{live_server.url}/accounts/login/")

    saved = conftest.save_artifacts(page.context.browser, "tests/e2e/x.py::test_y")

    assert [Path(p).name for p in saved] == [
        "tests_e2e_x.py_test_y.png",
        "tests_e2e_x.py_test_y.html",
    ]
    assert Path(saved[0]).read_bytes().startswith(b"\x89PNG")
    html = Path(saved[1]).read_text()
    assert "/accounts/login/" in html.splitlines()[0]
    assert "Log in" in html
