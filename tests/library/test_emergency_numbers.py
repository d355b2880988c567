"""Articles use the clinic's configured emergency numbers, never one country's.

The outcome page shows Location.emergency_number and urgent_advice_number; articles
write [[emergency_number]] and [[urgent_advice_number]] and get the same numbers.
"""

import re

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from clinic.models import Location
from library.demo import CONTENT_DIR, parse_article
from library.rendering import fill_placeholders, render_markdown
from tests.base import make_location
from tests.library.factories import make_article

BODY = (
    "## Call [[emergency_number]] now\n\n"
    "In an emergency call **[[emergency_number]]**. For advice, call [[ urgent_advice_number ]]."
)


class PlaceholderTests(SimpleTestCase):
    def test_the_numbers_replace_the_placeholders_in_headings_and_text(self):
        html = render_markdown(
            BODY, numbers={"emergency_number": "911", "urgent_advice_number": ""}
        )

        self.assertIn('<h2>Call <a href="tel:911">911</a> now</h2>', html)
        self.assertIn('call <strong><a href="tel:911">911</a></strong>', html)
        self.assertIn("call your doctor or local urgent care service.", html)
        self.assertNotIn("[[", html)

    def test_without_a_location_the_text_says_your_local_emergency_number(self):
        html = render_markdown(BODY)

        self.assertIn("Call your local emergency number now", html)

    def test_a_number_cannot_add_markup_a_link_scheme_or_markdown(self):
        numbers = {
            "emergency_number": '<script>alert(1)</script>"',
            "urgent_advice_number": "javascript:alert(1)",
        }

        html = render_markdown(
            "[call]([[urgent_advice_number]]) [[emergency_number]]", numbers=numbers
        )

        self.assertNotIn("<script", html)
        self.assertNotIn("javascript:", html)
        self.assertNotIn('"alert', html)

    def test_numbers_become_tappable_links_but_never_inside_a_link_or_an_attribute(self):
        numbers = {"emergency_number": "+1 911", "urgent_advice_number": "111"}
        html = render_markdown(
            "[ring [[emergency_number]]](https://example.com/[[urgent_advice_number]]) "
            "or [[urgent_advice_number]]",
            numbers=numbers,
        )
        self.assertIn('<a href="https://example.com/111"', html)
        self.assertIn(">ring +1 911</a>", html)
        self.assertIn('or <a href="tel:111">111</a>', html)
        self.assertNotIn("zqtel", html)

    def test_a_number_with_spaces_and_a_plus_sign_is_kept(self):
        self.assertEqual(
            fill_placeholders("[[emergency_number]]", {"emergency_number": "+44 20 7946"}),
            "+44 20 7946",
        )

    def test_an_unknown_placeholder_is_left_as_written(self):
        self.assertEqual(fill_placeholders("[[fax_number]]", {}), "[[fax_number]]")


class ArticlePageNumbersTests(TestCase):
    def test_the_article_page_shows_the_main_locations_numbers(self):
        make_location(emergency_number="911", urgent_advice_number="")
        article = make_article("Warning signs", body=BODY)

        response = self.client.get(reverse("library:article", args=[article.slug]))

        self.assertContains(response, '<h2>Call <a href="tel:911">911</a> now</h2>', html=True)
        self.assertNotContains(response, "999")
        self.assertNotContains(response, "[[")

    def test_the_first_active_location_decides_as_on_the_outcome_page(self):
        make_location("Closed", emergency_number="000", active=False)
        make_location("Main", emergency_number="112", urgent_advice_number="116 117")
        make_location("Second", emergency_number="911")
        article = make_article("Warning signs", body=BODY)

        self.assertEqual(Location.objects.main().emergency_number, "112")
        self.assertIn('call <strong><a href="tel:112">112</a></strong>', article.rendered_body)
        self.assertIn('call <a href="tel:116117">116 117</a>.', article.rendered_body)

    def test_an_article_without_placeholders_does_not_look_up_the_location(self):
        article = make_article("Plain", body="Rest and drink water.")

        with self.assertNumQueries(0):
            article.rendered_body  # noqa: B018


class StarterArticlesNumbersTests(SimpleTestCase):
    def test_no_starter_article_hard_codes_a_countrys_emergency_number(self):
        hard_coded = re.compile(r"\b(999|111|911|112|000)\b|NHS 111|A&E|outside the UK")
        for path in sorted(CONTENT_DIR.glob("*.md")):
            meta, body = parse_article(path.read_text(encoding="utf-8"), source=path.name)
            with self.subTest(file=path.name):
                self.assertIsNone(hard_coded.search(body + meta["title"] + meta["summary"]))

    def test_the_care_article_uses_both_placeholders(self):
        text = (CONTENT_DIR / "when-to-see-a-doctor.md").read_text(encoding="utf-8")

        self.assertIn("[[emergency_number]]", text)
        self.assertIn("[[urgent_advice_number]]", text)
