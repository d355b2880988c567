"""Every active catalog code has reading: a client flagged for it is offered an article.

Reading lists match articles by tag. A code no published article is tagged for gives a
client with that flag nothing to read about it, so each active code of the catalog must
be tagged on at least one starter article, and that article must not be ruled out for
the very client it is about (its "not for" list, or a red flag's seek-care rule).
"""

from django.test import TestCase

from intake.catalog import SEED_CATALOG
from intake.models import Condition
from intake.screening import OUTCOME_BY_CATEGORY
from library.demo import seed
from library.models import Article
from library.reading import reading_list


class CatalogCoverageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()

    def test_the_live_catalog_is_the_seed_catalog(self):
        # The rows below come from the database; make sure the migration seeded them all.
        self.assertEqual(
            set(Condition.objects.active().values_list("code", flat=True)),
            {entry.code for entry in SEED_CATALOG},
        )

    def test_every_active_code_has_a_published_article_tagged_for_it(self):
        published = Article.objects.published()
        missing = [
            code
            for code in Condition.objects.active().values_list("code", flat=True)
            if not published.filter(tags__name=code).exists()
        ]
        self.assertEqual(missing, [], "catalog codes no published article is tagged for")

    def test_a_client_with_only_that_flag_is_offered_reading_about_it(self):
        for code, category in Condition.objects.active().values_list("code", "category"):
            with self.subTest(code=code):
                found = reading_list(
                    [code], flags=[code], outcome=OUTCOME_BY_CATEGORY[category], limit=5
                )
                self.assertTrue(found, f"nothing to read for a client flagged {code}")
                for article in found:
                    self.assertIn(code, article.tags.values_list("name", flat=True))
