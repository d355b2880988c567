"""Admin pieces for models that hold some health data (plan notes, visit notes)."""

from clinic.access import has_health_permission
from intake.audit import log_access


class HealthFieldsAdminMixin:
    """Fields in ``health_fields`` are shown only with the health-data permission.

    Without it they are left out of the form, and the record's history (which shows old
    values) is closed. With it, each change page and history page is logged.
    ``client_of(obj)`` names the client whose data it is.
    """

    health_fields: tuple[str, ...] = ()

    def client_of(self, obj):
        return obj.client

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not has_health_permission(request.user):
            exclude += [name for name in self.health_fields if name not in exclude]
        return exclude

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if has_health_permission(request.user):
            return fieldsets
        hidden = set(self.health_fields)
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return has_health_permission(
            request.user
        ) and super().has_view_history_or_change_history_permission(request, obj)

    def _log(self, request, object_id, detail):
        obj = self.get_object(request, object_id)
        if obj is not None and has_health_permission(request.user):
            log_access(request.user, client=self.client_of(obj), action="view", detail=detail)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._log(request, object_id, f"admin {self.opts.verbose_name}")
        response["Cache-Control"] = "no-store, private"
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._log(request, object_id, f"admin {self.opts.verbose_name} history")
        response["Cache-Control"] = "no-store, private"
        return response
