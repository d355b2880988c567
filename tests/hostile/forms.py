"""Reading a page's forms, and building request bodies that carry any bytes.

The test client encodes ``str`` data as UTF-8, so it cannot send a lone surrogate or
bytes that are not UTF-8; these helpers percent-encode each value's bytes themselves.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote_from_bytes


class Form:
    def __init__(self, action: str, method: str, enctype: str) -> None:
        self.action = action
        self.method = method
        self.enctype = enctype
        self.fields: dict[str, list[str]] = {}
        self.choices: dict[str, list[str]] = {}
        self.submits: dict[str, list[str]] = {}

    def filled(self) -> dict[str, list[str]]:
        """The form as a person would send it: every question answered ("no" where it
        can be), submit buttons left out."""
        data = {name: list(values) for name, values in self.fields.items()}
        for name, values in self.choices.items():
            if any(data.get(name, [])) or not any(values) or name.endswith("DELETE"):
                continue  # answered, nothing to choose, or an inline row's "delete" box
            data[name] = ["no" if "no" in values else next((v for v in values if v), values[0])]
        return data

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)


class FormParser(HTMLParser):
    """Every <form>: its fields with the values a browser would send untouched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_values: list[str] = []
        self.selected: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.form = Form(
                a.get("action", ""), a.get("method", "get").lower(), a.get("enctype", "")
            )
            self.forms.append(self.form)
        if self.form is None or ("name" not in a and tag in ("input", "select", "textarea")):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if a.get("name"):
                    self.form.submits.setdefault(a["name"], []).append(a.get("value", ""))
                return
            if kind in ("checkbox", "radio"):
                self.form.choices.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    self.form.add(a["name"], a.get("value", "on"))
                return
            if kind == "file":
                self.form.fields.setdefault(a["name"], [])
                return
            self.form.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self.select, self.select_values, self.selected = a["name"], [], None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.select_values.append(value)
            if "selected" in a:
                self.selected = value
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select and self.form is not None:
            self.form.choices[self.select] = self.select_values
            chosen = self.selected
            if chosen is None:
                chosen = next((v for v in self.select_values if v), "")
            self.form.add(self.select, chosen)
            self.select = None
        elif tag == "textarea" and self.textarea and self.form is not None:
            self.form.add(self.textarea, self.text.lstrip("\n"))
            self.textarea = None


def forms_in(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def encode(value: str | bytes) -> str:
    """Percent-encoded bytes of a value; lone surrogates pass through as invalid UTF-8."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return quote_from_bytes(raw, safe="")


def urlencoded(data: dict[str, list[str | bytes]]) -> bytes:
    return "&".join(
        f"{encode(name)}={encode(value)}" for name, values in data.items() for value in values
    ).encode("ascii")
