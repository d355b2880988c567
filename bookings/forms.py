from datetime import datetime, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from bookings.appointments import check_bookable
from bookings.errors import BookingError
from bookings.models import PlanKind, TreatmentPlan, Visit
from bookings.visits import AMENDMENT_MAX_LENGTH, DETAIL_FIELDS, PRESSURES_USED
from clinic import cached, clock, contact
from clinic.formhtml import fields_html
from clinic.forms import DateField
from clinic.models import Service, Technique, Therapist, Weekday
from clinic.validators import validate_sensible_date
from intake.models import PainArea
from intake.reading import articles_allowed_for
from library.models import Article


def _helper(label, *, method="post", css="btn-primary"):
    helper = FormHelper()
    helper.form_method = method
    # Templates write the <form> tag themselves (hidden client field, action URL).
    helper.form_tag = False
    # Each button its own id (crispy names every one "submit-id-submit"), so a page with
    # two of these forms (the move page's day picker and times) has no duplicate id.
    button = Submit("submit", label, css_id=f"submit-{slugify(label)}")
    # Replace crispy's default "btn btn-primary" rather than adding to it, so an outline
    # style keeps readable text.
    button.field_classes = f"btn {css}"
    helper.add_input(button)
    return helper


def _bookable_services():
    return Service.objects.active().filter(is_reassessment=False).select_related("technique")


def _therapist_field(label="Therapist", empty_label="Anyone"):
    return forms.ModelChoiceField(
        Therapist.objects.active().select_related("user"),
        required=False,
        empty_label=empty_label,
        label=label,
    )


def parse_start(value):
    """An aware datetime from an ISO string, within the clinic's date range, or None."""
    try:
        start = datetime.fromisoformat(value)
        validate_sensible_date(start)
    except (TypeError, ValueError, ValidationError):
        return None
    return start if timezone.is_aware(start) else None


class OfferedByTherapistMixin:
    """The chosen service must be bookable with the chosen therapist (``check_bookable``)."""

    in_plan = False

    def clean(self):
        data = super().clean()
        service, therapist = data.get("service"), data.get("therapist")
        if service:
            try:
                check_bookable(service, therapist, in_plan=self.in_plan)
            except BookingError as error:
                field = "therapist" if error.code == "not_offered" else "service"
                self.add_error(field, forms.ValidationError(error.message, code=error.code))
        return data


class FastSelect(forms.Select):
    """Django's ``<select>``, written in Python instead of a template per option.

    The same HTML (the attributes crispy and the form add, ``selected`` on the chosen
    option), a fraction of the time: a list of every therapist took most of the booking
    page's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in chosen else "", label)
                for key, label in (
                    (str(v if v is not None else ""), lbl) for v, lbl in self.choices
                )
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class ReadOnceChoiceField(forms.ChoiceField):
    """A choice of model instances read once per form: the same list gives the options
    and checks the answer (a ``ModelChoiceField`` queries again for each)."""

    widget = FastSelect

    def __init__(self, *, empty_label=None, **kwargs):
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.instances = {}

    def set_instances(self, instances):
        self.instances = {str(instance.pk): instance for instance in instances}
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = empty + [(key, str(obj)) for key, obj in self.instances.items()]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.instances[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        initial = getattr(initial, "pk", initial)
        return str(initial or "") != str(data or "")


class SlotSearchForm(OfferedByTherapistMixin, forms.Form):
    """Service, therapist (or anyone), and the day to see free times for.

    The bookable services and the active therapists are read once (from the cache, else
    two queries) and serve the options, the check of the answer, and ``therapists`` for
    the page.
    """

    service = ReadOnceChoiceField(label="Service")
    therapist = ReadOnceChoiceField(label="Therapist", required=False, empty_label="Anyone")
    day = DateField()

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        # Per deploy, from the cache (clinic.cached: forgotten when staff edit them).
        self.services = cached.bookable_services()
        self.therapists = {therapist.pk: therapist for therapist in cached.active_therapists()}
        self.fields["service"].set_instances(self.services)
        self.fields["therapist"].set_instances(self.therapists.values())
        self.helper = _helper("Show free times", method="get")
        self.helper.disable_csrf = True

    def as_bootstrap(self):
        """The fields and button as ``{% crispy form %}`` writes them, in Python (crispy's
        templates took most of the page's time)."""
        button = self.helper.inputs[0]
        return fields_html(self, submit=(button.value, button.id, button.field_classes))

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < self.today:
            raise forms.ValidationError("Choose today or a later day.", code="past")
        return day


class ConfirmForm(OfferedByTherapistMixin, forms.Form):
    """The chosen time, carried in hidden fields from the times list to the confirm step."""

    service = forms.ModelChoiceField(Service.objects.none(), widget=forms.HiddenInput)
    therapist = forms.ModelChoiceField(Therapist.objects.none(), widget=forms.HiddenInput)
    start = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.active().select_related("technique")
        self.fields["therapist"].queryset = Therapist.objects.active().select_related("user")
        self.helper = _helper("Confirm booking")

    def clean_start(self):
        start = parse_start(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError("That time is not valid. Choose a time again.", code="bad")
        return start


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500
    )

    def __init__(self, *args, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = staff
        if not staff:
            self.fields["reason"].label = "Anything you would like us to know (optional)"
        self.helper = _helper("Cancel the appointment", css="btn-danger")


class RescheduleForm(forms.Form):
    start = forms.ChoiceField(label="New time", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500
    )

    def __init__(self, *args, slots=(), staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [
            (slot.isoformat(), f"{slot:%a %d %b %H:%M}") for slot in slots
        ]
        self.fields["reason"].required = staff
        if not staff:
            del self.fields["reason"]
        self.helper = _helper("Move the appointment")

    def clean_start(self):
        return parse_start(self.cleaned_data["start"])


class DayForm(forms.Form):
    date = DateField(label="Go to a date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Show", method="get", css="btn-outline-primary")
        self.helper.disable_csrf = True


class VisitForm(forms.ModelForm):
    """A visit's notes in SOAP form; ``client`` decides which home care may be chosen."""

    areas_worked = forms.MultipleChoiceField(
        label="Areas worked",
        choices=PainArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pressure_used = forms.ChoiceField(
        label="Pressure used", choices=[("", "—"), *PRESSURES_USED], required=False
    )
    home_care = forms.ModelMultipleChoiceField(
        label="Home care given",
        queryset=Article.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only articles and exercises the client's health form allows are listed.",
    )

    class Meta:
        model = Visit
        fields = list(DETAIL_FIELDS)
        labels = {
            "pain_score": "Pain before the session (0–10)",
            "pain_after": "Pain after the session (0–10)",
            "client_reports": "What the client reports",
            "findings": "What you found",
            "notes": "What was done",
            "plan_next": "The plan",
            "technique_used": "Technique used",
        }
        help_texts = {
            "pain_score": "",
            "pain_after": "Leave empty if not asked.",
            "client_reports": "Subjective: how they have been since last time, in their words.",
            "findings": "Objective: what you saw and felt (tension, range of movement).",
            "notes": "What you did, where and how.",
            "plan_next": "Next session, home care, anything to check or refer.",
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("client_reports", "findings", "notes", "plan_next")
        }

    def __init__(self, *args, client, submit="Record the visit", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("pain_score", "pain_after"):
            self.fields[name].min_value = 0
            self.fields[name].max_value = 10
            self.fields[name].widget.attrs.update({"min": 0, "max": 10})
        self.fields["technique_used"].queryset = Technique.objects.all()
        self.fields["technique_used"].empty_label = "—"
        self.fields["home_care"].queryset = articles_allowed_for(client)
        self.helper = _helper(submit)

    def _pain(self, name, *, required):
        score = self.cleaned_data.get(name)
        if score is None and not required:
            return None
        if score is None or not 0 <= score <= 10:
            raise forms.ValidationError("Give a whole number from 0 to 10.", code="range")
        return score

    def clean_pain_score(self):
        return self._pain("pain_score", required=True)

    def clean_pain_after(self):
        return self._pain("pain_after", required=False)


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label="Amendment",
        max_length=AMENDMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Added below the notes with your name and the time; the notes stay as written.",
        error_messages={"required": "Write the amendment."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add the amendment")


class PlanForm(OfferedByTherapistMixin, forms.Form):
    """The client's preferences for a treatment plan's sessions."""

    service = forms.ModelChoiceField(Service.objects.none(), empty_label=None, label="Treatment")
    therapist = _therapist_field("Preferred therapist", "Anyone offering this treatment")
    weekdays = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Days that suit you",
    )
    preferred_time = forms.TimeField(
        label="Time that suits you", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    first_day = DateField(label="Start from")

    def __init__(self, *args, today=None, opens=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        # The first day the client may book (a deferral's date): no session before it.
        self.opens = opens
        self.fields["service"].queryset = _bookable_services()
        self.fields["therapist"].queryset = Therapist.objects.active().select_related("user")
        self.hours = contact.opening_hours(None, self.today)
        described = contact.describe_hours(self.hours)
        if described:
            self.fields["preferred_time"].help_text = f"We are open {described}."
        self.helper = _helper("Propose my sessions")

    def clean_first_day(self):
        day = self.cleaned_data["first_day"]
        if day < self.today:
            raise forms.ValidationError("Choose today or a later day.", code="past")
        if self.opens and day < self.opens:
            raise forms.ValidationError(
                f"Booking opens on {self.opens:%-d %B %Y}; choose that day or a later one.",
                code="before_opening",
            )
        if day > self.today + timedelta(days=180):
            raise forms.ValidationError("Choose a day in the next six months.", code="far")
        return day

    def clean(self):
        cleaned = super().clean()
        weekdays, at = cleaned.get("weekdays"), cleaned.get("preferred_time")
        if weekdays and at is not None:
            # A 03:00 preference is refused, not moved silently to the nearest free time.
            problem = contact.outside_opening_hours(self.hours, weekdays, at)
            if problem:
                self.add_error("preferred_time", forms.ValidationError(problem, code="closed"))
        return cleaned


class MoveSessionForm(forms.Form):
    """Another time for one proposed session, and the therapist free at that time.

    ``slots`` are (start, therapist) pairs, one per start: the therapist goes with the
    time chosen, so "anyone" books whoever is actually free then.
    """

    start = forms.ChoiceField(label="Another time", widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), show_therapist=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapists = {start.isoformat(): therapist for start, therapist in slots}
        self.fields["start"].choices = [
            (
                start.isoformat(),
                f"{start:%a %d %b %H:%M} with {therapist}"
                if show_therapist
                else f"{start:%a %d %b %H:%M}",
            )
            for start, therapist in slots
        ]
        self.helper = _helper("Use this time")

    def clean_start(self):
        value = self.cleaned_data["start"]
        start = parse_start(value)
        if start is None:
            raise forms.ValidationError("That time is not valid. Choose a time again.", code="bad")
        self.cleaned_data["therapist"] = self.therapists[value]
        return start


class PlanChangeForm(forms.ModelForm):
    """The therapist changes cadence, length or technique of a plan at any time."""

    class Meta:
        model = TreatmentPlan
        fields = [
            "sessions_per_week",
            "weeks",
            "interval_weeks",
            "session_minutes",
            "technique",
            "service",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _bookable_services()
        self.helper = _helper("Save the plan")

    def clean(self):
        data = super().clean()
        if self.instance.kind == PlanKind.ACUTE:
            for name in ("sessions_per_week", "weeks"):
                if not data.get(name):
                    self.add_error(
                        name, forms.ValidationError("Required for an acute plan.", code="required")
                    )
        elif not data.get("interval_weeks"):
            self.add_error(
                "interval_weeks",
                forms.ValidationError("Required for a maintenance plan.", code="required"),
            )
        service, technique = data.get("service"), data.get("technique")
        if service and technique and service.technique_id != technique.pk:
            self.add_error(
                "service",
                forms.ValidationError(
                    "Choose a treatment that uses this technique.", code="mismatch"
                ),
            )
        return data


class MaintenanceForm(forms.Form):
    interval_weeks = forms.TypedChoiceField(
        choices=[(2, "Every 2 weeks"), (4, "Every 4 weeks")], coerce=int, label="Visits"
    )
    session_minutes = forms.TypedChoiceField(
        choices=[(60, "60 minutes"), (45, "45 minutes"), (30, "30 minutes")],
        coerce=int,
        label="Session length",
    )
    service = forms.ModelChoiceField(Service.objects.none(), empty_label=None, label="Treatment")

    def __init__(self, *args, **kwargs):
        # Shown beside the plan change form, which has fields of the same names.
        kwargs.setdefault("auto_id", "id_maintenance_%s")
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _bookable_services()
        self.helper = _helper("Start the maintenance plan")
