"""Signals bookings sends about its own events."""

from django.dispatch import Signal

# Sent by ``bookings.appointments.record_visit`` inside its transaction, once the visit is
# saved and the appointment completed: ``visit`` (a ``Visit``). Receivers (connected in
# apps.py): the course review (``bookings.reassessments``) and the rolling maintenance
# plan (``bookings.maintenance``).
visit_recorded = Signal()
