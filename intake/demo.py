"""Demo intakes for `manage.py seed_demo`: something for the demo therapist to review."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from clinic import clock
from clinic.models import ClientProfile
from intake.forms import CONSENT_TEXT
from intake.models import Condition, Intake


@transaction.atomic
def seed(*, location) -> list[str]:
    """Give the demo client a completed intake that waits for review. Idempotent."""
    client = ClientProfile.objects.filter(user__email="client@example.com").first()
    if client is None or client.intakes.exists():
        return []
    yes = {"varicose_veins", "pain_medication_today"}
    answers = {
        code: code in yes for code in Condition.objects.active().values_list("code", flat=True)
    }
    today = clock.today(location)
    intake = Intake.objects.create(
        client=client,
        version=1,
        steps_done=Intake.STEP_CONSENT,
        pain_areas=["lower_back", "hips"],
        pain_onset=today - timedelta(weeks=20),
        pain_now=6,
        pain_worst=8,
        pain_character=["dull_ache", "stiffness"],
        worse_with="Sitting at my desk all afternoon.",
        better_with="A walk and a hot shower.",
        likely_cause="posture",
        tried=["heat_cold", "medication"],
        goals="Get through a working day without stiffness; play with my kids.",
        stress=6,
        sleep_quality=5,
        pressure_preference="medium",
        answers=answers,
        medications="Ibuprofen when needed.",
        consent_text=CONSENT_TEXT,
        signature_name=client.full_name,
        signed_on=today,
    )
    intake.complete(on=today)
    return [f"intake: {client.full_name} (waiting for therapist review)"]
