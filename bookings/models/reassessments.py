"""The reassessment at the end of a course: pain and function then and now, and what next."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bookings.models.appointments import Appointment
from bookings.models.plans import TreatmentPlan
from bookings.progress import Change, change

SCORE_VALIDATORS = [MaxValueValidator(10)]


class NextStep(models.TextChoices):
    MAINTENANCE = "maintenance", "Maintenance visits at the recommended interval"
    ACUTE = "acute", "Another block of acute sessions"
    TECHNIQUE = "technique", "A new plan with another technique"
    LETTER = "letter", "A letter to the client's doctor"


class Reassessment(models.Model):
    """What a reassessment visit found. Health data: scores, the activity, the next step."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="reassessment"
    )
    plan = models.ForeignKey(
        TreatmentPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reassessments",
    )
    pain_start = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    pain_now = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    activity = models.CharField(
        max_length=200, help_text="The everyday activity the client found hard at the start."
    )
    function_start = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    function_now = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    next_step = models.CharField(max_length=16, choices=NextStep.choices, blank=True)
    follow_up = models.ForeignKey(
        TreatmentPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The plan the next step proposed.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_start__lte=10, pain_now__lte=10),
                name="reassessment_pain_0_10",
            ),
            models.CheckConstraint(
                condition=Q(function_start__lte=10, function_now__lte=10),
                name="reassessment_function_0_10",
            ),
        ]

    def __str__(self):
        return f"Reassessment: {self.appointment}"

    @property
    def client(self):
        return self.appointment.client

    @property
    def pain_change(self) -> Change:
        return change(self.pain_start, self.pain_now)

    @property
    def function_change(self) -> Change:
        return change(self.function_start, self.function_now)
