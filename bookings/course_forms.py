"""Forms of the course of treatment: the reassessment, its next step, pausing a plan."""

from django import forms

from bookings.forms import _helper
from bookings.models import NextStep, Reassessment
from clinic.models import Service

SCORE_ATTRS = {"min": 0, "max": 10, "inputmode": "numeric"}


def _score_field(label, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs=SCORE_ATTRS),
        error_messages={
            "min_value": "Give a whole number from 0 to 10.",
            "max_value": "Give a whole number from 0 to 10.",
            "invalid": "Give a whole number from 0 to 10.",
        },
    )


class ReassessmentForm(forms.ModelForm):
    pain_now = _score_field("Pain now (0–10)", "0 is no pain, 10 the worst imaginable.")
    function_start = _score_field(
        "How hard it was at the start (0–10)", "0 is no difficulty, 10 could not do it at all."
    )
    function_now = _score_field("How hard it is now (0–10)")

    class Meta:
        model = Reassessment
        fields = ["pain_now", "activity", "function_start", "function_now"]
        labels = {"activity": "The everyday activity the client found hard at the start"}
        help_texts = {"activity": "For example: putting on socks, sitting through a meeting."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save the reassessment")

    def clean_activity(self):
        activity = self.cleaned_data["activity"].strip()
        if not activity:
            raise forms.ValidationError("Name the activity.", code="required")
        return activity


class NextStepForm(forms.Form):
    step = forms.ChoiceField(choices=NextStep.choices)
    service = forms.ModelChoiceField(
        Service.objects.none(), required=False, label="Treatment with another technique"
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            pk__in=[service.pk for service in services]
        )


class RollingPlanForm(forms.Form):
    """Pause, resume or stop a maintenance plan; stopping must be confirmed."""

    action = forms.ChoiceField(choices=[("pause", "Pause"), ("resume", "Resume"), ("stop", "Stop")])
    confirm = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "stop" and not data.get("confirm"):
            raise forms.ValidationError(
                "Tick the box to confirm that your future visits of this plan are cancelled.",
                code="confirm",
            )
        return data
