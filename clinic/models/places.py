"""Places, services and timetables: locations, closures, rooms, techniques, services,
therapists, working hours and time off."""

import zoneinfo
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from simple_history.models import HistoricalRecords

from clinic.models.users import User
from clinic.validators import validate_phone, validate_sensible_date


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class LocationQuerySet(models.QuerySet):
    def main(self):
        """The first active location: whose clock and emergency numbers single-site pages use."""
        return self.filter(active=True).order_by("pk").first()


class Location(models.Model):
    name = models.CharField(max_length=120)
    address = models.TextField()
    phone = models.CharField(max_length=32, validators=[validate_phone])
    email = models.EmailField(blank=True)
    time_zone = models.CharField(
        max_length=64,
        choices=_time_zone_choices,
        default="Europe/London",
        help_text="Appointments are shown in this zone, whatever the viewer's clock says.",
    )
    emergency_number = models.CharField(
        max_length=16,
        default="999",
        help_text="Emergency services in this clinic's country (999 in the UK, 911 in the US).",
    )
    urgent_advice_number = models.CharField(
        max_length=16,
        blank=True,
        default="111",
        help_text="Urgent medical advice line, if the country has one (NHS 111 in England).",
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="Clients may reschedule or cancel without charge up to this many hours "
        "before the start; later cancellations are marked late.",
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Start times are offered from the beginning of each working block and "
        "every this many minutes after.",
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        default=12,
        help_text="Clients cannot book a start sooner than this many hours from now.",
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1)],
        help_text="Clients cannot book further ahead than this many days.",
    )
    active = models.BooleanField(default=True)

    objects = LocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5), name="location_slot_step_min_5"
            ),
            models.CheckConstraint(
                condition=Q(booking_horizon_days__gte=1), name="location_horizon_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def cancellation_cutoff(self, start):
        """The last moment a visit at ``start`` may be moved or cancelled without charge."""
        return start - timedelta(hours=self.cancellation_cutoff_hours)


class Closure(models.Model):
    """Days a location is shut: public holidays, refurbishment, training days."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(validators=[validate_sensible_date])
    end_date = models.DateField(
        help_text="The last day closed (same as the start for one day).",
        validators=[validate_sensible_date],
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="closure_end_not_before_start"
            ),
        ]
        indexes = [models.Index(fields=["location", "end_date"], name="closure_loc_end_idx")]

    def __str__(self):
        if self.start_date == self.end_date:
            return f"{self.location}: closed {self.start_date:%d %b %Y}"
        return f"{self.location}: closed {self.start_date:%d %b} – {self.end_date:%d %b %Y}"

    def clean(self):
        super().clean()
        # Said here in words, before the database constraint would refuse it by name.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {
                    "end_date": ValidationError(
                        "The last day closed cannot be before the first day closed.",
                        code="end_before_start",
                    )
                }
            )


class Room(models.Model):
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"], name="room_name_unique_per_location"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.location})"


class TechniqueQuerySet(models.QuerySet):
    def with_offered(self):
        """Each technique with ``is_offered``: whether clients can book it, that is
        whether at least one active service (not the reassessment visit) uses it."""
        return self.annotate(
            is_offered=Exists(
                Service.objects.filter(technique=OuterRef("pk"), active=True, is_reassessment=False)
            )
        )

    def offered(self):
        return self.with_offered().filter(is_offered=True)


class Technique(models.Model):
    """A massage technique; services use one, therapists offer several."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)

    objects = TechniqueQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Service(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    technique = models.ForeignKey(Technique, on_delete=models.PROTECT, related_name="services")
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MaxValueValidator(120)],
        help_text="Time kept free after each appointment to reset the room and write notes.",
    )
    price = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    description = models.TextField(blank=True)
    is_reassessment = models.BooleanField(
        default=False, help_text="The visit that closes an acute treatment plan."
    )
    rooms = models.ManyToManyField(
        Room,
        blank=True,
        related_name="services",
        help_text="Rooms equipped for this service; leave empty for any room at the location.",
    )
    active = models.BooleanField(default=True)

    objects = ServiceQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[rooms])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="service_duration_positive"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self):
        return self.name


class TherapistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, user__is_active=True)

    def offering(self, service):
        return self.filter(techniques=service.technique_id)


class Therapist(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="therapist")
    bio = models.TextField(blank=True)
    techniques = models.ManyToManyField(Technique, related_name="therapists")
    locations = models.ManyToManyField(Location, related_name="therapists")
    active = models.BooleanField(default=True)
    registration_number = models.CharField(
        max_length=64,
        blank=True,
        help_text="The therapist's professional registration or licence number (for example "
        "their number on a voluntary register, or a state licence). Printed on receipts, "
        "which insurers ask for.",
    )

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self):
        return self.user.get_full_name() or self.user.email

    @property
    def name(self):
        return str(self)


class Weekday(models.IntegerChoices):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class WorkingHoursQuerySet(models.QuerySet):
    def in_force(self, start, end):
        """Rows whose valid dates overlap the dates from ``start`` to ``end``, inclusive."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end),
            Q(valid_until__isnull=True) | Q(valid_until__gte=start),
        )


class WorkingHours(models.Model):
    """One weekly block a therapist works at a location, in the location's local time.

    Valid-from and valid-until dates let a new timetable start on a given day while the
    old one still governs the days before it.
    """

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField(null=True, blank=True, validators=[validate_sensible_date])
    valid_until = models.DateField(null=True, blank=True, validators=[validate_sensible_date])

    objects = WorkingHoursQuerySet.as_manager()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="working_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="working_hours_valid_range",
            ),
        ]
        indexes = [
            models.Index(fields=["therapist", "weekday"], name="working_hours_ther_day_idx"),
        ]

    def __str__(self):
        return (
            f"{self.therapist}: {self.get_weekday_display()} "
            f"{self.start_time:%H:%M}–{self.end_time:%H:%M} at {self.location}"
        )

    # Set by a form set that checks its rows together (the therapist's admin inline),
    # where the rows in the database are about to change as well.
    overlaps_checked_by_formset = False

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError(
                {"end_time": "The block must end after it starts."}, code="end_before_start"
            )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": "This date is before the valid-from date."}, code="bad_range"
            )
        if self.therapist_id and not self.overlaps_checked_by_formset:
            clash = next((row for row in self.possible_clashes() if self.clashes_with(row)), None)
            if clash is not None:
                raise self.clash_error(clash)

    def possible_clashes(self):
        """The therapist's other rows on the same weekday (the only ones that can clash)."""
        return (
            WorkingHours.objects.filter(therapist_id=self.therapist_id, weekday=self.weekday)
            .exclude(pk=self.pk)
            .select_related("location")
        )

    def clashes_with(self, other):
        """Could both rows apply at once? Same therapist and weekday, overlapping times
        and overlapping valid dates (an empty date is open-ended). A therapist cannot
        work two blocks at once, at one location or two, so such rows are refused: the
        same start would be offered twice."""
        if None in (self.weekday, self.start_time, self.end_time):
            return False
        if None in (other.weekday, other.start_time, other.end_time):
            return False
        if self.therapist_id != other.therapist_id or self.weekday != other.weekday:
            return False
        if not (self.start_time < other.end_time and other.start_time < self.end_time):
            return False
        starts_after_other_ends = (
            self.valid_from and other.valid_until and self.valid_from > other.valid_until
        )
        ends_before_other_starts = (
            self.valid_until and other.valid_from and self.valid_until < other.valid_from
        )
        return not (starts_after_other_ends or ends_before_other_starts)

    def clash_error(self, other):
        when = "open-ended"
        if other.valid_from or other.valid_until:
            first = f"{other.valid_from:%d %b %Y}" if other.valid_from else "the start"
            last = f"{other.valid_until:%d %b %Y}" if other.valid_until else "open-ended"
            when = f"valid from {first} until {last}"
        return ValidationError(
            f"This block overlaps {other.get_weekday_display()} "
            f"{other.start_time:%H:%M}–{other.end_time:%H:%M} at {other.location} "
            f"({when}). To start a new timetable, set the old row's valid-until date to "
            "the day before the new row's valid-from date, or change the times.",
            code="overlapping_hours",
        )


class TimeOff(models.Model):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="time_off_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["therapist", "end"], name="time_off_ther_end_idx")]

    def __str__(self):
        return f"{self.therapist}: off {self.start:%d %b %Y %H:%M} – {self.end:%d %b %Y %H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError(
                {"end": "Time off must end after it starts."}, code="end_before_start"
            )
