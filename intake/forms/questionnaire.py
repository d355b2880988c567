"""The health questionnaire's forms: the three steps, and the desk's date-of-birth check."""

from __future__ import annotations

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import HTML, Div, Fieldset
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.html import escape

from clinic import clock
from clinic.forms import DateField
from intake.forms.common import form_helper
from intake.models import (
    Category,
    Intake,
    LikelyCause,
    PainArea,
    PainCharacter,
    Pressure,
    Treatment,
)

CONSENT_TEXT = (
    "I have answered these questions truthfully and to the best of my knowledge. I "
    "understand they are a safety check before massage, not a medical assessment. I will "
    "tell my therapist before my visit if anything changes. I agree to massage treatment "
    "that my therapist adapts to these answers, and I know I can ask them to stop at any "
    "time. I agree that the clinic keeps these answers privately and that only the people "
    "caring for me may read them."
)

SCALE = [(n, str(n)) for n in range(11)]
YES_NO = [("yes", "Yes"), ("no", "No")]
ANSWER_REQUIRED = "Please answer yes or no."


def _scale_field(label, help_text=""):
    """A 0–10 rating answered with radio buttons (no default: it must be chosen)."""
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": "Please choose a number from 0 to 10."},
    )


def _normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class PainForm(forms.ModelForm):
    """Step 1: where it hurts, since when, how much, and what the client hopes for."""

    pain_areas = forms.MultipleChoiceField(
        label="Where is your pain?",
        choices=PainArea.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every area that hurts. You can also tap the body outline.",
        error_messages={"required": "Please tick at least one area."},
    )
    pain_onset = DateField(
        label="When did this pain start?",
        help_text="Your best guess is fine.",
        error_messages={"required": "Please give the date your pain started, roughly."},
    )
    pain_now = _scale_field(
        "How much does it hurt right now?",
        "0 is no pain at all, 10 the worst pain you can imagine.",
    )
    pain_worst = _scale_field("At its worst in the last week, how much did it hurt?")
    pain_character = forms.MultipleChoiceField(
        label="What is it like?",
        choices=PainCharacter.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    likely_cause = forms.ChoiceField(
        label="What do you think started it?",
        choices=LikelyCause.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose one; \u201cI don't know\u201d is fine."},
    )
    tried = forms.MultipleChoiceField(
        label="What have you tried for it?",
        choices=Treatment.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    stress = _scale_field("How stressed have you felt lately?", "0 is not at all, 10 is extremely.")
    sleep_quality = _scale_field(
        "How well have you been sleeping?", "0 is very badly, 10 is very well."
    )
    pressure_preference = forms.ChoiceField(
        label="What pressure do you like?",
        choices=Pressure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose one; \u201cNot sure\u201d is fine."},
    )

    class Meta:
        model = Intake
        fields = [
            "pain_areas", "pain_onset", "pain_now", "pain_worst", "pain_character",
            "worse_with", "better_with", "likely_cause", "tried", "goals", "stress",
            "sleep_quality", "pressure_preference",
        ]  # fmt: skip
        labels = {
            "worse_with": "What makes it worse?",
            "better_with": "What makes it better?",
            "goals": "What would you like to get back to, or do more easily?",
        }
        widgets = {
            "worse_with": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
            "better_with": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
            "goals": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        }

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        for name in ("worse_with", "better_with", "goals"):
            self.fields[name].max_length = 1000
            self.fields[name].validators.append(MaxLengthValidator(1000))
        self.helper = form_helper(
            "Save and continue",
            Fieldset(
                "Where it hurts",
                HTML('{% include "intake/body_map.html" %}'),
                Div("pain_areas", css_class="body-map-checkboxes"),
            ),
            Fieldset(
                "When and how much",
                "pain_onset",
                InlineRadios("pain_now"),
                InlineRadios("pain_worst"),
            ),
            Fieldset(
                "What it is like",
                "pain_character",
                "worse_with",
                "better_with",
                "likely_cause",
                "tried",
            ),
            Fieldset(
                "You and your goals",
                "goals",
                InlineRadios("stress"),
                InlineRadios("sleep_quality"),
                "pressure_preference",
            ),
        )

    def clean_pain_onset(self):
        onset = self.cleaned_data["pain_onset"]
        if onset > self.today:
            raise forms.ValidationError("This date is in the future.", code="future")
        return onset

    def clean(self):
        cleaned = super().clean()
        now, worst = cleaned.get("pain_now"), cleaned.get("pain_worst")
        if now is not None and worst is not None and worst < now:
            self.add_error(
                "pain_worst",
                forms.ValidationError(
                    "Your worst pain in the last week cannot be lower than your pain now.",
                    code="worst_below_now",
                ),
            )
        return cleaned


# Step 2's questions come in one fieldset per catalog category, strongest first (so the
# symptoms that need a doctor lead), each under a heading in the client's words.
QUESTION_GROUPS = {
    Category.REFER: "Symptoms to check first",
    Category.DEFER: "How you are at the moment",
    Category.CLEARANCE: "Health conditions and their treatment",
    Category.LOCAL: "Skin, veins and parts of the body to avoid",
    Category.CAUTION: "Medicines, pregnancy and how you like the pressure",
}
OTHER_QUESTIONS = "Other questions"


def question_groups(conditions) -> list[tuple[str, list]]:
    """``conditions`` grouped by category (catalog order kept within each group)."""
    groups: dict[str, list] = {}
    for condition in conditions:
        heading = QUESTION_GROUPS.get(condition.category, OTHER_QUESTIONS)
        groups.setdefault(heading, []).append(condition)
    order = [*QUESTION_GROUPS.values(), OTHER_QUESTIONS]
    return sorted(groups.items(), key=lambda item: order.index(item[0]))


class HealthForm(forms.Form):
    """Step 2: one explicit yes or no per active catalog question; no default answer."""

    other_conditions = forms.CharField(
        label="Anything else about your health we should know?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    medications = forms.CharField(
        label="Which medicines do you take at the moment?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Include tablets, injections, patches and creams. Write \u201cnone\u201d if none.",
    )

    def __init__(self, *args, conditions, intake=None, **kwargs):
        if intake is not None and "initial" not in kwargs:
            initial = {
                f"q_{code}": "yes" if value else "no" for code, value in intake.answers.items()
            }
            initial["other_conditions"] = intake.other_conditions
            initial["medications"] = intake.medications
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.conditions = list(conditions)
        questions = {}
        for condition in self.conditions:
            questions[f"q_{condition.code}"] = forms.ChoiceField(
                label=condition.question,
                # Crispy forms (like Django) print help text unescaped, as trusted markup;
                # catalog rows are typed in the admin, so they are escaped here.
                help_text=escape(condition.help_text),
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": ANSWER_REQUIRED, "invalid_choice": ANSWER_REQUIRED},
            )
        # Questions first, in catalog order (urgent symptoms lead), then the free text.
        self.fields = {**questions, **self.fields}
        self.helper = form_helper(
            "Save and continue",
            *(
                Fieldset(
                    heading,
                    *(InlineRadios(f"q_{c.code}") for c in group),
                    css_class="health-question-group border rounded p-3 mb-3",
                )
                for heading, group in question_groups(self.conditions)
            ),
            Fieldset("In your own words", "other_conditions", "medications"),
        )

    def answers(self) -> dict[str, bool]:
        return {c.code: self.cleaned_data[f"q_{c.code}"] == "yes" for c in self.conditions}

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("q_other_serious_condition") == "yes"
            and not cleaned.get("other_conditions", "").strip()
        ):
            self.add_error(
                "other_conditions",
                forms.ValidationError(
                    "Please add a few words about the other condition you told us about.",
                    code="other_condition_detail",
                ),
            )
        return cleaned


class ConsentForm(forms.Form):
    """Step 3: the consent text, the typed name as a signature, and a guardian if under 18."""

    agree = forms.BooleanField(
        label="I have read and agree to the statement above.",
        error_messages={"required": "Please tick the box to agree, or contact us with questions."},
    )
    signature_name = forms.CharField(
        label="Type your full name as your signature",
        max_length=170,
        error_messages={"required": "Please type your full name."},
    )
    guardian_name = forms.CharField(
        label="Parent or guardian's full name",
        max_length=170,
        required=False,
        help_text="Needed if you are under 18.",
    )
    guardian_consent = forms.BooleanField(
        label="As parent or guardian, I agree to this treatment.",
        required=False,
    )

    def __init__(self, *args, client, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.today = today or clock.today()
        age = client.age_on(self.today)
        self.is_minor = age is not None and age < 18
        fields = ["agree", "signature_name"]
        if self.is_minor:
            fields += ["guardian_name", "guardian_consent"]
            self.fields["guardian_name"].required = True
            self.fields["guardian_name"].error_messages["required"] = (
                "Please give the name of a parent or guardian."
            )
        else:
            del self.fields["guardian_name"]
            del self.fields["guardian_consent"]
        self.helper = form_helper(
            "Send my health form",
            HTML(f'<p class="form-text">Date: {self.today:%-d %B %Y}</p>'),
            *fields,
        )

    def clean_signature_name(self):
        typed = self.cleaned_data["signature_name"]
        if _normalise_name(typed) != _normalise_name(self.client.full_name):
            raise forms.ValidationError(
                "Please type your name as it appears on your details: %(name)s.",
                code="name_mismatch",
                params={"name": self.client.full_name},
            )
        return " ".join(typed.split())

    def clean(self):
        cleaned = super().clean()
        if self.is_minor and not cleaned.get("guardian_consent"):
            self.add_error(
                "guardian_consent",
                forms.ValidationError(
                    "A parent or guardian needs to agree for anyone under 18.",
                    code="guardian_consent",
                ),
            )
        return cleaned


class BirthDateForm(forms.Form):
    """At the desk, the client proves who they are before their previous answers are shown.

    The device belongs to front desk, so being logged in says nothing about who holds it.
    """

    date_of_birth = forms.DateField(
        label="Your date of birth",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Please type your date of birth.",
            "invalid": "Please type your date of birth as a date.",
        },
    )

    def __init__(self, *args, client, submit_label="Show my answers", **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.helper = form_helper(submit_label, "date_of_birth")

    def clean_date_of_birth(self):
        day = self.cleaned_data["date_of_birth"]
        if self.client.date_of_birth is None or day != self.client.date_of_birth:
            raise forms.ValidationError(
                "That date of birth does not match our records.", code="mismatch"
            )
        return day
