"""Keep every active maintenance plan's next visits booked: run it daily from cron.

Each recorded maintenance visit renews its own plan at once; this sweep catches plans
whose visits were cancelled or missed, and plans resumed in the admin. Safe to run twice
at once (each plan is locked while it is renewed).
"""

from django.core.management.base import BaseCommand

from bookings.maintenance import renew_all


class Command(BaseCommand):
    help = "Book the next visits of every active maintenance plan, so a few are always ahead."

    def handle(self, *args, **options):
        booked, held = renew_all()
        self.stdout.write(
            f"Booked {booked} visit{'s' if booked != 1 else ''}; "
            f"{held} plan{'s' if held != 1 else ''} could not be fully renewed."
        )
