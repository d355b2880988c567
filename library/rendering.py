"""Markdown to safe HTML for library articles.

Markdown passes raw HTML through untouched, so every rendered body goes through nh3
(an allow-list sanitiser): only the tags below survive, links keep only ``href`` and
``title``, and ``href`` may only be http, https, mailto or a relative URL, so
``javascript:`` links, ``<script>`` and ``on*`` event handlers are removed.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6",
    "p", "br", "hr",
    "ul", "ol", "li", "dl", "dt", "dd",
    "strong", "em", "b", "i",
    "a", "blockquote", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

_WORD = re.compile(r"\w+")


def render_markdown(text):
    """Return sanitised HTML for Markdown ``text`` (safe to mark as safe in a template).

    The article's title is the page's only ``h1``, so a ``#`` heading in the body is
    shifted down to ``h2`` to keep the heading order of the page intact.
    """
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    html = re.sub(r"<(/?)h1(\s|>)", r"<\1h2\2", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def count_words(text):
    return len(_WORD.findall(text or ""))
