"""The clearance form's document and date checks: image bombs and dates that cannot count."""

import io
import shutil
import tempfile
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from tests.base import ClinicTestCase
from tests.intake.factories import make_intake

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
MEDIA = tempfile.mkdtemp(prefix="intake-media-")


def tearDownModule():
    shutil.rmtree(MEDIA, ignore_errors=True)


def png(width, height):
    """A one-bit PNG: a few kilobytes on disk whatever pixel size its header claims."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return SimpleUploadedFile("note.png", buffer.getvalue(), "image/png")


@override_settings(MEDIA_ROOT=MEDIA)
@time_machine.travel(NOW, tick=False)
class ClearanceDocumentTests(ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.intake = make_intake(cls.client_profile, yes={"diabetes"})
        cls.url = reverse("intake:clearance", args=[cls.intake.public_id])

    def setUp(self):
        self.login(self.therapist_user)

    def post(self, **extra):
        data = {"codes": ["diabetes"], "received_on": "2026-03-01", "note": "Fine.", **extra}
        return self.client.post(self.url, data)

    def test_a_png_that_expands_to_20000_by_20000_pixels_is_refused(self):
        response = self.post(document=png(20000, 20000))

        self.assertContains(response, "The image is too large: at most 40 megapixels.")
        self.assertFalse(self.intake.clearances.exists())

    def test_an_image_over_40_megapixels_within_pillows_own_limit_is_refused(self):
        response = self.post(document=png(7000, 6000))

        self.assertContains(response, "The image is too large: at most 40 megapixels.")
        self.assertFalse(self.intake.clearances.exists())

    def test_a_photo_sized_image_is_accepted(self):
        response = self.post(document=png(4000, 3000))

        self.assertRedirects(response, reverse("intake:review", args=[self.intake.public_id]))
        self.assertEqual(self.intake.clearances.get().document_type, "image/png")

    def test_a_file_with_a_png_signature_that_is_not_an_image_is_refused(self):
        fake = SimpleUploadedFile("note.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 300, "image/png")

        response = self.post(document=fake)

        self.assertContains(response, "This image cannot be read.")
        self.assertFalse(self.intake.clearances.exists())

    def test_a_clearance_dated_0001_01_01_is_refused(self):
        response = self.post(received_on="0001-01-01")

        self.assertContains(response, "Enter a date between 1 January 1900 and 31 December 2100.")
        self.assertFalse(self.intake.clearances.exists())

    def test_a_clearance_received_12_months_ago_or_earlier_is_refused_as_expired(self):
        for received_on in ("2025-03-02", "2020-06-01"):
            with self.subTest(received_on):
                response = self.post(received_on=received_on)
                self.assertContains(response, "A note received on this date has expired")
        self.assertFalse(self.intake.clearances.exists())

    def test_a_clearance_received_just_under_12_months_ago_is_accepted(self):
        self.post(received_on="2025-03-03")

        self.assertEqual(str(self.intake.clearances.get().received_on), "2025-03-03")
