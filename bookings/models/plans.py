"""Treatment plans, and the proposal a person is reviewing before booking one."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from bookings.models.appointments import Appointment
from bookings.planning import PlanRecommendation
from clinic.models import ClientProfile, Service, Technique, Therapist


class PlanKind(models.TextChoices):
    ACUTE = "acute", "Acute"
    MAINTENANCE = "maintenance", "Maintenance"


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    # Maintenance plans only: the client paused renewals (booked visits stay), or
    # stopped the plan (its future visits cancelled).
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped"


class CourseAlert(models.TextChoices):
    """What ``bookings.progress.course_progress`` found, told once per plan (health data)."""

    NOT_IMPROVING = "not_improving", "Not improving"
    WORSE = "worse", "Worse"


class TreatmentPlanQuerySet(models.QuerySet):
    def proposed(self):
        """Plans a therapist proposed, waiting for the client to choose times and book."""
        return self.filter(status=PlanStatus.PROPOSED)

    def active(self):
        return self.filter(status=PlanStatus.ACTIVE)

    def current(self):
        """Plans under way (paused ones too) or waiting to be booked: the client's pages list them."""
        return self.filter(status__in=[PlanStatus.ACTIVE, PlanStatus.PROPOSED, PlanStatus.PAUSED])

    def not_cancelled(self):
        return self.exclude(status=PlanStatus.CANCELLED)


class TreatmentPlan(models.Model):
    """A course of treatment: acute sessions then a reassessment, or maintenance visits."""

    client = models.ForeignKey(ClientProfile, on_delete=models.CASCADE, related_name="plans")
    therapist = models.ForeignKey(
        Therapist,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        help_text="The preferred therapist; empty for anyone offering the technique.",
    )
    kind = models.CharField(max_length=16, choices=PlanKind.choices)
    sessions_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    interval_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    session_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(30), MaxValueValidator(120)]
    )
    technique = models.ForeignKey(Technique, on_delete=models.PROTECT, related_name="plans")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(
        max_length=16, choices=PlanStatus.choices, default=PlanStatus.PROPOSED
    )
    starts_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="The acute plan this maintenance plan follows.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    course_alert = models.CharField(
        max_length=16,
        choices=CourseAlert.choices,
        blank=True,
        help_text="Set once when the course stopped improving or got worse; the client "
        "and the therapist were told then.",
    )
    course_alert_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    objects = TreatmentPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="maintenance")
                | Q(sessions_per_week__isnull=False, weeks__isnull=False),
                name="plan_acute_has_cadence",
            ),
            models.CheckConstraint(
                condition=Q(kind="acute") | Q(interval_weeks__isnull=False),
                name="plan_maintenance_has_interval",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="plan_client_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} plan for {self.client}"

    def get_absolute_url(self):
        return reverse("bookings:plan_detail", args=[self.pk])

    @property
    def planned_sessions(self):
        """How many sessions the plan holds (the reassessment not included)."""
        if self.kind == PlanKind.ACUTE:
            return (self.sessions_per_week or 0) * (self.weeks or 0)
        return None

    @property
    def recommendation(self) -> PlanRecommendation:
        """This plan's cadence, as the plan form shows a recommendation."""
        return PlanRecommendation(
            kind=self.kind,
            sessions_per_week=self.sessions_per_week,
            weeks=self.weeks,
            interval_weeks=self.interval_weeks,
            session_minutes=self.session_minutes,
            reassessment=self.kind == PlanKind.ACUTE,
        )

    def cadence_text(self):
        if self.kind == PlanKind.ACUTE:
            times = "once" if self.sessions_per_week == 1 else "twice"
            return f"{times} a week for {self.weeks} weeks, then a reassessment"
        if self.interval_weeks == 1:
            return "every week"
        return f"every {self.interval_weeks} weeks"

    def progress(self):
        """{"done", "total", "reassessment", "next_number"} for "session 3 of 8, then ...".

        Counts the plan's non-cancelled sessions; uses prefetched appointments if present.
        """
        sessions = [
            appointment
            for appointment in self.appointments.all()
            if not appointment.is_reassessment and appointment.status in Appointment.OCCUPYING
        ]
        done = sum(1 for a in sessions if a.status == Appointment.Status.COMPLETED)
        total = self.planned_sessions or len(sessions)
        return {
            "done": done,
            "total": total,
            "booked": len(sessions),
            "next_number": min(done + 1, total) if total else 0,
            "reassessment": self.kind == PlanKind.ACUTE,
        }

    def progress_text(self):
        progress = self.progress()
        if not progress["total"]:
            return "No sessions booked yet."
        if progress["done"] >= progress["total"]:
            tail = "; the reassessment is next" if progress["reassessment"] else ""
            return f"All {progress['total']} sessions done{tail}."
        text = f"Session {progress['next_number']} of {progress['total']}"
        if progress["reassessment"]:
            text += ", then a reassessment"
        return text + "."


class PlanProposalDraft(models.Model):
    """The plan proposal a person is reviewing for a client, kept until it is confirmed.

    One per client and person proposing (the client, or front desk for the client); a
    new proposal replaces it. ``data`` is ``bookings.proposals.PlanProposal`` as plain
    values; ``token`` names it in the review page's forms, so that a page showing an
    older list (another tab) acts on nothing. Once confirmed, ``booked_plan`` is set and
    the row stays until it expires, so that confirming again goes to the booked plan.
    """

    client = models.ForeignKey(ClientProfile, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True)
    data = models.JSONField()
    booked_plan = models.ForeignKey(
        TreatmentPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "created_by"], name="one_plan_proposal_per_client_and_person"
            )
        ]

    def __str__(self):
        return f"Plan proposal for {self.client}"
