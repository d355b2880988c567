"""A therapist's calendar feed."""

from django.db import models
from django.utils import timezone

from bookings.models.appointments import _new_token
from clinic.models import Therapist


class CalendarFeed(models.Model):
    """A therapist's personal calendar feed, reached by a secret, revocable URL."""

    therapist = models.OneToOneField(
        Therapist, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar feed for {self.therapist}"

    @property
    def is_active(self):
        return self.revoked_at is None

    def rotate(self):
        """A new secret: the old URL stops working at once."""
        self.token = _new_token()
        self.revoked_at = None
        self.created_at = timezone.now()
        self.save(update_fields=["token", "revoked_at", "created_at"])

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
