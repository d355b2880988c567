"""Markdown to safe HTML for library articles.

Markdown passes raw HTML through untouched, so every rendered body goes through nh3
(an allow-list sanitiser): only the tags below survive, links keep only ``href`` and
``title``, and ``href`` may only be http, https, mailto or a relative URL, so
``javascript:`` links, ``<script>`` and ``on*`` event handlers are removed.

Articles never hard-code one country's emergency numbers: they write
``[[emergency_number]]`` and ``[[urgent_advice_number]]``, filled in at render time
with the clinic's configured numbers (or a plain phrase when there is none).
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
# A link whose ``href`` the sanitiser removed (``javascript:``, an unknown scheme) is left
# as ``<a rel="...">text</a>``: invalid HTML (``rel`` needs ``href``) and a link to
# nowhere. Its text is kept, the tag dropped. nh3's output quotes every attribute value
# with ``"`` and never nests links, so the first ``</a>`` after it closes it.
_LINK_WITHOUT_HREF = re.compile(r'<a(?:\s+(?!href=)[a-z-]+="[^"]*")*\s*>(.*?)</a>', re.DOTALL)

# What a placeholder says when the clinic has no such number (or no location yet).
PLACEHOLDER_FALLBACKS = {
    "emergency_number": "your local emergency number",
    "urgent_advice_number": "your doctor or local urgent care service",
}
_PLACEHOLDER = re.compile(r"\[\[\s*(" + "|".join(PLACEHOLDER_FALLBACKS) + r")\s*\]\]")
# A phone number needs nothing else. Leaving out ":", "<", "&", quotes and brackets
# means a number can never become a link scheme, a tag, an entity or Markdown syntax.
_NOT_IN_A_NUMBER = re.compile(r"[^0-9A-Za-z +./-]")


def has_placeholders(text):
    return _PLACEHOLDER.search(text or "") is not None


def fill_placeholders(text, numbers=None):
    """Replace ``[[emergency_number]]`` and ``[[urgent_advice_number]]`` in ``text``.

    ``numbers`` maps those names to the clinic's numbers; a missing or blank one becomes
    a plain phrase ("your local emergency number"). Each number is cut down to the
    characters a phone number uses before it goes in, and the result is then rendered
    and sanitised like any other text, so a number can add nothing but itself.
    """
    numbers = numbers or {}

    def number(match):
        name = match.group(1)
        value = _NOT_IN_A_NUMBER.sub("", str(numbers.get(name) or "")).strip()
        return value or PLACEHOLDER_FALLBACKS[name]

    return _PLACEHOLDER.sub(number, text or "")


def render_markdown(text, *, numbers=None):
    """Return sanitised HTML for Markdown ``text`` (safe to mark as safe in a template).

    The article's title is the page's only ``h1``, so a ``#`` heading in the body is
    shifted down to ``h2`` to keep the heading order of the page intact. Placeholders
    are filled from ``numbers`` (see :func:`fill_placeholders`) before rendering.
    """
    text = fill_placeholders(text, numbers)
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    html = re.sub(r"<(/?)h1(\s|>)", r"<\1h2\2", html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _LINK_WITHOUT_HREF.sub(r"\1", html)


def count_words(text):
    return len(_WORD.findall(text or ""))
