"""Clients' phone numbers: one normal form for storing and searching, one for showing.

Numbers are typed as people say them ("020 7946 0018", "+44 20 7946 0018"); national
numbers are read in ``settings.CLINIC_PHONE_REGION``. A number ``phonenumbers`` can
parse and knows to be valid is stored in E.164 (``+442079460018``), so the same number
typed with or without spaces is the same number; anything else is kept as typed.
"""

import re

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from phonenumber_field import formfields, modelfields
from phonenumber_field.phonenumber import PhoneNumber, to_python

# A search text made only of what people type in a phone number.
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-]+$")


def region():
    return settings.CLINIC_PHONE_REGION


def parse(text):
    """The ``phonenumbers.PhoneNumber`` for ``text`` if it is a possible number (the
    right length for its country), or None."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, region())
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def normalise(text):
    """E.164 for a possible number; otherwise the text as typed (stripped)."""
    number = parse(text)
    if number is None:
        return str(text or "").strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(value):
    """National format for the clinic's own region, international for others; an
    unparseable number as it was typed."""
    text = "" if value is None else str(value).strip()
    number = parse(text)
    if number is None:
        return text
    same_region = number.country_code == phonenumbers.country_code_for_region(region())
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def search_digits(text):
    """For a search: (E.164 or None, the digits to look for), or None if ``text`` is not
    phone-like. The national trunk prefix (a leading 0) is dropped from the digits, since
    stored numbers carry the country code instead."""
    text = (text or "").strip()
    digits = re.sub(r"\D", "", text)
    if not _PHONE_LIKE.match(text) or len(digits) < 4:
        return None
    number = parse(text)
    e164 = (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None
    )
    return e164, digits.lstrip("0") or digits


PHONE_MESSAGE = "Enter a phone number we can dial, for example 020 7946 0018 or +44 20 7946 0018."


def validate_phone_number(value):
    """A number of the right length for its country (validity in ``phonenumbers`` would
    refuse new and reserved ranges that people do use)."""
    number = to_python(value)
    if isinstance(number, PhoneNumber) and not (
        number.country_code and phonenumbers.is_possible_number(number)
    ):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")


class PhoneInput(forms.TextInput):
    """A telephone box showing a stored number as people say it."""

    input_type = "tel"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "tel", **(attrs or {})})

    def format_value(self, value):
        return display(value) or None


class PhoneFormField(formfields.PhoneNumberField):
    default_validators = [validate_phone_number]
    widget = PhoneInput


class PhoneField(modelfields.PhoneNumberField):
    """A phone number stored in E.164 when it is a possible number, else as typed."""

    default_validators = [validate_phone_number]

    def get_prep_value(self, value):
        parsed = models.CharField.get_prep_value(self, value)
        if not parsed:
            return parsed
        if parsed.country_code and phonenumbers.is_possible_number(parsed):
            return parsed.as_e164
        return parsed.raw_input

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PhoneFormField)
        kwargs.setdefault("error_messages", {"invalid": PHONE_MESSAGE})
        return super().formfield(**kwargs)
