"""Hold any future visit the health form now rules out: run it daily from cron.

Every change the clinic makes (a new form, a decision, a catalog category) re-checks
the client's visits at once; this sweep is the safety net for what changes with the
date alone (a clearance or a form that lapses) and for anything missed.
"""

from django.core.management.base import BaseCommand

from bookings.recheck import recheck_clients_with_open_visits


class Command(BaseCommand):
    help = "Put on hold every future appointment the client's health form no longer allows."

    def handle(self, *args, **options):
        held = recheck_clients_with_open_visits()
        self.stdout.write(f"Held {held} appointment{'s' if held != 1 else ''}.")
