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
    """The profile as a client edits it, and as front desk creates and edits it."""

    class Meta:
        model = ClientProfile
        fields = [name for _, names in PROFILE_FIELDSETS for name in names]
        field_classes = {"date_of_birth": DateField}
        help_texts = {
            "phone": "A number we can reach you on, for example 020 7946 0018.",
            "physician_name": "Your GP or the doctor who treats your back, if any.",
        }

    def __init__(self, *args, submit_label="Save", email_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = email_required
        self.fields["date_of_birth"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(Fieldset(legend, *names) for legend, names in PROFILE_FIELDSETS)
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
