"""The intake's part of closing an account (see ``clinic.closure``).

Health forms, their flags, decisions and clearances are deleted, with the clearance
documents; the access log stays (who read the record and when, never what it said) until
its keeping period ends, with the client's own name and address taken off their rows.
"""

from __future__ import annotations

from django.core.files.storage import default_storage

from clinic.export import task_rows
from clinic.models import ClientProfile
from intake.export import DECISION_TASK
from intake.models import Clearance, HealthDataAccess, Intake, Review


def erase_client(client: ClientProfile, *, reference: str) -> list[str]:
    """Delete the client's health data; the document files to delete once committed."""
    documents = sorted(
        set(
            Clearance.objects.filter(intake__client=client)
            .exclude(document="")
            .values_list("document", flat=True)
        )
    )
    reviews = list(Review.objects.filter(intake__client=client).values_list("pk", flat=True))
    task_rows([DECISION_TASK], first_args=reviews).delete()
    Intake.objects.filter(client=client).delete()
    if client.user_id:
        HealthDataAccess.objects.filter(client=client, user=client.user).update(
            user_name="the client", user_email=reference
        )
    return documents


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def purge_access_log(client: ClientProfile) -> int:
    """Delete the kept access log of a closed account; the number of rows."""
    deleted, _ = HealthDataAccess.objects.filter(client=client).delete()
    return deleted
