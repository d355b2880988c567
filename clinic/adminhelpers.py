"""Pieces every app's admin shares."""

from django.contrib import admin
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms import BoundField, ModelMultipleChoiceField, MultiWidget, SplitDateTimeWidget
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

# --- Accessible admin forms -------------------------------------------------------------
# Django's admin leaves some inputs without a name a screen reader can read out: the cells
# of a tabular inline and of a changelist's editable columns (the column header is not
# their label), and the date and time halves of a split date-time field (its label points
# at neither). And a row's input points ``aria-describedby`` at a help text the row never
# shows. ``AccessibleAdmin`` fixes those on every form the admin builds; the markup
# Django's own scripts build (select2, the filter_horizontal boxes) is labelled by
# clinic/static/clinic/admin-a11y.js, loaded with admin-a11y.css by admin/base_site.html.


class RowBoundField(BoundField):
    """A field in a table row: its help text is in the column header (a tooltip), not
    beside it, so the input must not point ``aria-describedby`` at a help text element."""

    @property
    def aria_describedby(self):
        ids = (super().aria_describedby or "").split()
        return " ".join(i for i in ids if not i.endswith("_helptext"))


def _parts(widget):
    """Names for the inputs of a widget made of several (a split date-time: date, time)."""
    if isinstance(widget, SplitDateTimeWidget):
        return ["date", "time"]
    return [f"part {number}" for number in range(1, len(widget.widgets) + 1)]


def label_widget(field, label, row=""):
    """Give ``field``'s input(s) the accessible name ``label`` (each part its own, "Start:
    date"), followed by ``row`` where the input is one of a table's."""
    widget = field.widget
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if widget.is_hidden:
        return
    where = f", {row}" if row else ""
    if isinstance(widget, MultiWidget):
        for part, subwidget in zip(_parts(widget), widget.widgets, strict=True):
            subwidget.attrs["aria-label"] = f"{label}: {part}{where}"
    else:
        widget.attrs["aria-label"] = f"{label}{where}"


def label_row(form, verbose_name):
    """Name every input of a table row by its column and its row ("Active, Deep tissue")."""
    instance = getattr(form, "instance", None)
    row = str(instance) if instance is not None and instance.pk else f"new {verbose_name}"
    for field in form.fields.values():
        label_widget(field, capfirst(field.label or ""), row)
    form.bound_field_class = RowBoundField


def labelled_rows(formset_class):
    """``formset_class`` whose forms (the hidden template row too) are labelled rows."""

    class LabelledRows(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            label_row(form, self.model._meta.verbose_name)

    LabelledRows.__name__ = LabelledRows.__qualname__ = formset_class.__name__
    return LabelledRows


def labelled_parts(formset_class):
    """``formset_class`` whose forms' split fields (date and time) have named parts."""

    class LabelledParts(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            for field in form.fields.values():
                if isinstance(field.widget, MultiWidget):
                    label_widget(field, capfirst(field.label or ""))

    LabelledParts.__name__ = LabelledParts.__qualname__ = formset_class.__name__
    return LabelledParts


class AccessibleAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select as valid HTML: it always starts with an empty choice
    that has text ("None", or "Choose one" where a value is required). Django's leaves a
    required select with no option at all on an add page, or with a real choice first,
    and an optional one with an empty option without text."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        empty = "Choose one" if self.is_required else "None"
        if options and options[0]["value"] == "":
            options[0]["label"] = empty
        else:
            options.insert(0, self.create_option(name, "", empty, False, 0))
        return groups


def can_be_key(field, value) -> bool:
    """Whether ``value`` can be looked up in ``field`` (a primary or other key) without the
    database refusing it: of the right type, and in the column's range for a number."""
    try:
        python = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    if isinstance(python, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and python < low) or (high is not None and python > high):
            return False
    return True


def _key_field(db_field):
    remote = db_field.remote_field
    opts = remote.model._meta
    return opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)


class KeyCheckedModelMultipleChoiceField(ModelMultipleChoiceField):
    """A many-to-many choice that refuses a value no key can have with the form's own
    "not a valid value" error (SQLite raised OverflowError for a huge number)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        if not isinstance(value, (list, tuple, set, frozenset)):
            return super()._check_values(value)
        for item in value:
            if isinstance(item, str) and not can_be_key(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class _ReadableKeysOnly:
    """An autocomplete widget that shows a posted value again only if it can be a key.

    Django's autocomplete widgets look the posted values up to show the form again with
    its errors; a value that is not a number (or is out of the column's range) made that
    look-up raise, turning a refused form into a 500.
    """

    def optgroups(self, name, value, attr=None):
        key = _key_field(self.field)
        readable = [item for item in value if can_be_key(key, item)]
        return super().optgroups(name, readable, attr)


class SafeAutocompleteSelect(_ReadableKeysOnly, AccessibleAutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ReadableKeysOnly, AutocompleteSelectMultiple):
    pass


class AccessibleAdmin(admin.ModelAdmin):
    """The base of every ModelAdmin here.

    Every input of its forms, inlines and editable changelist has an accessible name
    (tests/test_admin_accessibility.py checks all are), and a change form posted with
    hand-made ids (not numbers, or numbers no row can have) is shown again with its
    errors, never a 500 (tests/hostile).
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, MultiWidget):
            label_widget(formfield, capfirst(formfield.label or db_field.verbose_name))
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", KeyCheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return labelled_rows(super().get_changelist_formset(request, **kwargs))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if isinstance(inline, admin.TabularInline):
                yield labelled_rows(formset), inline
            else:
                yield labelled_parts(formset), inline


class HistoryAdmin(AccessibleAdmin, SimpleHistoryAdmin):
    """History to read, never to write back.

    django-simple-history saves a POST to an old version's page as a change, even with
    reverting switched off; that would skip the checks the pages make (availability, the
    health gate, who may link an account). Old versions are shown, not saved.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True
