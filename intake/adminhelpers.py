"""Admin pieces for models that are, or hold some, health data."""

from clinic.access import has_health_permission
from intake.audit import log_access

NO_STORE = "no-store, private"


class HealthAdminMixin:
    """Pages of a health-data model: never cached, each object page opened is logged.

    ``client_of(obj)`` and ``intake_of(obj)`` say whose data it is; ``object_detail`` and
    ``history_detail`` name the page in the access log.
    """

    object_detail = "admin"
    history_detail = "admin history"

    def client_of(self, obj):
        return obj.client

    def intake_of(self, obj):
        return None

    def _object_page(self, request, object_id, response, detail):
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None and has_health_permission(request.user):
                log_access(
                    request.user,
                    client=self.client_of(obj),
                    intake=self.intake_of(obj),
                    action="view",
                    detail=detail,
                )
        response["Cache-Control"] = NO_STORE
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        response["Cache-Control"] = NO_STORE
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._object_page(request, object_id, response, self.object_detail)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._object_page(request, object_id, response, self.history_detail)


class HealthOnlyAdminMixin(HealthAdminMixin):
    """A model that is health data through and through: only with the permission."""

    def has_view_permission(self, request, obj=None):
        return has_health_permission(request.user)

    def has_module_permission(self, request):
        return has_health_permission(request.user) or super().has_module_permission(request)


class HealthFieldsAdminMixin(HealthAdminMixin):
    """A model with some health fields (``health_fields``), e.g. plan notes.

    Without the health-data permission those fields are left out of the form and the
    record's history (which shows old values) is closed; with it, pages are logged.
    """

    health_fields: tuple[str, ...] = ()

    @property
    def object_detail(self):
        return f"admin {self.opts.verbose_name}"

    @property
    def history_detail(self):
        return f"admin {self.opts.verbose_name} history"

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
