"""Loading the starter articles from Markdown files with a front-matter block."""

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import time_machine
from django.test import TestCase

from clinic.models import Role
from library.demo import CONTENT_DIR, ContentError, parse_article, seed
from library.models import Article, Topic
from tests.base import make_user

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

WATER = """---
title: Water after massage: why it helps
slug: water-after-massage
topic: aftercare            # one of the topic slugs
summary: A glass of water and a gentle walk.
tags: aftercare, Acute, chronic
reviewed: 2028-02-29
---
## Drink some water

Most people feel thirsty after a massage.
"""

HEAT = """---
title: Heat packs
slug: heat-packs
topic: self-care-at-home
summary: Warmth for stiff muscles.
tags: chronic, self_care
reviewed: 2026-01-15
---
Use a warm (not hot) pack for 15 minutes.
"""


@time_machine.travel(NOW, tick=False)
class ContentLoaderTests(TestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (self.folder / "water-after-massage.md").write_text(WATER, encoding="utf-8")
        (self.folder / "heat-packs.md").write_text(HEAT, encoding="utf-8")
        (self.folder / "notes.txt").write_text("not an article", encoding="utf-8")

    def test_every_file_becomes_a_published_article_with_its_review_dates(self):
        created = seed(folder=self.folder)
        self.assertEqual(
            created,
            ["library article: Heat packs", "library article: Water after massage: why it helps"],
        )
        water = Article.objects.get(slug="water-after-massage")
        self.assertEqual(water.title, "Water after massage: why it helps")
        self.assertEqual(water.topic.slug, "aftercare")
        self.assertEqual(water.summary, "A glass of water and a gentle walk.")
        self.assertEqual(
            water.body, "## Drink some water\n\nMost people feel thirsty after a massage.\n"
        )
        self.assertEqual(water.status, Article.Status.PUBLISHED)
        self.assertEqual(water.publish_at, NOW)
        self.assertEqual(water.last_reviewed, date(2028, 2, 29))
        self.assertEqual(water.next_review_due, date(2029, 2, 28))
        self.assertEqual(
            sorted(water.tags.values_list("name", flat=True)), ["acute", "aftercare", "chronic"]
        )
        heat = Article.objects.get(slug="heat-packs")
        self.assertEqual(heat.next_review_due, date(2027, 1, 15))
        self.assertEqual(list(Article.objects.published()), [heat, water])

    def test_a_second_run_changes_nothing(self):
        seed(folder=self.folder)
        Article.objects.filter(slug="heat-packs").update(summary="Edited by staff.")
        self.assertEqual(seed(folder=self.folder), [])
        self.assertEqual(Article.objects.count(), 2)
        self.assertEqual(Article.objects.get(slug="heat-packs").summary, "Edited by staff.")

    def test_the_author_is_the_first_clinic_admin(self):
        make_user("therapist@example.com", Role.THERAPIST)
        first_admin = make_user("first-admin@example.com", Role.CLINIC_ADMIN, is_staff=True)
        make_user("second-admin@example.com", Role.CLINIC_ADMIN, is_staff=True)
        seed(folder=self.folder)
        self.assertEqual(set(Article.objects.values_list("author", flat=True)), {first_admin.pk})

    def test_without_a_clinic_admin_there_is_no_author(self):
        seed(folder=self.folder)
        self.assertEqual(set(Article.objects.values_list("author", flat=True)), {None})

    def test_an_unknown_topic_stops_the_load_and_names_the_file(self):
        (self.folder / "odd.md").write_text(
            HEAT.replace("self-care-at-home", "odd").replace("heat-packs", "odd")
        )
        with self.assertRaisesMessage(ContentError, "odd.md: unknown topic 'odd'."):
            seed(folder=self.folder)
        self.assertEqual(Article.objects.count(), 0)

    def test_a_missing_folder_loads_nothing(self):
        self.assertEqual(seed(folder=self.folder / "missing"), [])


class FrontMatterTests(TestCase):
    def test_a_file_without_front_matter_is_refused(self):
        with self.assertRaisesMessage(ContentError, "x.md: the file must start with"):
            parse_article("# Just a heading\n", source="x.md")

    def test_front_matter_without_an_end_is_refused(self):
        with self.assertRaisesMessage(ContentError, "no closing ---"):
            parse_article("---\ntitle: A\n", source="x.md")

    def test_missing_keys_are_named(self):
        with self.assertRaisesMessage(ContentError, "x.md: missing summary, reviewed"):
            parse_article(
                "---\ntitle: A\nslug: a\ntopic: aftercare\ntags: a\n---\nBody", source="x.md"
            )

    def test_a_bad_review_date_is_refused(self):
        text = HEAT.replace("2026-01-15", "15/01/2026")
        with self.assertRaisesMessage(ContentError, "reviewed must be a date"):
            parse_article(text, source="x.md")

    def test_a_line_that_is_not_key_and_value_is_refused_with_its_number(self):
        with self.assertRaisesMessage(ContentError, "x.md, line 3: expected 'key: value'"):
            parse_article("---\ntitle: A\nno colon here\n---\n", source="x.md")


class StarterContentTests(TestCase):
    """The real files in library/content, whoever writes them, must load."""

    def test_every_starter_article_parses_and_names_a_known_topic(self):
        topics = set(Topic.objects.values_list("slug", flat=True))
        for path in sorted(CONTENT_DIR.glob("*.md")):
            with self.subTest(file=path.name):
                meta, body = parse_article(path.read_text(encoding="utf-8"), source=path.name)
                self.assertEqual(meta["slug"], path.stem)
                self.assertIn(meta["topic"], topics)
                self.assertTrue(meta["tags"])
                self.assertGreater(len(body.split()), 100)

    def test_the_starter_articles_load_as_published_articles(self):
        files = sorted(CONTENT_DIR.glob("*.md"))
        created = seed()
        self.assertEqual(len(created), len(files))
        self.assertEqual(Article.objects.published().count(), len(files))
        self.assertEqual(seed(), [])
