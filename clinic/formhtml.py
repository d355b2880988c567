"""Simple form fields written in Python with the HTML crispy's Bootstrap 5 pack gives.

Crispy renders each field through a dozen nested templates; on the pages people wait on
(the booking page's slot search, the library's search box) that took most of the page's
rendering. These write the same markup — wrapper, label (with the required asterisk),
the widget with Bootstrap's classes and its ``aria-invalid``/``aria-describedby``, the
errors and the help text — for plain inputs and selects. Forms with layouts, checkboxes
or radios keep ``{% crispy %}``.
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def field_html(bound: forms.BoundField) -> SafeString:
    """One field as ``{{ field|as_crispy_field }}`` writes it (Bootstrap 5)."""
    field, widget = bound.field, bound.field.widget
    auto_id = bound.auto_id
    errors = bound.errors
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    attrs = {"class": f"{type(widget).__name__.lower()} {kind}" + (" is-invalid" if errors else "")}
    described = []
    if field.help_text:
        described.append(f"{auto_id}_helptext")
    if errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        auto_id,
        " requiredField" if field.required else "",
        bound.label,
        mark_safe('<span class="asteriskField">*</span>') if field.required else "",
    )
    error_html = ""
    if errors:
        error_html = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            auto_id,
            format_html_join(
                "",
                '<span id="error_{}_{}"><strong>{}</strong></span>',
                ((n, auto_id, error) for n, error in enumerate(errors, start=1)),
            ),
        )
    help_html = ""
    if field.help_text:
        help_html = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', auto_id, field.help_text
        )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        auto_id,
        label,
        bound.as_widget(attrs=attrs),
        error_html,
        help_html,
    )


def fields_html(form: forms.Form, *, submit: tuple[str, str, str] | None = None) -> SafeString:
    """Every visible field of ``form``, then (``(label, css_id, classes)``) crispy's
    submit input row, as ``{% crispy form %}`` with ``form_tag = False`` writes them."""
    parts = []
    if form.non_field_errors():
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                format_html_join("", "<li>{}</li>", ((e,) for e in form.non_field_errors())),
            )
        )
    parts += [field_html(bound) for bound in form.visible_fields()]
    if submit is not None:
        label, css_id, classes = submit
        parts.append(
            format_html(
                '<div class="mb-3"><div class="">'
                '<input type="submit" name="submit" value="{}" class="{}" id="{}">'
                "</div></div>",
                label,
                classes,
                css_id,
            )
        )
    return mark_safe("".join(parts))
