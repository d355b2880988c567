"""``manage.py bench`` runs end to end (a smoke run; the numbers live in docs/benchmarks.md)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from bookings.models import Appointment


class BenchCommandTests(TestCase):
    def test_a_quick_run_builds_the_clinic_and_reports_every_case(self):
        out = StringIO()
        call_command("bench", "--quick", "--allow-sqlite", stdout=out)
        report = out.getvalue()
        self.assertIn("200 filler appointments", report)
        self.assertIn("availability, 1 therapist, 28 days", report)
        self.assertIn("next free time, 20 therapists", report)
        self.assertIn("first on day 14", report)
        self.assertIn("plan proposal, 8 sessions + reassessment", report)
        self.assertIn("queries  median", report)
        # 120 for the one therapist, 20 x 60 for the fully booked ones, and the filler.
        self.assertEqual(Appointment.objects.count(), 120 + 1200 + 200)

    @pytest.mark.sqlite_only
    def test_it_refuses_sqlite_unless_asked(self):
        with self.assertRaisesMessage(CommandError, "belongs on PostgreSQL"):
            call_command("bench", "--quick", stdout=StringIO())

    def test_bad_sizes_get_a_clear_message(self):
        with self.assertRaisesMessage(CommandError, "--sizes takes whole numbers"):
            call_command("bench", "--sizes", "ten", "--allow-sqlite", stdout=StringIO())
