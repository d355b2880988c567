"""Send the reminders and after-visit messages that are due: run it from cron every few
minutes, or with --every.

The worker sends each reminder on time when the task backend can defer tasks; this sweep
catches up on any it missed (no worker running, a mail server down) and is the way
reminders go out with a backend that cannot defer. Safe to run alongside workers and
other sweeps: each reminder and each after-visit message is claimed before it is sent,
so it goes out once.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from bookings.tasks import sweep_aftercare, sweep_reminders


class Command(BaseCommand):
    help = "Send the appointment reminders and after-visit messages that are due and not yet sent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, sweeping every this many seconds (default: sweep once).",
        )

    def handle(self, *args, every=0, **options):
        if every < 0:
            raise CommandError("--every must be a positive number of seconds.")
        while True:
            sent = sweep_reminders()
            self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
            after = sweep_aftercare()
            self.stdout.write(f"Sent {after} after-visit message{'s' if after != 1 else ''}.")
            if not every:
                return
            time.sleep(every)
