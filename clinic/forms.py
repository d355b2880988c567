from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.validators import MaxLengthValidator

from clinic import clock, sites
from clinic.accounts import email_changed
from clinic.models import ClientProfile
from clinic.validators import validate_sensible_date

PROFILE_FIELDSETS = (
    ("About you", ["first_name", "last_name", "date_of_birth", "email", "phone"]),
    ("Emergency contact", ["emergency_contact_name", "emergency_contact_phone"]),
    (
        "Your doctor",
        ["physician_name", "physician_practice", "physician_phone", "physician_email"],
    ),
    ("How we keep in touch", ["contact_by_email", "contact_by_phone", "reminders"]),
)
# The same form as front desk fills it in, speaking to the receptionist about the client.
DESK_LEGENDS = {
    "About you": "About the client",
    "Your doctor": "The client's doctor",
    "How we keep in touch": "How we keep in touch with the client",
}
DESK_LABELS = {
    "contact_by_email": "E-mail the client about their appointments",
    "contact_by_phone": "Phone the client if something changes",
    "reminders": "Send the client a reminder before each visit",
}
DESK_HELP = {
    "phone": "A number we can reach the client on, for example 020 7946 0018.",
    "physician_name": "The client's GP or the doctor who treats their back, if any.",
    "date_of_birth": "Optional when the client would rather not say now: the health form "
    "asks for it later.",
}


class SignUpForm(forms.Form):
    """Who is asking for an account; the account is made once the address is proved."""

    first_name = forms.CharField(max_length=80)
    last_name = forms.CharField(max_length=80)
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We send a link to this address; you log in with it. We never share it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("submit", "Send me the link"))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ChoosePasswordForm(SetPasswordMixin, forms.Form):
    """The last step of sign-up, reached from the e-mailed link."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, user, **kwargs):
        # ``user`` is the account about to be made (unsaved): the validators compare
        # the password with its name and address.
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("submit", "Create my account"))

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()


class DateField(forms.DateField):
    """Every date a form takes: the browser's date picker, within the clinic's date range."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_validators = [validate_sensible_date]


class ClientProfileForm(forms.ModelForm):
    """The profile as a client edits it, and as front desk creates and edits it.

    ``desk=True``: front desk's words (about the client, not to them), and the date of
    birth may wait. ``check_duplicates=True`` (registering): a client with the same
    name and the same phone or date of birth is shown, and saved again only when
    "register anyway" is ticked.
    """

    register_anyway = forms.BooleanField(
        label="Register anyway: this is a different person", required=False
    )

    class Meta:
        model = ClientProfile
        fields = [name for _, names in PROFILE_FIELDSETS for name in names]
        field_classes = {"date_of_birth": DateField}
        help_texts = {
            "phone": "A number we can reach you on, for example 020 7946 0018.",
            "physician_name": "Your GP or the doctor who treats your back, if any.",
        }

    def __init__(
        self,
        *args,
        submit_label="Save",
        email_required=False,
        desk=False,
        check_duplicates=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.desk = desk
        self.check_duplicates = check_duplicates
        self.duplicates = []
        self.fields["email"].required = email_required
        # A caller may not want to give it on the phone; the client's own form asks.
        self.fields["date_of_birth"].required = not desk
        legends = dict(PROFILE_FIELDSETS)
        if desk:
            for name, label in DESK_LABELS.items():
                self.fields[name].label = label
            for name, text in DESK_HELP.items():
                self.fields[name].help_text = text
            legends = {DESK_LEGENDS.get(legend, legend): names for legend, names in legends.items()}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # ``register_anyway`` is rendered by the page, next to the clients it matches.
        self.helper.layout = Layout(
            *(Fieldset(legend, *names) for legend, names in legends.items())
        )
        self.helper.add_input(Submit("submit", submit_label))

    def clean_date_of_birth(self):
        dob = self.cleaned_data.get("date_of_birth")
        if dob and dob > clock.today():
            raise forms.ValidationError("The date of birth cannot be in the future.", code="future")
        return dob

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def save(self, commit=True):
        """Save; a new or changed address is told to confirm itself, the old one told."""
        old_email = self.initial.get("email", "") if self.instance.pk else ""
        profile = super().save(commit=commit)
        if commit and "email" in self.changed_data:
            email_changed(profile, old_email=old_email)
        return profile

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("phone"):
            raise forms.ValidationError(
                "Give an e-mail address or a phone number so we can reach you.",
                code="unreachable",
            )
        if not cleaned.get("email"):
            # Nobody to e-mail: a client reachable only by phone is phoned. Only when
            # registering, so that a choice made later is kept.
            cleaned["contact_by_email"] = False
            if self.instance.pk is None and cleaned.get("phone"):
                cleaned["contact_by_phone"] = True
        if self.check_duplicates and not cleaned.get("register_anyway"):
            self.duplicates = list(
                ClientProfile.objects.possible_duplicates(
                    first_name=cleaned.get("first_name", ""),
                    last_name=cleaned.get("last_name", ""),
                    date_of_birth=cleaned.get("date_of_birth"),
                    phone=cleaned.get("phone"),
                ).exclude(pk=self.instance.pk)
            )
            if self.duplicates:
                raise forms.ValidationError(
                    "A client with this name and the same phone number or date of birth "
                    "is already registered. Open them below, or tick “register anyway” if "
                    "this is a different person.",
                    code="duplicate",
                )
        return cleaned


class ClientSearchForm(forms.Form):
    q = forms.CharField(label="Find a client", required=False, max_length=100)


class LoginForm(AuthenticationForm):
    """Django's log-in form, with the e-mail field's length checked before authenticating."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets max_length after the field is built, so no validator
        # checks it: a 300-character name would reach authenticate() and django-axes.
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset links point at SITE_URL, never at the host the request claims to be for
    (only in debug with no SITE_URL set, at the address the page was served at)."""

    def save(self, **kwargs):
        site = urlsplit(sites.site_url())
        kwargs["domain_override"] = site.netloc
        kwargs["use_https"] = site.scheme == "https"
        kwargs["extra_email_context"] = {
            **(kwargs.get("extra_email_context") or {}),
            "site_name": settings.CLINIC_NAME,
        }
        return super().save(**kwargs)


class CloseAccountForm(forms.Form):
    """The client's confirmation step before asking to close their account."""

    understood = forms.BooleanField(
        label="I understand that my health records and my online account will be deleted "
        "and cannot be brought back.",
        error_messages={"required": "Tick the box to confirm, or go back to keep your account."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("close", "Ask to close my account", css_class="btn-danger"))
