"""Markdown to safe HTML for library articles.

Markdown passes raw HTML through untouched, so every rendered body goes through nh3
(an allow-list sanitiser): only the tags below survive, links keep only ``href`` and
``title``, and ``href`` may only be http, https, mailto or a relative URL, so
``javascript:`` links, ``<script>`` and ``on*`` event handlers are removed.

Articles never hard-code one country's emergency numbers: they write
``[[emergency_number]]`` and ``[[urgent_advice_number]]``, filled in at render time
with the clinic's configured numbers (or a plain phrase when there is none), each a
tappable ``tel:`` link unless it sits inside a link of its own.
"""

import html as html_lib
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


def _clean_number(numbers, name):
    return _NOT_IN_A_NUMBER.sub("", str(numbers.get(name) or "")).strip()


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
        return _clean_number(numbers, name) or PLACEHOLDER_FALLBACKS[name]

    return _PLACEHOLDER.sub(number, text or "")


# A number goes into the Markdown as a marker of letters and digits only, so Markdown and
# the sanitiser leave it alone; afterwards each marker in text becomes a tappable
# ``tel:`` link, and one inside a tag or an existing link becomes the plain number.
_MARKER = "zqtelnumber{}zq"
_MARKER_RE = re.compile(r"zqtelnumber(\d+)zq")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def _mark_numbers(text, numbers):
    found = []

    def mark(match):
        value = _clean_number(numbers, match.group(1))
        if not value or not re.search(r"\d", value):
            return PLACEHOLDER_FALLBACKS[match.group(1)]
        found.append(value)
        return _MARKER.format(len(found) - 1)

    return _PLACEHOLDER.sub(mark, text or ""), found


def _link_numbers(html, found):
    if not found:
        return html
    plain = lambda m: found[int(m.group(1))]  # noqa: E731

    def link(m):
        value = found[int(m.group(1))]
        digits = re.sub(r"\D", "", value)
        prefix = "+" if value.startswith("+") else ""
        return f'<a href="tel:{prefix}{digits}">{value}</a>'

    out, in_link = [], False
    for part in _TAG_OR_TEXT.split(html):
        if part.startswith("<"):
            name = part[1:].split(">")[0].split()[0].lower() if len(part) > 2 else ""
            if name == "a":
                in_link = True
            elif name == "/a":
                in_link = False
            out.append(_MARKER_RE.sub(plain, part))
        else:
            out.append(_MARKER_RE.sub(plain if in_link else link, part))
    return "".join(out)


def render_markdown(text, *, numbers=None):
    """Return sanitised HTML for Markdown ``text`` (safe to mark as safe in a template).

    The article's title is the page's only ``h1``, so a ``#`` heading in the body is
    shifted down to ``h2`` to keep the heading order of the page intact. Placeholders
    are filled from ``numbers`` (see :func:`fill_placeholders`) before rendering.
    """
    text, found = _mark_numbers(text, numbers or {})
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
    html = _LINK_WITHOUT_HREF.sub(r"\1", html)
    # The numbers go in after sanitising: each is only the characters a phone number
    # uses (see fill_placeholders), and the link is built here, not from the text.
    return _link_numbers(html, found)


# In HTML rendered ahead of time (``render_stored``), each placeholder is held by a
# token of plain letters, which neither Markdown nor nh3 changes, and filled in when the
# page is shown (``fill_rendered``): the clinic's numbers can change after the save.
_TOKENS = {name: f"qqclinic{name.replace('_', '')}qq" for name in PLACEHOLDER_FALLBACKS}
_TOKEN = re.compile("|".join(_TOKENS.values()))
_NAME_OF_TOKEN = {token: name for name, token in _TOKENS.items()}


def render_stored(text):
    """Sanitised HTML for ``text`` with its placeholders kept as tokens, to store.

    Rendered once when an article is saved; ``fill_rendered`` fills in the numbers.
    """
    held = _PLACEHOLDER.sub(lambda match: _TOKENS[match.group(1)], text or "")
    return render_markdown(held)


def has_tokens(html):
    return _TOKEN.search(html or "") is not None


def fill_rendered(html, numbers=None):
    """Stored HTML with its placeholder tokens replaced by the clinic's numbers.

    A number is cut down to the characters a phone number uses (as in
    ``fill_placeholders``) and escaped, so it can add nothing but itself; in text it
    becomes a tappable ``tel:`` link, as in :func:`render_markdown`.
    """
    numbers = numbers or {}
    found: list[str] = []

    def mark(match):
        name = _NAME_OF_TOKEN[match.group(0)]
        value = _NOT_IN_A_NUMBER.sub("", str(numbers.get(name) or "")).strip()
        if not re.search(r"\d", value):
            return html_lib.escape(PLACEHOLDER_FALLBACKS[name])
        found.append(html_lib.escape(value))
        return _MARKER.format(len(found) - 1)

    return _link_numbers(_TOKEN.sub(mark, html or ""), found)


def count_words(text):
    return len(_WORD.findall(text or ""))
