from django.apps import AppConfig

from intake.signals import eligibility_changed


class BookingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bookings"

    def ready(self):
        # Models can be imported only once the apps are ready.
        from bookings import maintenance, reassessments
        from bookings.recheck import on_eligibility_changed
        from bookings.signals import visit_recorded

        # Intake may not import bookings: it announces that a client's booking
        # permission may have changed, and bookings re-checks their booked visits.
        eligibility_changed.connect(on_eligibility_changed, dispatch_uid="bookings.recheck")
        # A recorded visit reviews its course (told once if it is not improving) and
        # keeps a maintenance plan's next visits booked.
        visit_recorded.connect(reassessments.on_visit_recorded, dispatch_uid="bookings.course")
        visit_recorded.connect(maintenance.on_visit_recorded, dispatch_uid="bookings.renew")
