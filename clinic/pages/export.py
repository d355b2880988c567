"""A client's own copy of everything the clinic holds about them: one ZIP.

``data.json`` (schema in docs/data-export.md), ``copy.pdf`` (the same, readable) and the
documents under ``documents/``. Each app gives its sections through its own
``export.client_sections`` (and files through ``client_files``); ``PARTS`` lists them, in
the order the copy shows them. A new app or model adds its section there, nothing else.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from weasyprint import CSS, HTML

import bookings.export
import clinic.export
import intake.export
from clinic.export import SCHEMA_VERSION, ExportFile, Section
from clinic.models import ClientProfile
from intake.audit import log_access

# (sections, files) of each app, in the order of the copy.
PARTS: list[tuple[Callable[[ClientProfile], list[Section]], Callable[..., list[ExportFile]]]] = [
    (clinic.export.client_sections, lambda client: []),
    (intake.export.client_sections, intake.export.client_files),
    (bookings.export.client_sections, lambda client: []),
]

EXPORT_DETAIL = "copy of all their data (ZIP)"


def sections(client: ClientProfile) -> list[Section]:
    found: list[Section] = []
    for part, _files in PARTS:
        found += part(client)
    keys = [section.key for section in found]
    assert len(keys) == len(set(keys)), f"two apps give the same section: {keys}"
    return found


def as_json(client: ClientProfile, parts: list[Section], now) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "clinic": settings.CLINIC_NAME,
        "generated_at": now.isoformat(),
        "client": str(client.public_id),
        **{section.key: section.data for section in parts},
    }


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _value(value: Any) -> SafeString:
    """``value`` as escaped HTML: lists of records as blocks, records as term lists."""
    if value is None or value == "" or value == []:
        return mark_safe("—")
    if isinstance(value, bool):
        return format_html("{}", "yes" if value else "no")
    if isinstance(value, dict):
        return format_html(
            '<dl class="record">{}</dl>',
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((_label(k), _value(v)) for k, v in value.items())
            ),
        )
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return format_html("{}", ", ".join(str(item) for item in value))
        return format_html_join("", '<div class="item">{}</div>', ((_value(i),) for i in value))
    return format_html("{}", value)


def render_pdf(client: ClientProfile, parts: list[Section], now) -> bytes:
    """The copy as a readable PDF (weasyprint), fetching nothing from anywhere."""
    html = render_to_string(
        "clinic/export/copy.html",
        {
            "client": client,
            "now": now,
            "clinic_name": settings.CLINIC_NAME,
            "schema_version": SCHEMA_VERSION,
            "sections": [(s, _value(s.data)) for s in parts],
        },
    )

    def refuse(url, *args, **kwargs):
        raise ValueError(f"The copy fetches nothing: {url}")

    style = CSS(string=render_to_string("clinic/export/copy.css"), url_fetcher=refuse)
    return HTML(string=html, base_url=None, url_fetcher=refuse).write_pdf(stylesheets=[style])


def build_zip(client: ClientProfile, *, by, detail: str = EXPORT_DETAIL) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of everything held about ``client``; logged as a download."""
    now = timezone.now()
    parts = sections(client)
    data = as_json(client, parts, now)
    files = [file for _sections, part_files in PARTS for file in part_files(client)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("copy.pdf", render_pdf(client, parts, now))
        for file in files:
            archive.writestr(file.name, file.content)
        archive.writestr("README.txt", render_to_string("clinic/export/readme.txt", {"now": now}))
    log_access(by, client=client, action="download", detail=detail)
    return f"my-data-{now:%Y-%m-%d}.zip", buffer.getvalue()
