from django.apps import AppConfig

from intake.signals import eligibility_changed


class BookingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bookings"

    def ready(self):
        # Models can be imported only once the apps are ready.
        from bookings.recheck import on_eligibility_changed

        # Intake may not import bookings: it announces that a client's booking
        # permission may have changed, and bookings re-checks their booked visits.
        eligibility_changed.connect(on_eligibility_changed, dispatch_uid="bookings.recheck")
