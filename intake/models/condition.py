"""The contraindication catalog: one row per condition code, editable in the admin."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from intake.catalog import CATEGORIES
from intake.models.common import Category


class ConditionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def category_map(self) -> dict[str, str]:
        """``{code: category}`` for :func:`intake.screening.screen`, inactive rows included.

        Old answers may name a row staff have since switched off; screening must still
        know it rather than fail.
        """
        return dict(self.values_list("code", "category"))


class Condition(models.Model):
    """One row of the contraindication catalog: a yes/no health question."""

    code = models.SlugField(
        max_length=60, unique=True, help_text="Stable identifier; do not rename."
    )
    category = models.CharField(max_length=12, choices=Category.choices)
    question = models.TextField(help_text="Asked of the client, in plain words, as yes or no.")
    help_text = models.CharField(max_length=300, blank=True)
    client_reason = models.TextField(
        help_text="Shown to the client when answered yes: their answer and one next step."
    )
    guidance = models.TextField(help_text="For therapists: what to avoid or adapt, and why.")
    sources = models.CharField("source note", max_length=300, blank=True)
    urgent = models.BooleanField(
        default=False, help_text="A red flag that needs emergency or urgent care today."
    )
    order = models.PositiveIntegerField(default=1000, help_text="Position in the questionnaire.")
    active = models.BooleanField(default=True, help_text="Inactive questions are not asked.")

    objects = ConditionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "contraindication"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=CATEGORIES), name="condition_category_valid"
            ),
        ]

    def __str__(self):
        return self.code
