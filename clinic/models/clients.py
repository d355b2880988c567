"""Clients as the clinic knows them, and the log of account events."""

import uuid
from datetime import date

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic import phones
from clinic.models.users import User
from clinic.validators import validate_phone, validate_sensible_date


class ClientProfileQuerySet(models.QuerySet):
    def not_closed(self):
        return self.filter(closed_at__isnull=True)

    def closure_requested(self):
        """Closures clients asked for that no owner has confirmed yet, oldest first."""
        return self.filter(closure_requested_at__isnull=False, closed_at__isnull=True).order_by(
            "closure_requested_at"
        )

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        phone = phones.search_digits(text)
        if phone is not None:
            # The same number with or without spaces, a country code or the leading 0.
            e164, digits = phone
            by_phone = Q(phone__contains=digits)
            if e164:
                by_phone |= Q(phone=e164)
            return self.filter(by_phone)
        query = Q()
        for word in text.split():
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__icontains=word)
            )
        return self.filter(query)

    def possible_duplicates(self, *, first_name, last_name, date_of_birth=None, phone=None):
        """Clients with this name and the same phone number or the same date of birth.

        Phone numbers compare in their stored E.164 form, so spaces do not matter.
        """
        if not (first_name and last_name) or not (date_of_birth or phone):
            return self.none()
        same = Q()
        if phone:
            same |= Q(phone=phone)
        if date_of_birth:
            same |= Q(date_of_birth=date_of_birth)
        return self.filter(same, first_name__iexact=first_name, last_name__iexact=last_name)


class ClientProfile(models.Model):
    """A client of the clinic: owns intakes, appointments and visits.

    The user account is optional so that front desk can serve people who phone or walk
    in, some of whom have no e-mail address.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="client_profile"
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField("e-mail", blank=True)
    # Stored in E.164 when valid (``clinic.phones``); shown with the ``phone`` filter.
    phone = phones.PhoneField(max_length=32, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_sensible_date])
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_phone = models.CharField(
        max_length=32, blank=True, validators=[validate_phone]
    )
    physician_name = models.CharField("physician's name", max_length=120, blank=True)
    physician_practice = models.CharField("physician's practice", max_length=200, blank=True)
    physician_phone = models.CharField(
        "physician's phone", max_length=32, blank=True, validators=[validate_phone]
    )
    physician_email = models.EmailField("physician's e-mail", blank=True)
    email_confirmed = models.EmailField(
        "confirmed e-mail",
        blank=True,
        editable=False,
        help_text="The address the client proved they hold by following a link sent to it.",
    )
    care_team = models.ManyToManyField(
        "Therapist",
        blank=True,
        related_name="clients",
        help_text="Therapists who treat this client; they may read the client's health records.",
    )
    contact_by_email = models.BooleanField("e-mail me about my appointments", default=True)
    contact_by_phone = models.BooleanField("phone me if something changes", default=False)
    reminders = models.BooleanField("send me a reminder before each visit", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Closing the account (clinic.closure): asked by the client, confirmed by an owner.
    closure_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the personal data was erased; what the law keeps stays until below.",
    )
    records_kept_until = models.DateField(null=True, blank=True, editable=False)
    log_kept_until = models.DateField(null=True, blank=True, editable=False)

    objects = ClientProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="client_name_idx"),
        ]
        constraints = [
            # A closed account keeps no contact details.
            models.CheckConstraint(
                condition=~Q(email="", phone="") | Q(closed_at__isnull=False),
                name="client_reachable_by_email_or_phone",
                violation_error_message="Give an e-mail address or a phone number.",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("client_detail", args=[self.public_id])

    @property
    def is_closed(self):
        return self.closed_at is not None

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date):
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def contact_email(self):
        """Where to write to this client about times and places, if anywhere."""
        return self.email or (self.user.email if self.user_id else "")

    @property
    def confirmed_email(self):
        """Where messages with health wording may go: only an address the client proved.

        The profile's address once its link was followed, else the account's log-in
        address (proved at sign-up), else nowhere. An address typed by front desk, or
        changed and not yet confirmed, gets no health wording.
        """
        if self.email and self.email.lower() == self.email_confirmed.lower():
            return self.email
        return self.user.email if self.user_id else ""


class AccountEvent(models.Model):
    """One owner's action on accounts: permissions, owner status, passwords, profile links.

    Who did it and to whom are copied as they were, so deleting a user keeps the record.
    """

    class Action(models.TextChoices):
        HEALTH_GRANTED = "health_granted", "Health-data permission granted"
        HEALTH_REMOVED = "health_removed", "Health-data permission removed"
        OWNER_GRANTED = "owner_granted", "Made an owner"
        OWNER_REMOVED = "owner_removed", "No longer an owner"
        GROUPS_CHANGED = "groups_changed", "Roles changed"
        PERMISSIONS_CHANGED = "permissions_changed", "Permissions changed"
        PASSWORD_SET = "password_set", "Password set by an owner"
        PROFILE_LINKED = "profile_linked", "Client profile linked to an account"
        PROFILE_UNLINKED = "profile_unlinked", "Client profile unlinked from an account"
        ACCOUNT_CREATED = "account_created", "Account created from an e-mailed link"
        EMAIL_CONFIRMED = "email_confirmed", "E-mail address confirmed"
        CLOSURE_REQUESTED = "closure_requested", "Client asked to close their account"
        CLOSURE_CONFIRMED = "closure_confirmed", "Account closure confirmed by an owner"
        DATA_ERASED = "data_erased", "Client's personal data erased"
        RECORDS_PURGED = "records_purged", "Kept records purged after their period"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-step sign-in reset (lost device)"

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    target = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["-at"], name="account_event_at_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target_email} by {self.actor_email or '—'}"

    @classmethod
    def record(cls, *, actor, action, target=None, target_email="", detail=""):
        known = actor is not None and actor.is_authenticated
        return cls.objects.create(
            actor=actor if known else None,
            actor_name=(actor.get_full_name() if known else "")[:200],
            actor_email=actor.email if known else "",
            target=target,
            target_email=target_email or (target.email if target is not None else ""),
            action=action,
            detail=detail[:300],
        )
