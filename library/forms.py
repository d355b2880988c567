from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from clinic.formhtml import field_html
from library.models import Article


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the library",
        max_length=100,
        required=False,
        help_text="For example: sciatica, foam roller, first visit.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.attrs = {"role": "search"}
        self.helper.add_input(Submit("", "Search"))

    def q_html(self):
        """The search box as ``as_crispy_field`` writes it, without crispy's templates (on
        every library page)."""
        return field_html(self["q"])

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "topic",
            "summary",
            "body",
            "tags",
            "not_for",
            "status",
            "publish_at",
            "author",
            "last_reviewed",
            "next_review_due",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("publish_at"):
            # Publishing without a date means "now"; a date in the future schedules it.
            cleaned["publish_at"] = timezone.now()
        return cleaned
