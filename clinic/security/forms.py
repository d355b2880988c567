from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The six-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isalnum():
            raise forms.ValidationError("Enter the code with letters and digits only.")
        return code


class SetupCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The six-digit code the app shows after adding the clinic."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
