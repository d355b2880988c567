"""A client's health form (one row per version) and the flags its answers raised."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from clinic import clock
from clinic.dates import add_years
from intake import screening
from intake.models.common import (
    DEFER_DAYS,
    VALID_FOR_YEARS,
    Category,
    Decision,
    LikelyCause,
    Outcome,
    PainCharacter,
    Pressure,
    Treatment,
    choice_labels,
    condition_name,
    pain_area_labels,
    stronger,
)
from intake.models.condition import Condition
from intake.models.records import Clearance
from intake.signals import announce_eligibility_change


class IntakeQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(status=Intake.Status.COMPLETED)

    def current(self):
        return self.filter(is_current=True, status=Intake.Status.COMPLETED)

    def current_for(self, client) -> Intake | None:
        """The client's current completed intake, or ``None``."""
        return self.current().filter(client=client).first()

    def drafts(self):
        return self.filter(status=Intake.Status.DRAFT)

    def awaiting_review(self):
        """Current intakes a therapist has yet to decide on, oldest first."""
        return (
            self.current()
            .filter(outcome__in=[Outcome.DEFER, Outcome.CLEARANCE, Outcome.REVIEW], decision="")
            .order_by("completed_at", "pk")
        )

    def urgent(self):
        """Current red-flag (refer) intakes no therapist has acted on yet, oldest first.

        They lead the review queue: someone must speak to the client the same day.
        """
        return (
            self.current().filter(outcome=Outcome.REFER, decision="").order_by("completed_at", "pk")
        )

    def awaiting_clearance(self):
        """Current intakes where a therapist asked for a physician's note, oldest first."""
        return (
            self.current().filter(decision=Decision.CLEARANCE_REQUIRED).order_by("decided_at", "pk")
        )


class Intake(models.Model):
    """One version of a client's health questionnaire.

    A client has at most one *current* intake (the completed one booking follows) and at
    most one draft (being filled in); older versions stay, read-only.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Being filled in"
        COMPLETED = "completed", "Completed"

    # Steps of the questionnaire, in order.
    STEP_PAIN = 1
    STEP_HEALTH = 2
    STEP_CONSENT = 3
    STEPS = ((STEP_PAIN, "Your pain"), (STEP_HEALTH, "Health questions"), (STEP_CONSENT, "Consent"))

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clinic.ClientProfile", on_delete=models.CASCADE, related_name="intakes"
    )
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    steps_done = models.PositiveSmallIntegerField(
        default=0, help_text="The last step saved; resuming starts after it."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at_front_desk = models.BooleanField(
        default=False, help_text="Started by front desk for a client who is present."
    )
    return_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    # Step 1: the pain.
    pain_areas = models.JSONField(default=list, blank=True)
    pain_onset = models.DateField(null=True, blank=True)
    pain_now = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_worst = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_character = models.JSONField(default=list, blank=True)
    worse_with = models.TextField(blank=True)
    better_with = models.TextField(blank=True)
    likely_cause = models.CharField(max_length=12, choices=LikelyCause.choices, blank=True)
    tried = models.JSONField(default=list, blank=True)
    goals = models.TextField(blank=True)
    stress = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    sleep_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pressure_preference = models.CharField(max_length=8, choices=Pressure.choices, blank=True)

    # Step 2: health questions, {code: True/False}; a missing code is unanswered.
    answers = models.JSONField(default=dict, blank=True)
    other_conditions = models.TextField(blank=True)
    medications = models.TextField(blank=True)

    # Step 3: consent.
    consent_text = models.TextField(blank=True)
    signature_name = models.CharField(max_length=170, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    guardian_name = models.CharField(max_length=170, blank=True)
    guardian_consent = models.BooleanField(default=False)

    # Screening, as it was when the intake was completed.
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    suggested_technique = models.CharField(max_length=20, blank=True)

    # The latest therapist decision, kept here for the queue and for booking.
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-version"]
        permissions = [
            ("review_intake", "Can review intakes waiting for review"),
            # Not given to any group: staff who need it get it one by one in the admin.
            ("view_health_data", "Can see every client's health data"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_current=True),
                name="intake_one_current_per_client",
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="draft"),
                name="intake_one_draft_per_client",
            ),
            models.UniqueConstraint(
                fields=["client", "version"], name="intake_version_unique_per_client"
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="completed"),
                name="intake_current_is_completed",
            ),
            models.CheckConstraint(
                condition=Q(pain_now__isnull=True) | Q(pain_now__lte=10),
                name="intake_pain_now_0_10",
            ),
            models.CheckConstraint(
                condition=Q(pain_worst__isnull=True) | Q(pain_worst__lte=10),
                name="intake_pain_worst_0_10",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "outcome", "decision", "completed_at"],
                name="intake_review_queue_idx",
            ),
        ]

    def __str__(self):
        return f"Intake v{self.version} for {self.client}"

    def get_absolute_url(self):
        return reverse("intake:outcome", args=[self.public_id])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED

    @property
    def next_step(self) -> int:
        """The first step not yet saved (resuming a draft starts here)."""
        return min(self.steps_done + 1, self.STEP_CONSENT)

    @property
    def pain_area_names(self) -> list[str]:
        """Where it hurts, in words ("Lower back"), never the stored codes."""
        return pain_area_labels(self.pain_areas)

    @property
    def pain_character_names(self) -> list[str]:
        return choice_labels(PainCharacter, self.pain_character)

    @property
    def tried_names(self) -> list[str]:
        return choice_labels(Treatment, self.tried)

    def flag_codes(self) -> list[str]:
        """The condition codes answered yes, in catalog order of the answers."""
        return [code for code, value in self.answers.items() if value is True]

    def technique_suggestion(self) -> screening.TechniqueSuggestion:
        """The suggested technique and why it is gentle, for pages and the plan form.

        The reasons are worked out again from the stored answers, so an intake completed
        before the flags came first (and stored as deep tissue) still says Swedish.
        """
        reasons = screening.gentle_reasons(
            flags=self.flag_codes(), pressure=self.pressure_preference
        )
        technique = screening.SWEDISH if reasons else self.suggested_technique
        return screening.TechniqueSuggestion(technique, reasons)

    def pain_weeks(self, on: date) -> float | None:
        """Weeks since the pain began, as of ``on``; ``None`` when there is no pain now."""
        if not self.pain_now or self.pain_onset is None:
            return None
        return max((on - self.pain_onset).days, 0) / 7

    def pain_type(self, on: date) -> str | None:
        if self.pain_onset is None or on < self.pain_onset:
            return None
        return screening.pain_type(self.pain_onset, on)

    @property
    def completed_on(self) -> date | None:
        """The day the form was completed at the main location (``clinic.clock``).

        The defer window and the expiry count from it. Read once per instance (the zone
        costs a query), and again only if ``completed_at`` changes.
        """
        if not self.completed_at:
            return None
        cached = self.__dict__.get("_completed_on")
        if cached is None or cached[0] != self.completed_at:
            cached = (self.completed_at, clock.local_date(self.completed_at))
            self.__dict__["_completed_on"] = cached
        return cached[1]

    @property
    def expires_on(self) -> date | None:
        """The first day the intake is too old to book on."""
        return add_years(self.completed_on, VALID_FOR_YEARS) if self.completed_at else None

    def is_expired(self, on: date) -> bool:
        return self.completed_at is not None and on >= self.expires_on

    @property
    def defer_until(self) -> date | None:
        return self.completed_on + timedelta(days=DEFER_DAYS) if self.completed_at else None

    @property
    def awaiting_review(self) -> bool:
        return (
            self.is_current
            and self.is_completed
            and self.outcome in (Outcome.DEFER, Outcome.CLEARANCE, Outcome.REVIEW)
            and not self.decision
        )

    @property
    def needs_urgent_attention(self) -> bool:
        """A red flag (refer) no therapist has acted on yet; see ``IntakeQuerySet.urgent``."""
        return (
            self.is_current
            and self.is_completed
            and self.outcome == Outcome.REFER
            and not self.decision
        )

    @property
    def open_for_review(self) -> bool:
        """Waiting for a decision (urgently, for a red flag), or for a physician's note."""
        return (
            self.awaiting_review
            or self.needs_urgent_attention
            or (self.is_current and self.decision == Decision.CLEARANCE_REQUIRED)
        )

    def clearance_codes(self, flags=None) -> list[str]:
        """Codes a physician's clearance must cover before booking opens.

        Every code whose category (the stronger of then and now, see
        :attr:`IntakeFlag.effective_category`) is clearance; when a therapist asked for a
        clearance and no code is in that category, every code answered yes.
        """
        flags = list(self.flags.with_live_category() if flags is None else flags)
        codes = [f.code for f in flags if f.effective_category == Category.CLEARANCE]
        if not codes and self.decision == Decision.CLEARANCE_REQUIRED:
            codes = [f.code for f in flags]
        return codes

    def unanswered(self, codes) -> set[str]:
        """Which of ``codes`` (the active catalog's) have no explicit yes or no yet.

        Set difference, not a subset test on the keys: a question retired and another
        added while the form was being filled in leaves the new one unanswered, even
        though as many questions were answered as there are now.
        """
        return set(codes) - {code for code, value in self.answers.items() if value in (True, False)}

    def answers_prefill(self) -> dict:
        """The answers a new version starts from."""
        fields = [
            "pain_areas", "pain_onset", "pain_now", "pain_worst", "pain_character",
            "worse_with", "better_with", "likely_cause", "tried", "goals", "stress",
            "sleep_quality", "pressure_preference", "answers", "other_conditions",
            "medications",
        ]  # fmt: skip
        return {name: getattr(self, name) for name in fields}

    def complete(self, *, catalog: dict[str, str] | None = None, on: date | None = None) -> bool:
        """Screen and complete this draft; ``False`` if it was already completed.

        Idempotent, so a double submit makes one completed intake: the status changes
        with a conditional update, and only the request that changed it goes on.
        """
        on = on or clock.today()
        if catalog is None:
            catalog = Condition.objects.category_map()
        result = screening.screen(conditions=self.flag_codes(), catalog=catalog)
        codes = {code for code, _ in result.flags}
        chronic = self.pain_type(on) == screening.CHRONIC if self.pain_now else False
        suggestion = screening.suggest_technique(
            chronic=chronic,
            radiating=PainCharacter.RADIATING in self.pain_character
            or "radiating_leg_pain" in codes,
            stressed=(self.stress or 0) >= 7,
            flags=codes,
            pressure=self.pressure_preference,
        )
        now = timezone.now()
        rows = {c.code: c for c in Condition.objects.filter(code__in=codes)}
        with transaction.atomic():
            previous = (
                Intake.objects.select_for_update()
                .filter(client_id=self.client_id, is_current=True)
                .first()
            )
            changed = Intake.objects.filter(pk=self.pk, status=self.Status.DRAFT).update(
                status=self.Status.COMPLETED, completed_at=now, updated_at=now
            )
            if not changed:
                self.refresh_from_db()
                return False
            if previous is not None:
                Intake.objects.filter(pk=previous.pk).update(is_current=False)
            self.status = self.Status.COMPLETED
            self.completed_at = now
            self.is_current = True
            self.outcome = result.outcome
            self.suggested_technique = suggestion.technique
            self.save(update_fields=["is_current", "outcome", "suggested_technique"])
            IntakeFlag.objects.bulk_create(
                IntakeFlag(
                    intake=self,
                    code=code,
                    category=category,
                    client_reason=rows[code].client_reason if code in rows else "",
                    urgent=rows[code].urgent if code in rows else False,
                    position=position,
                )
                for position, (code, category) in enumerate(result.flags)
            )
            if previous is not None:
                Clearance.carry_over(previous=previous, to=self)
            announce_eligibility_change(self.client)
        return True


# Index 0 is the strongest category (refer), as in the catalog's own order.
class IntakeFlagQuerySet(models.QuerySet):
    def with_live_category(self):
        """Each flag with ``live_category``: its code's category in the catalog today.

        A flag keeps the category it had when the intake was screened; staff may since
        have made the code stronger in the catalog (say clearance to refer). Booking
        follows the stronger of the two, so the change applies to forms already sent.
        """
        live = Condition.objects.filter(code=OuterRef("code")).values("category")[:1]
        return self.annotate(live_category=Subquery(live))


class IntakeFlag(models.Model):
    """A condition answered yes, with its category and reason as they were at the time."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="flags")
    code = models.SlugField(max_length=60)
    category = models.CharField(max_length=12, choices=Category.choices)
    client_reason = models.TextField(blank=True)
    urgent = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = IntakeFlagQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "code"], name="intake_flag_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} ({self.category})"

    @property
    def name(self) -> str:
        """The condition in words (``varicose_veins`` → "Varicose veins")."""
        return condition_name(self.code)

    @property
    def effective_category(self) -> str:
        """The stronger of the category at screening and the catalog's now, if annotated."""
        return stronger(self.category, getattr(self, "live_category", None)) or self.category
