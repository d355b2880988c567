"""The health intake: the contraindication catalog, questionnaires, flags, therapist
review, physician clearance and the health-data access log.

Screening itself is pure (:mod:`intake.screening`); these models store the answers,
pass the live catalog to it and keep what it said at the time.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic import clock
from clinic.dates import add_years
from clinic.validators import validate_sensible_date
from intake import screening
from intake.catalog import CATEGORIES
from intake.signals import announce_eligibility_change

# An intake answers "how are you now": after this long it must be renewed before booking.
VALID_FOR_YEARS = 1
# A deferred client may book again this many days after the intake was completed.
DEFER_DAYS = 7


class Category(models.TextChoices):
    REFER = "refer", "Refer: medical care, not massage"
    DEFER = "defer", "Defer: not now"
    CLEARANCE = "clearance", "Clearance: physician's note first"
    LOCAL = "local", "Local: avoid or adapt one area"
    CAUTION = "caution", "Caution: adapt pressure or technique"


assert tuple(Category.values) == CATEGORIES  # the pure module and the model agree


class Outcome(models.TextChoices):
    REFER = screening.REFER, "See a doctor"
    DEFER = screening.DEFER, "Not now"
    CLEARANCE = screening.CLEARANCE, "Physician's clearance needed"
    REVIEW = screening.REVIEW, "Therapist review"
    CLEAR = screening.CLEAR, "Clear"


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


class PainArea(models.TextChoices):
    NECK = "neck", "Neck"
    SHOULDERS = "shoulders", "Shoulders"
    UPPER_BACK = "upper_back", "Upper back"
    MIDDLE_BACK = "middle_back", "Middle back"
    LOWER_BACK = "lower_back", "Lower back"
    HIPS = "hips", "Hips"
    LEGS = "legs", "Legs"


class PainCharacter(models.TextChoices):
    DULL = "dull_ache", "A dull ache"
    SHARP = "sharp", "Sharp"
    RADIATING = "radiating", "Spreading (for example down a leg or an arm)"
    STIFFNESS = "stiffness", "Stiffness"


class LikelyCause(models.TextChoices):
    INJURY = "injury", "An injury"
    POSTURE = "posture", "Posture (for example long hours at a desk)"
    OVERUSE = "overuse", "Overuse (work, sport or lifting)"
    CONDITION = "condition", "A health condition"
    UNKNOWN = "unknown", "I don't know"


class Treatment(models.TextChoices):
    PHYSIO = "physical_therapy", "Physiotherapy"
    MEDICATION = "medication", "Medicines"
    HEAT_COLD = "heat_cold", "Heat or cold"
    CHIROPRACTIC = "chiropractic", "Chiropractic"


class Pressure(models.TextChoices):
    LIGHT = "light", "Light"
    MEDIUM = "medium", "Medium"
    FIRM = "firm", "Firm"
    UNSURE = "unsure", "Not sure: let the therapist guide me"


class Decision(models.TextChoices):
    CLEARED = "cleared", "Cleared"
    CLEARED_WITH_CHANGES = "cleared_with_changes", "Cleared with changes"
    CLEARANCE_REQUIRED = "clearance_required", "Physician's clearance required"
    NOT_SUITABLE = "not_suitable", "Not suitable for massage"


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
STRENGTH = {category: rank for rank, category in enumerate(CATEGORIES)}


def stronger(*categories: str | None) -> str | None:
    """The strongest of ``categories`` (``None`` and unknown values ignored)."""
    known = [c for c in categories if c in STRENGTH]
    return min(known, key=STRENGTH.__getitem__) if known else None


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
    def effective_category(self) -> str:
        """The stronger of the category at screening and the catalog's now, if annotated."""
        return stronger(self.category, getattr(self, "live_category", None)) or self.category


class Review(models.Model):
    """A therapist's decision on an intake; the latest is copied to the intake."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="reviews")
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
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="clearances")
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
        return f"Clearance of {', '.join(self.codes)} ({self.received_on})"

    @property
    def valid_until(self) -> date:
        """The last day the clearance counts."""
        return add_years(self.received_on, VALID_FOR_YEARS) - timedelta(days=1)

    def is_valid_on(self, day: date) -> bool:
        return self.received_on <= day <= self.valid_until

    @classmethod
    def carry_over(cls, *, previous: Intake, to: Intake) -> list[Clearance]:
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
        Intake, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_log"
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
