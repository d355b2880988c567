from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from bookings import appointments, closures, errors
from bookings.models import (
    AftercareCheck,
    Appointment,
    CalendarFeed,
    DayOfCheck,
    Reassessment,
    TreatmentPlan,
    Visit,
    VisitAmendment,
)
from clinic.admin.clinic import ClosureAdmin, LocationAdmin
from clinic.adminhelpers import AccessibleAdmin, HistoryAdmin
from clinic.models import Closure, Location
from intake.admin import ReadOnlyAdminMixin
from intake.adminhelpers import HealthFieldsAdminMixin, HealthOnlyAdminMixin


@admin.register(Appointment)
class AppointmentAdmin(HealthFieldsAdminMixin, HistoryAdmin):
    # A client's cancellation reason is their own words and may be about their health.
    health_fields = ("cancel_reason",)

    list_display = ["start", "client", "therapist", "service", "room", "status_label"]
    list_filter = ["status", "location", "therapist", "service"]
    search_fields = ["client__first_name", "client__last_name", "client__phone", "client__email"]
    list_select_related = ["client", "therapist__user", "service", "room__location", "location"]
    date_hierarchy = "start"
    # Times, rooms and status change only through the booking workflows (the pages and
    # the actions below), which re-check availability and the health form.
    actions = ["cancel_selected", "hold_selected", "release_selected"]
    readonly_fields = [
        "status",
        "hold_code",
        "client",
        "therapist",
        "service",
        "room",
        "location",
        "plan",
        "plan_sequence",
        "is_reassessment",
        "start",
        "end",
        "blocked_until",
        "duration_minutes",
        "price",
        "created_by",
        "created_at",
        "cancelled_at",
        "cancelled_by",
        "reminder_sent_at",
        "checkin_confirmed_at",
    ]
    fieldsets = [
        (None, {"fields": ["client", "therapist", "service", "room", "location"]}),
        ("Time", {"fields": ["start", "end", "blocked_until", "duration_minutes", "price"]}),
        ("Plan", {"fields": ["plan", "plan_sequence", "is_reassessment"]}),
        (
            "Status",
            {"fields": ["status", "hold_code", "cancelled_at", "cancelled_by", "cancel_reason"]},
        ),
        ("Messages", {"fields": ["reminder_sent_at", "checkin_confirmed_at"]}),
        ("Record", {"fields": ["created_by", "created_at"]}),
    ]

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        return obj.get_status_display()

    def has_add_permission(self, request):
        return False

    def _run(self, request, queryset, workflow, done):
        """Run ``workflow`` on each appointment; a refusal is a message, never a 500."""
        changed = 0
        for appointment in queryset.select_related("client", "location"):
            try:
                workflow(appointment)
            except errors.BookingError as error:
                self.message_user(
                    request, f"{appointment}: {self._words(request, appointment, error)}",
                    messages.ERROR,
                )  # fmt: skip
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} appointment(s) {done}.", messages.SUCCESS)

    def _words(self, request, appointment, error):
        if isinstance(error, errors.NotAllowed):
            words = error.eligibility.for_viewer(request.user, appointment.client)
            return f"{words.reason} {words.next_step}"
        return error.message

    @admin.action(description="Cancel the selected appointments")
    def cancel_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda a: appointments.cancel_appointment(
                appointment=a, by=request.user, reason="Cancelled by the clinic."
            ),
            "cancelled",
        )

    @admin.action(description="Put the selected appointments on hold")
    def hold_selected(self, request, queryset):
        self._run(request, queryset, lambda a: appointments.hold_appointment(appointment=a), "held")

    @admin.action(description="Lift the hold (if the health form allows the visit)")
    def release_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda a: appointments.release_hold(appointment=a, by=request.user),
            "released",
        )


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(HealthFieldsAdminMixin, HistoryAdmin):
    """Plans; their notes are health data (shown and logged as intakes are)."""

    # Whether the course is improving comes from the pain scores: health data too.
    health_fields = ("notes", "course_alert", "course_alert_at")
    list_display = ["client", "kind", "status", "service", "therapist", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["client__first_name", "client__last_name"]
    list_select_related = ["client", "service", "therapist__user"]
    raw_id_fields = ["client", "previous"]


@admin.register(Reassessment)
class ReassessmentAdmin(HealthOnlyAdminMixin, ReadOnlyAdminMixin, AccessibleAdmin):
    """Reassessments are health data: read-only, with the health-data permission; logged."""

    list_display = ["appointment", "pain_start", "pain_now", "next_step", "by", "at"]
    list_filter = ["next_step"]
    list_select_related = ["appointment__client", "appointment__location", "by"]
    search_fields = ["appointment__client__first_name", "appointment__client__last_name"]
    fields = [
        "appointment",
        "plan",
        "pain_start",
        "pain_now",
        "activity",
        "function_start",
        "function_now",
        "next_step",
        "follow_up",
        "by",
        "at",
        "decided_at",
    ]
    readonly_fields = fields
    object_detail = "admin reassessment"

    def client_of(self, obj):
        return obj.appointment.client


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AccessibleAdmin):
    list_display = ["therapist", "created_at", "revoked_at"]
    list_select_related = ["therapist__user"]
    readonly_fields = ["created_at"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected feeds")
    def revoke(self, request, queryset):
        for feed in queryset:
            feed.revoke()


class VisitAmendmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = VisitAmendment
    extra = 0
    fields = ["created_at", "author_name", "text"]
    readonly_fields = fields


@admin.register(Visit)
class VisitAdmin(HealthOnlyAdminMixin, ReadOnlyAdminMixin, AccessibleAdmin):
    """Visit notes: health data through and through. Read-only (notes change only by the
    author's correction within 24 hours, then by amendments, on the chart), and only with
    ``intake.view_health_data``; every page opened is logged."""

    list_display = ["appointment", "recorded_by", "recorded_at"]
    list_select_related = ["appointment__client", "appointment__service", "recorded_by"]
    search_fields = ["appointment__client__first_name", "appointment__client__last_name"]
    date_hierarchy = "recorded_at"
    fields = [
        "appointment",
        "pain_score",
        "pain_after",
        "client_reports",
        "findings",
        "notes",
        "plan_next",
        "areas",
        "technique_used",
        "pressure_used",
        "home_care",
        "recorded_by",
        "recorded_at",
        "edited_at",
    ]
    readonly_fields = fields
    inlines = [VisitAmendmentInline]
    object_detail = "admin visit notes"

    def client_of(self, obj):
        return obj.appointment.client

    @admin.display(description="areas worked")
    def areas(self, obj):
        return ", ".join(obj.areas_worked_labels) or "—"


@admin.register(VisitAmendment)
class VisitAmendmentAdmin(HealthOnlyAdminMixin, ReadOnlyAdminMixin, AccessibleAdmin):
    """Amendments to visit notes: read-only, health-data permission only, logged."""

    list_display = ["visit", "author_name", "created_at"]
    list_select_related = ["visit__appointment__client", "visit__appointment__service"]
    fields = ["visit", "text", "author_name", "created_at"]
    readonly_fields = fields
    object_detail = "admin visit amendment"

    def client_of(self, obj):
        return obj.visit.appointment.client


class ReadOnlyChecksMixin:
    """Written by the check-in and the reply link only; read with the health permission."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DayOfCheck)
class DayOfCheckAdmin(HealthOnlyAdminMixin, ReadOnlyChecksMixin, AccessibleAdmin):
    """The day-of answers: health data, read-only, each page opened logged."""

    list_display = ["answered_at", "appointment", "outcome", "via"]
    list_filter = ["outcome", "via"]
    list_select_related = ["appointment__client", "appointment__therapist__user"]
    search_fields = ["appointment__client__first_name", "appointment__client__last_name"]
    fields = [
        "appointment",
        "answered_at",
        "via",
        "answered_by",
        "outcome",
        "fever",
        "injury",
        "calf",
        "red_flag",
        "painkillers",
        "note",
        "cleared_at",
        "cleared_by",
    ]
    readonly_fields = fields
    object_detail = "admin day-of check"
    history_detail = "admin day-of check history"


@admin.register(AftercareCheck)
class AftercareCheckAdmin(HealthOnlyAdminMixin, ReadOnlyChecksMixin, AccessibleAdmin):
    """The after-visit messages and replies: health data, read-only, each page logged."""

    list_display = ["sent_at", "appointment", "answer", "answered_at", "therapist_told_at"]
    list_filter = ["answer"]
    list_select_related = ["appointment__client", "appointment__therapist__user"]
    search_fields = ["appointment__client__first_name", "appointment__client__last_name"]
    fields = ["appointment", "sent_at", "answer", "note", "answered_at", "therapist_told_at"]
    readonly_fields = fields
    object_detail = "admin after-visit check"
    history_detail = "admin after-visit check history"


# --- Closures: the clinic's admin, plus what a closure does to bookings ----------------
# ``clinic`` imports no app, so the bookings side of a closure is added here.


def _closure_notice(request, closure, count):
    messages.warning(
        request,
        format_html(
            "{} open appointment{} fall{} in {}. They stay booked until you "
            '<a href="{}">move or cancel them</a>.',
            count,
            "" if count == 1 else "s",
            "s" if count == 1 else "",
            closure,
            reverse("bookings:closure_appointments", args=[closure.pk]),
        ),
    )


admin.site.unregister(Closure)


@admin.register(Closure)
class ClosureWithBookingsAdmin(ClosureAdmin):
    """After saving, say how many open appointments fall in the closure and go to the
    page that moves or cancels them (``bookings.closures``)."""

    def _after_save(self, request, closure, response):
        count = closures.appointments_in(closure).count()
        if not count or "_popup" in request.POST:
            return response
        _closure_notice(request, closure, count)
        return HttpResponseRedirect(reverse("bookings:closure_appointments", args=[closure.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._after_save(request, obj, super().response_change(request, obj))


admin.site.unregister(Location)


@admin.register(Location)
class LocationWithClosuresAdmin(LocationAdmin):
    """Closures added on the location's page get the same notice as on their own."""

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Closure:
            return
        for closure in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
            count = closures.appointments_in(closure).count()
            if count:
                _closure_notice(request, closure, count)
