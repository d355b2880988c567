"""Appointments and visits.

Times are stored in UTC and shown in the location's zone. The booked range of an
appointment is ``start`` to ``blocked_until`` (its end plus the service's buffer), stored
as columns so that PostgreSQL can refuse two overlapping ranges for one therapist, room
or client (DESIGN.md, "Non-negotiables").
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from bookings.timeutils import as_local
from clinic.models import ClientProfile, Location, Room, Service, Technique, Therapist
from intake.models import PainArea, Pressure


class TsTzRange(Func):
    """PostgreSQL's ``tstzrange(start, end)``: half-open, so back-to-back ranges never clash."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL and is skipped elsewhere.

    SQLite has no exclusion constraints; there the booking's immediate transaction is the
    guarantee, so the SQL is omitted and model validation does nothing.
    """

    @staticmethod
    def _is_postgres(connection):
        return connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        if not self._is_postgres(schema_editor.connection):
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if not self._is_postgres(schema_editor.connection):
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if not self._is_postgres(schema_editor.connection):
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if not self._is_postgres(connections[using]):
            return
        super().validate(model, instance, exclude=exclude, using=using)


def _new_token():
    return secrets.token_urlsafe(32)


# A service lasts at most 240 minutes plus a 120-minute buffer (clinic.Service validators);
# twice that leaves room for a therapist's longer one-off session.
MAX_BOOKED_SPAN = timedelta(hours=12)


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        """Appointments that hold their time: booked, held, and completed visits."""
        return self.filter(status__in=Appointment.OCCUPYING)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(status__in=Appointment.OPEN, start__gte=now).order_by("start")

    def past(self, now=None):
        now = now or timezone.now()
        return self.filter(start__lt=now).order_by("-start")

    def for_therapist(self, therapist):
        return self.filter(therapist=therapist)

    def for_client(self, client):
        return self.filter(client=client)

    def overlapping(self, start, end):
        """Booked ranges (start to end plus buffer) that overlap ``start``..``end``.

        The lower bound on ``start`` changes no answer (no booking spans more than
        MAX_BOOKED_SPAN) but lets the (therapist|room|client, start) indexes stop at the
        window instead of walking each one's whole history: with a million appointments
        that is the difference between 47 ms and 1 ms (docs/benchmarks.md).
        """
        return self.filter(
            start__lt=end, start__gt=start - MAX_BOOKED_SPAN, blocked_until__gt=start
        )


class HoldCode(models.TextChoices):
    """Why a visit waits. Code reads the code; pages show the label, which front desk
    sees too, so no label carries a health detail."""

    CHECKIN = "checkin", "Waiting for the pre-visit check-in."
    REVIEW = "review", "Waiting for a therapist to look at an update before the visit."
    CALL = "call", "Waiting for a phone call with the clinic before the visit."
    HEALTH_GATE = (
        "health_gate",
        "Waiting for a therapist: the health form does not allow this visit yet.",
    )
    DAY_OF = (
        "day_of",
        "A therapist must speak to the client before the session.",
    )
    STAFF = "staff", "Held by the clinic."


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        HELD = "held", "On hold"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        LATE_CANCELLED = "late_cancelled", "Cancelled late"
        NO_SHOW = "no_show", "Did not attend"

    # Statuses whose time is taken: no other booking may overlap them. Completed visits
    # stay here so that a past slot can never be double-booked by a back-dated entry.
    OCCUPYING = (Status.BOOKED, Status.HELD, Status.COMPLETED)
    # Statuses that can still be changed, cancelled or attended.
    OPEN = (Status.BOOKED, Status.HELD)

    client = models.ForeignKey(ClientProfile, on_delete=models.PROTECT, related_name="appointments")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="appointments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    plan = models.ForeignKey(
        "bookings.TreatmentPlan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    plan_sequence = models.PositiveSmallIntegerField(null=True, blank=True)
    is_reassessment = models.BooleanField(default=False)
    start = models.DateTimeField()
    end = models.DateTimeField()
    blocked_until = models.DateTimeField(
        help_text="The end plus the service's buffer: the range no other booking may overlap."
    )
    duration_minutes = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=8, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    hold_code = models.CharField(
        "hold",
        max_length=16,
        choices=HoldCode.choices,
        blank=True,
        help_text="Why the visit waits.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    checkin_confirmed_at = models.DateTimeField(null=True, blank=True)
    checkin_token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["checkin_token"])

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("end")), name="appointment_blocked_after_end"
            ),
            PostgresOnlyExclusionConstraint(
                name="appointment_no_therapist_overlap",
                expressions=[
                    (TsTzRange("start", "blocked_until"), RangeOperators.OVERLAPS),
                    ("therapist", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["booked", "held", "completed"]),
                violation_error_message="The therapist is already booked at that time.",
            ),
            PostgresOnlyExclusionConstraint(
                name="appointment_no_room_overlap",
                expressions=[
                    (TsTzRange("start", "blocked_until"), RangeOperators.OVERLAPS),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["booked", "held", "completed"]),
                violation_error_message="The room is already booked at that time.",
            ),
            PostgresOnlyExclusionConstraint(
                name="appointment_no_client_overlap",
                expressions=[
                    (TsTzRange("start", "blocked_until"), RangeOperators.OVERLAPS),
                    ("client", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["booked", "held", "completed"]),
                violation_error_message="The client already has an appointment at that time.",
            ),
        ]
        indexes = [
            models.Index(fields=["therapist", "start"], name="appt_therapist_start_idx"),
            models.Index(fields=["room", "start"], name="appt_room_start_idx"),
            models.Index(fields=["client", "start"], name="appt_client_start_idx"),
            models.Index(fields=["status", "start"], name="appt_status_start_idx"),
        ]

    def __str__(self):
        return f"{self.client} with {self.therapist}, {self.local_start:%a %d %b %Y %H:%M}"

    def get_absolute_url(self):
        return reverse("bookings:appointment_detail", args=[self.pk])

    @property
    def local_start(self):
        return as_local(self.start, self.location.zone)

    @property
    def local_end(self):
        return as_local(self.end, self.location.zone)

    @property
    def is_open(self):
        return self.status in self.OPEN

    @property
    def is_cancelled(self):
        return self.status in (self.Status.CANCELLED, self.Status.LATE_CANCELLED)

    def cutoff(self):
        """The last moment a client may reschedule or cancel without it counting as late."""
        return self.location.cancellation_cutoff(self.start)

    @property
    def local_cutoff(self):
        return as_local(self.cutoff(), self.location.zone)

    def client_may_reschedule(self, now=None):
        now = now or timezone.now()
        return self.is_open and now < self.cutoff()

    def client_may_cancel(self, now=None):
        now = now or timezone.now()
        return self.is_open and now < self.start

    def cancel_would_be_late(self, now=None):
        now = now or timezone.now()
        return now >= self.cutoff()

    def may_mark_no_show(self, now=None):
        now = now or timezone.now()
        return self.is_open and now >= self.start

    def cancel(self, *, by, reason="", late=False, now=None):
        self.status = self.Status.LATE_CANCELLED if late else self.Status.CANCELLED
        self.cancelled_at = now or timezone.now()
        self.cancelled_by = by
        self.cancel_reason = reason
        self.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])

    def mark_no_show(self, *, by, reason=""):
        self.status = self.Status.NO_SHOW
        self.cancelled_by = by
        self.cancel_reason = reason
        self.save(update_fields=["status", "cancelled_by", "cancel_reason"])

    @property
    def hold_reason(self) -> str:
        """Why the visit waits, in words without health details (front desk reads them)."""
        return self.get_hold_code_display() if self.hold_code else ""

    def hold(self, code):
        """Put the visit on hold for ``code`` (a :class:`HoldCode`)."""
        self.status = self.Status.HELD
        self.hold_code = HoldCode(code)
        self.save(update_fields=["status", "hold_code"])

    def release_hold(self):
        self.status = self.Status.BOOKED
        self.hold_code = ""
        self.save(update_fields=["status", "hold_code"])


# How long the author of visit notes may still edit them; after that, amendments only.
VISIT_EDIT_WINDOW = timedelta(hours=24)

PAIN_RANGE = [MinValueValidator(0), MaxValueValidator(10)]


class Visit(models.Model):
    """What happened at a completed appointment, in SOAP form. All of it is health data.

    S, O, A, P: what the client reports, what the therapist found, what was done (the
    field ``notes``, which held the free-text visit notes before SOAP: those recorded
    what was done, so they stay there) and the plan. ``pain_score`` is the pain at the
    start of the visit ("pain before"); ``pain_after`` at the end. Once
    :data:`VISIT_EDIT_WINDOW` has passed, notes change only by a :class:`VisitAmendment`.
    """

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="visit")
    pain_score = models.PositiveSmallIntegerField(
        "pain before",
        validators=PAIN_RANGE,
        help_text="The client's pain at the start of the visit, 0 (none) to 10 (worst).",
    )
    pain_after = models.PositiveSmallIntegerField(
        "pain after",
        null=True,
        blank=True,
        validators=PAIN_RANGE,
        help_text="The client's pain at the end of the visit, 0 (none) to 10 (worst).",
    )
    client_reports = models.TextField("what the client reports", blank=True)
    findings = models.TextField("what you found", blank=True)
    notes = models.TextField("what was done", blank=True)
    plan_next = models.TextField("the plan", blank=True)
    # Codes of intake.models.PainArea (validated by the form); shown as their labels.
    areas_worked = models.JSONField("areas worked", default=list, blank=True)
    technique_used = models.ForeignKey(
        Technique,
        verbose_name="technique used",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The form offers all but "not sure".
    pressure_used = models.CharField(
        "pressure used", max_length=8, choices=Pressure.choices, blank=True
    )
    home_care = models.ManyToManyField(
        "library.Article", verbose_name="home care given", blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_score__gte=0, pain_score__lte=10), name="visit_pain_score_0_10"
            ),
            models.CheckConstraint(
                condition=Q(pain_after__isnull=True) | Q(pain_after__gte=0, pain_after__lte=10),
                name="visit_pain_after_0_10",
            ),
        ]

    def __str__(self):
        return f"Visit: {self.appointment}"

    @property
    def areas_worked_labels(self) -> list[str]:
        """The areas worked in words (never the stored codes)."""
        labels = dict(PainArea.choices)
        return [labels.get(code, code.replace("_", " ")) for code in self.areas_worked]

    @property
    def pain_before(self):
        return self.pain_score

    @property
    def editable_until(self):
        return self.recorded_at + VISIT_EDIT_WINDOW

    def editable_by(self, user, now=None) -> bool:
        """Its author, within :data:`VISIT_EDIT_WINDOW` of recording it; nobody after."""
        now = now or timezone.now()
        return (
            user.is_authenticated
            and self.recorded_by_id is not None
            and self.recorded_by_id == user.pk
            and now < self.editable_until
        )


class VisitAmendment(models.Model):
    """A note added to a visit's record after the fact: the record itself never changes."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who wrote it, copied: the record stays readable if the account goes.
    author_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Amendment to {self.visit} ({self.created_at:%Y-%m-%d %H:%M})"
