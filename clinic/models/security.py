"""Who is signed in where, and the log of sign-ins and two-step sign-in events."""

from django.db import models
from django.utils import timezone

from clinic.models.users import User


class UserSession(models.Model):
    """One signed-in session of a user: listed on "Your sessions", ended all at once when
    the password changes, the account is switched off or two-step sign-in is reset."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.user} since {self.created:%Y-%m-%d %H:%M}"


class SignInEvent(models.Model):
    """A sign-in, a failure, a lockout or a two-step event: who, when, from where.

    The address is copied as it was (for a failure, as typed), so it outlives the account.
    """

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in with the password"
        FAILED = "failed", "Wrong e-mail address or password"
        LOCKED_OUT = "locked_out", "Locked out after repeated failures"
        SIGNED_OUT = "signed_out", "Signed out"
        TIMED_OUT = "timed_out", "Signed out by the time limit"
        OTP_SET_UP = "otp_set_up", "Two-step sign-in set up"
        OTP_VERIFIED = "otp_verified", "Code from the app accepted"
        OTP_FAILED = "otp_failed", "Wrong code"
        RECOVERY_USED = "recovery_used", "Recovery code used"
        RECOVERY_CODES = "recovery_codes", "New recovery codes made"
        OTP_TURNED_OFF = "otp_off", "Two-step sign-in turned off"
        OTP_RESET = "otp_reset", "Two-step sign-in reset by an owner"
        SESSIONS_ENDED = "sessions_ended", "Sessions ended"

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=254, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["-at"], name="signin_event_at_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email or '—'}"
