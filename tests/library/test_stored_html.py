"""An article's Markdown is rendered (and sanitised) once, when it is saved."""

import importlib
from datetime import UTC, datetime
from unittest import mock

import time_machine
from django.apps import apps
from django.urls import reverse

from library import rendering
from library.models import Article
from tests.base import ClinicTestCase
from tests.library.factories import make_article

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
class StoredHtmlTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(NOW, tick=False):
            cls.article = make_article(
                "Ice or heat",
                body="## When\n\nCall [[emergency_number]] now.\n\n<script>alert(1)</script>",
            )

    def test_saving_stores_sanitised_html_with_the_numbers_left_to_fill(self):
        stored = Article.objects.get(pk=self.article.pk).body_html
        self.assertIn("<h2>When</h2>", stored)
        self.assertNotIn("<script", stored)
        self.assertNotIn("999", stored)  # the number is filled in when shown
        self.assertIn(
            'Call <a href="tel:999">999</a> now.',
            Article.objects.get(pk=self.article.pk).rendered_body,
        )

    def test_the_page_shows_the_stored_html_without_rendering_markdown(self):
        url = reverse("library:article", args=[self.article.slug])
        with mock.patch.object(rendering.markdown, "markdown") as markdown:
            response = self.client.get(url)
        markdown.assert_not_called()
        self.assertContains(response, 'Call <a href="tel:999">999</a> now.')

    def test_a_new_number_shows_without_saving_the_article_again(self):
        self.location.emergency_number = "112"
        self.location.save()
        self.assertIn(
            'Call <a href="tel:112">112</a> now.',
            Article.objects.get(pk=self.article.pk).rendered_body,
        )

    def test_changing_the_body_renders_it_again(self):
        article = Article.objects.get(pk=self.article.pk)
        article.body = "Only **this**."
        # A preview of an unsaved change renders the new body.
        self.assertIn("<strong>this</strong>", article.rendered_body)
        article.save(update_fields=["body", "updated"])
        self.assertIn("<strong>this</strong>", Article.objects.get(pk=article.pk).body_html)

    def test_the_backfill_renders_articles_saved_before_the_field(self):
        Article.objects.filter(pk=self.article.pk).update(body_html="")
        migration = importlib.import_module("library.migrations.0008_render_article_bodies")
        migration.render_bodies(apps, None)
        self.assertIn("<h2>When</h2>", Article.objects.get(pk=self.article.pk).body_html)
