"""Article bodies: Markdown in, sanitised HTML out."""

from django.test import SimpleTestCase

from library.models import Article
from library.rendering import render_markdown


class RenderingTests(SimpleTestCase):
    def test_markdown_becomes_headings_lists_emphasis_tables_and_code(self):
        html = render_markdown(
            "## Heat\n\n- **warm** bath\n- *gentle* walk\n\n> rest\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n"
        )
        for fragment in [
            "<h2>Heat</h2>",
            "<li><strong>warm</strong> bath</li>",
            "<em>gentle</em>",
            "<blockquote>",
            "<table>",
            "<td>1</td>",
            "<pre><code>code",
        ]:
            self.assertIn(fragment, html)

    def test_a_top_level_heading_is_shifted_down_so_the_title_stays_the_only_h1(self):
        self.assertEqual(render_markdown("# Big"), "<h2>Big</h2>")

    def test_script_tags_are_removed_with_their_content(self):
        html = render_markdown("Hello <script>alert('x')</script> there")
        self.assertNotIn("script", html)
        self.assertNotIn("alert", html)
        self.assertIn("Hello", html)

    def test_event_handler_attributes_are_removed(self):
        html = render_markdown(
            '<img src="x" onerror="alert(1)"> <a href="/ok" onclick="steal()">link</a> '
            '<p onmouseover="x()">text</p>'
        )
        self.assertNotIn("onerror", html)
        self.assertNotIn("onclick", html)
        self.assertNotIn("onmouseover", html)
        self.assertNotIn("<img", html)
        self.assertIn('href="/ok"', html)

    def test_javascript_links_lose_their_href_in_any_letter_case(self):
        html = render_markdown(
            "[one](javascript:alert(1)) [two](JaVaScRiPt:alert(2)) "
            '<a href="javascript:alert(3)">three</a> [four](data:text/html,hi)'
        )
        self.assertNotIn("javascript", html.lower())
        self.assertNotIn("data:", html)
        # A link left without an address is no link: its text stays, the tag goes (an
        # <a> with rel and no href is invalid HTML).
        self.assertNotIn("<a", html)
        self.assertEqual(html, "<p>one two three four</p>")

    def test_a_stripped_link_keeps_its_formatted_text_and_the_links_around_it(self):
        html = render_markdown(
            '[*one*](javascript:alert(1)) [two](/ok "a > b") <a title="x>y" href="vbscript:1">3</a>'
        )
        self.assertEqual(
            html,
            '<p><em>one</em> <a href="/ok" title="a &gt; b" rel="noopener noreferrer">two</a> 3</p>',
        )

    def test_safe_links_are_kept_with_noopener_noreferrer(self):
        html = render_markdown(
            "[web](https://example.com/a) [page](/library/aftercare/) [mail](mailto:hi@example.com)"
        )
        self.assertIn('<a href="https://example.com/a" rel="noopener noreferrer">web</a>', html)
        self.assertIn('<a href="/library/aftercare/" rel="noopener noreferrer">page</a>', html)
        self.assertIn('href="mailto:hi@example.com"', html)

    def test_styles_iframes_and_forms_are_dropped(self):
        html = render_markdown(
            '<style>body{display:none}</style><iframe src="https://e.com"></iframe>'
            '<form action="/x"><input name="a"></form><span style="color:red">kept text</span>'
        )
        for fragment in ["<style", "display:none", "<iframe", "<form", "<input", "style="]:
            self.assertNotIn(fragment, html)
        self.assertIn("kept text", html)

    def test_article_rendered_body_is_sanitised(self):
        article = Article(body="Hi <script>alert(1)</script>[x](javascript:alert(1))")
        self.assertNotIn("script", article.rendered_body)
        self.assertNotIn("javascript", article.rendered_body)

    def test_reading_time_is_words_over_200_rounded_up_and_at_least_one_minute(self):
        self.assertEqual(Article(body="").reading_minutes, 1)
        self.assertEqual(Article(body="word " * 200).reading_minutes, 1)
        self.assertEqual(Article(body="word " * 201).reading_minutes, 2)
        self.assertEqual(Article(body="word " * 1000).reading_minutes, 5)
