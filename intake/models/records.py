"""What follows a sent health form: a therapist's review, a physician's clearance, and
the health-data access log."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.dates import add_years
from clinic.validators import validate_sensible_date
from intake.models.common import (
    VALID_FOR_YEARS,
    Decision,
    Pressure,
    condition_names,
    pain_area_labels,
)


class Review(models.Model):
    """A therapist's decision on an intake; the latest is copied to the intake."""

    intake = models.ForeignKey("Intake", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=24, choices=Decision.choices)
    avoid_areas = models.JSONField(default=list, blank=True)
    pressure_limit = models.CharField(max_length=8, choices=Pressure.choices, blank=True)
    notes = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["intake", "-created_at"], name="review_intake_idx")]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.intake})"

    @property
    def avoid_area_names(self) -> list[str]:
        """The areas to avoid, in words ("Lower back"), never the stored codes."""
        return pain_area_labels(self.avoid_areas)


def _clearance_path(instance, filename):
    # A random name: the client's own file name may say something about their health.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"clearances/{uuid.uuid4().hex}.{suffix}"


class Clearance(models.Model):
    """A physician's clearance recorded by a therapist, covering the codes it names.

    It is valid for 12 months from the day it was received and carries over to a new
    intake version while those codes are still answered yes.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intake = models.ForeignKey("Intake", on_delete=models.CASCADE, related_name="clearances")
    codes = models.JSONField(default=list)
    received_on = models.DateField(validators=[validate_sensible_date])
    note = models.TextField(blank=True)
    document = models.FileField(upload_to=_clearance_path, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-recorded_at"]

    def __str__(self):
        return f"Clearance of {', '.join(self.names).lower()} ({self.received_on})"

    @property
    def names(self) -> list[str]:
        """The conditions it covers, in words."""
        return condition_names(self.codes)

    @property
    def valid_until(self) -> date:
        """The last day the clearance counts."""
        return add_years(self.received_on, VALID_FOR_YEARS) - timedelta(days=1)

    def is_valid_on(self, day: date) -> bool:
        return self.received_on <= day <= self.valid_until

    @classmethod
    def carry_over(cls, *, previous, to) -> list[Clearance]:
        """Copy ``previous``'s clearances to the intake ``to``, each for the codes still
        answered yes there."""
        still_yes = set(to.flag_codes())
        copies = []
        for clearance in previous.clearances.all():
            codes = [code for code in clearance.codes if code in still_yes]
            if not codes:
                continue
            copies.append(
                cls(
                    intake=to,
                    codes=codes,
                    received_on=clearance.received_on,
                    note=clearance.note,
                    document=clearance.document.name,
                    document_type=clearance.document_type,
                    recorded_by_id=clearance.recorded_by_id,
                    recorded_at=clearance.recorded_at,
                    carried_from=clearance.carried_from or clearance,
                )
            )
        return cls.objects.bulk_create(copies)


def covered_codes(clearances, on: date) -> set[str]:
    return {code for c in clearances if c.is_valid_on(on) for code in c.codes}


class HealthDataAccess(models.Model):
    """One view, change or download of health data: who, when, whose and what."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CHANGE = "change", "Changed"
        DOWNLOAD = "download", "Downloaded"
        REVIEW = "review", "Reviewed"
        # A wrong date of birth at the desk: previous answers were not shown.
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who it was, as they were at the time: deleting or renaming a user keeps the record.
    user_name = models.CharField(max_length=200, blank=True)
    user_email = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # Empty only for reads of the log itself that span many clients.
    client = models.ForeignKey(
        "clinic.ClientProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="health_data_access",
    )
    intake = models.ForeignKey(
        "Intake", null=True, blank=True, on_delete=models.SET_NULL, related_name="access_log"
    )
    action = models.CharField(max_length=20)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "health data access"
        verbose_name_plural = "health data access log"
        indexes = [models.Index(fields=["client", "-at"], name="health_access_client_idx")]

    def __str__(self):
        who = self.user_email or "someone"
        return f"{who} {self.action} {self.client or 'the log'} at {self.at:%Y-%m-%d %H:%M}"
