from importlib import import_module

from django.core.management.base import BaseCommand

from clinic.demo import ACCOUNTS, DEMO_PASSWORD, THERAPISTS, seed_clinic

# Each app may add its own demo content with a `demo.seed()` function; they run in order.
APP_SEEDERS = ["intake.demo", "library.demo", "bookings.demo"]


class Command(BaseCommand):
    help = (
        "Create the demo clinic, its therapists and one demo account per role. Safe to run twice."
    )

    def handle(self, *args, **options):
        location, created = seed_clinic()
        for dotted in APP_SEEDERS:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as error:
                if error.name != dotted:
                    raise
                continue
            created += module.seed(location=location) or []
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
