"""The intake's one outward hook: "this client's booking permission may have changed".

Appointments belong to bookings, which imports intake and never the reverse, so intake
cannot hold a client's booked visits itself. It sends ``eligibility_changed`` (with
``client=``) whenever a completed intake, a therapist's decision or a catalog category
changes what the client may book; bookings connects the receiver that re-checks the
client's future appointments (``bookings.recheck.recheck_client``). The signal carries
no rule; it is only the boundary between the two layers.

It is sent inside the change's transaction, so the holds are written with it or not at
all; messages about them go out after the commit.
"""

from django.dispatch import Signal

eligibility_changed = Signal()


def announce_eligibility_change(client) -> None:
    """Tell listeners that ``client``'s booking permission may have changed."""
    eligibility_changed.send(sender=type(client), client=client)
