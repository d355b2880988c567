"""Pieces every app's admin shares."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms import ModelMultipleChoiceField
from simple_history.admin import SimpleHistoryAdmin


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


class SafeAutocompleteSelect(_ReadableKeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ReadableKeysOnly, AutocompleteSelectMultiple):
    pass


class SafeRelatedFieldsMixin:
    """For every ModelAdmin: a change form posted with hand-made ids (not numbers, or
    numbers no row can have) is shown again with its errors, never a 500."""

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


class HistoryAdmin(SafeRelatedFieldsMixin, SimpleHistoryAdmin):
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
