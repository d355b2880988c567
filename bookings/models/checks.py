"""The checks around each visit: the day-of questions before it, the reply after it.

Both are health data (the client's answers about how they are): seen only by the
client, their therapists and staff with the health-data permission, and logged with
``intake.audit.log_access``. Front desk sees only the result's desk words
(``bookings.checks.desk_words``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from bookings.models.appointments import Appointment, _new_token


class DayOfOutcome(models.TextChoices):
    """What ``bookings.checks.day_of_result`` decided. Front desk never sees these labels."""

    GO_AHEAD = "go_ahead", "Go ahead"
    SPEAK = "speak", "Stop: a therapist speaks to the client first"
    URGENT = "urgent", "Stop: a red flag, urgent medical care advised"


class DayOfCheck(models.Model):
    """One set of answers to the day-of questions for one visit (the latest counts)."""

    class Via(models.TextChoices):
        LINK = "link", "The client, by the check-in link"
        DESK = "desk", "At the desk, on arrival"

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="day_of_checks"
    )
    fever = models.BooleanField("fever today")
    injury = models.BooleanField("injury in the last 72 hours")
    calf = models.BooleanField("swollen, warm, red or painful calf now")
    red_flag = models.BooleanField("a red-flag symptom now")
    painkillers = models.BooleanField("painkillers taken today")
    note = models.TextField(
        "anything else for the therapist", blank=True, help_text="The client's own words."
    )
    outcome = models.CharField(max_length=16, choices=DayOfOutcome.choices)
    via = models.CharField(max_length=8, choices=Via.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    # A stop waits for a therapist: set when one lifts the hold after speaking to the client.
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [
            models.Index(fields=["appointment", "-answered_at"], name="dayof_appt_answered_idx")
        ]

    def __str__(self):
        return f"Day-of check: {self.appointment}"

    @property
    def client(self):
        return self.appointment.client

    @property
    def stops(self):
        return self.outcome != DayOfOutcome.GO_AHEAD

    @property
    def pending(self):
        """A stop no therapist has cleared yet."""
        return self.stops and self.cleared_at is None


class AftercareAnswer(models.TextChoices):
    BETTER = "better", "I feel better"
    SORENESS = "soreness", "Some soreness or stiffness, easing"
    WORSE = "worse", "My pain is much worse than before the session"
    LASTING = "lasting", "My pain has lasted more than 48 hours since the session"
    RED_FLAG = "red_flag", "I have one of the warning signs listed below"


class AftercareCheck(models.Model):
    """The after-visit message for one visit: sent once, and the client's reply.

    The row is written when the message is claimed for sending (the unique appointment
    makes that claim safe with several workers and sweeps); ``token`` is the key of the
    reply link.
    """

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="aftercare"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    sent_at = models.DateTimeField()
    answer = models.CharField(max_length=16, choices=AftercareAnswer.choices, blank=True)
    note = models.TextField("the client's words", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    therapist_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"After-visit check: {self.appointment}"

    @property
    def client(self):
        return self.appointment.client
