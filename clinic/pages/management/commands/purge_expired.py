"""Delete what closed accounts kept once its keeping period is over (run daily)."""

from django.core.management.base import BaseCommand

from clinic.pages.closure import purge_expired


class Command(BaseCommand):
    help = (
        "Delete the appointments, access log and last trace of closed accounts whose keeping "
        "periods (CLOSURE_RECORDS_KEEP_YEARS, CLOSURE_ACCESS_LOG_KEEP_YEARS) have ended. Safe "
        "to run again: what is gone stays gone, and nothing else is touched."
    )

    def handle(self, *args, **options):
        result = purge_expired()
        self.stdout.write(
            f"Purged {result.appointments} appointment(s), {result.log_rows} access-log row(s) "
            f"and {result.profiles} closed profile(s)."
        )
