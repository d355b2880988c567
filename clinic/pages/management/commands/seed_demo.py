from django.conf import settings
from django.core.management.base import BaseCommand

from bookings import demo as bookings_demo
from clinic.demo import ACCOUNTS, DEMO_PASSWORD, OWNER, THERAPISTS, seed_clinic
from intake import demo as intake_demo
from library import demo as library_demo

# Each app's demo content, in order: bookings need the demo client's health form.
APP_SEEDERS = [intake_demo.seed, library_demo.seed, bookings_demo.seed]


class Command(BaseCommand):
    help = (
        "Create the demo clinic, its therapists and one demo account per role. Safe to run twice."
    )

    def handle(self, *args, **options):
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
        if settings.DEBUG:
            self.stdout.write(f"  {'Owner':<13} {OWNER[0]}")
