from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bookings import demo as bookings_demo
from clinic.demo import (
    ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    OWNER,
    THERAPISTS,
    seed_clinic,
)
from intake import demo as intake_demo
from library import demo as library_demo

# Each app's demo content, in order: bookings need the demo client's health form.
APP_SEEDERS = [intake_demo.seed, library_demo.seed, bookings_demo.seed]


class Command(BaseCommand):
    help = (
        "Create the demo clinic, its therapists and one demo account per role. Safe to run twice."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # Published passwords and two-step secrets would open a real clinic's records.
            raise CommandError("seed_demo makes accounts with published passwords: DEBUG only.")
        location, created = seed_clinic()
        for seed in APP_SEEDERS:
            created += seed(location=location)
        if created:
            self.stdout.write(self.style.SUCCESS("Created:"))
            for line in created:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("The demo data is already there; nothing changed.")
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        )
        for email, _first, _last, role, _staff in ACCOUNTS:
            self.stdout.write(f"  {role:<13} {email}")
        self.stdout.write(
            f"  {'Therapist':<13} {THERAPISTS[0][0]} (and {len(THERAPISTS) - 1} more)"
        )
        self.stdout.write(f"  {'Owner':<13} {OWNER[0]}")
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                f"Two-step sign-in secret for every staff account: {DEMO_TOTP_SECRET}"
            )
        )
        self.stdout.write(
            "  Add it to an authenticator app, or get the current code with\n"
            f"  python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\""
        )
