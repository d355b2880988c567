"""The pages people are served: every URL the URL walk (tests/test_url_walk.py) expects a
role to GET with a 200, with the walk's objects filled in. The browser accessibility walk
(tests/e2e/test_accessibility.py) and the HTML check (tests/test_valid_html.py) load them."""

from __future__ import annotations

from collections.abc import Iterator

from django.test import Client

from tests import test_url_walk as walk

# Responses that are not HTML pages: files, feeds, scripts, JSON, the plain-text health check.
NOT_PAGES = {
    "bookings:feed",
    "intake:document",
    "admin:jsi18n",
    "admin:autocomplete",
    "healthz",
}


class World(walk.UrlWalkTests):
    """The URL walk's clinic and its URLs; build it with ``World.build()``."""

    __test__ = False

    @classmethod
    def build(cls) -> World:
        """Create the walk's data in the current test's database (inside its time travel)."""
        cls.setUpTestData()
        # A link the sanitiser strips: its page must still be valid HTML.
        cls.article.body += "\n\nA [link to nowhere](javascript:alert(1)) in the text.\n"
        cls.article.save()
        world = cls()
        world.filled_urls = {}
        world.client = Client()
        return world


def pages_for(world: World, role: str) -> Iterator[tuple[str, str]]:
    """(URL name, URL) of each page ``role`` may GET, each URL once."""
    seen = set()
    for name, method, pattern, model, expected in world.cells(role):
        if method != "get" or expected != 200 or name in NOT_PAGES:
            continue
        url = world.url_for(name, pattern, model)
        if url not in seen:
            seen.add(url)
            yield name, url
