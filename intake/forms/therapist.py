"""The therapist's forms: a decision on a health form, and a physician's clearance."""

from __future__ import annotations

import warnings

import filetype
from django import forms
from PIL import Image, UnidentifiedImageError

from clinic import clock
from clinic.forms import DateField
from intake.forms.common import form_helper
from intake.models import Category, Clearance, Decision, PainArea, Pressure, condition_names

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# A phone photo of a letter is around 12 megapixels. A few kilobytes of PNG can claim
# 20000×20000 pixels (1.6 GB once decoded), so the header's size is checked first.
MAX_DOCUMENT_PIXELS = 40_000_000


def _image_pixels(upload) -> int | None:
    """Width × height from an image's header, without decoding it; None if unreadable.

    Pillow refuses (or warns about) images far over its own limit before reading any
    pixels: those count as too large.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return MAX_DOCUMENT_PIXELS + 1
    except (UnidentifiedImageError, OSError):
        return None
    finally:
        upload.seek(0)
    return width * height


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose a decision."},
    )
    avoid_areas = forms.MultipleChoiceField(
        label="Areas to avoid",
        choices=PainArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pressure_limit = forms.ChoiceField(
        label="Pressure limit",
        choices=[("", "No limit")] + [c for c in Pressure.choices if c[0] != Pressure.UNSURE],
        required=False,
    )
    notes = forms.CharField(
        label="Notes for the treating therapist",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Reason (sent to the client)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when massage is not suitable. Plain words; no diagnosis.",
    )

    def __init__(self, *args, intake, covered=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.intake = intake
        self.covered = set(covered)
        self.helper = form_helper(
            "Record decision", "decision", "avoid_areas", "pressure_limit", "notes", "reason"
        )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == Decision.NOT_SUITABLE and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                forms.ValidationError("Please give the client a reason.", code="reason_required"),
            )
        if decision == Decision.CLEARED_WITH_CHANGES and not (
            cleaned.get("avoid_areas") or cleaned.get("pressure_limit") or cleaned.get("notes")
        ):
            self.add_error(
                None,
                forms.ValidationError(
                    "Say what changes: areas to avoid, a pressure limit or a note.",
                    code="changes_required",
                ),
            )
        if decision in (Decision.CLEARED, Decision.CLEARED_WITH_CHANGES):
            needed = {f.code for f in self.intake.flags.all() if f.category == Category.CLEARANCE}
            missing = sorted(needed - self.covered)
            if missing:
                self.add_error(
                    "decision",
                    forms.ValidationError(
                        "Record the physician's clearance for %(codes)s first.",
                        code="clearance_missing",
                        params={"codes": ", ".join(condition_names(missing)).lower()},
                    ),
                )
        return cleaned


class ClearanceForm(forms.Form):
    codes = forms.MultipleChoiceField(
        label="Conditions the clearance covers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick the conditions the physician's note covers."},
    )
    received_on = DateField(label="Date received")
    note = forms.CharField(
        label="What the note says",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please summarise the physician's note."},
    )
    document = forms.FileField(
        label="Scan or photo of the note (optional)",
        required=False,
        help_text="PDF, JPEG or PNG, up to 5 MB.",
    )

    def __init__(self, *args, intake, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        # The conditions that need a clearance (Intake.clearance_codes), in words; every
        # flag when none does, so a note can still be put on file.
        flags = list(intake.flags.with_live_category())
        needed = set(intake.clearance_codes(flags))
        offered = [f for f in flags if f.code in needed] or flags
        self.fields["codes"].choices = [(f.code, f.name) for f in offered]
        self.fields["received_on"].initial = self.today
        self.helper = form_helper("Record clearance", "codes", "received_on", "note", "document")

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received > self.today:
            raise forms.ValidationError("This date is in the future.", code="future")
        if Clearance(received_on=received).valid_until < self.today:
            raise forms.ValidationError(
                "A note received on this date has expired: a clearance counts for 12 months "
                "from the day it was received. Please ask the client for a recent note.",
                code="expired",
            )
        return received

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return upload
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.", code="too_large")
        head = upload.read(261)
        upload.seek(0)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in DOCUMENT_TYPES:
            raise forms.ValidationError("Please upload a PDF, JPEG or PNG file.", code="bad_type")
        if kind.mime.startswith("image/"):
            pixels = _image_pixels(upload)
            if pixels is None:
                raise forms.ValidationError(
                    "This image cannot be read. Please upload a PDF, JPEG or PNG file.",
                    code="bad_image",
                )
            if pixels > MAX_DOCUMENT_PIXELS:
                raise forms.ValidationError(
                    "The image is too large: at most 40 megapixels. Please upload a smaller "
                    "photo or a PDF.",
                    code="too_many_pixels",
                )
        upload.detected_type = kind.mime
        upload.name = f"note.{DOCUMENT_TYPES[kind.mime]}"
        return upload
