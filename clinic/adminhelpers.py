"""Pieces every app's admin shares."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
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
