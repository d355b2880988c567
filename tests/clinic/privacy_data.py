"""A client with something in every part of the copy: shared by the export and closure tests."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from bookings.models import (
    AftercareCheck,
    Appointment,
    DayOfCheck,
    Reassessment,
    TreatmentPlan,
    Visit,
    VisitAmendment,
)
from intake.audit import log_access
from intake.models import Clearance, Review
from tests.base import make_service
from tests.bookings.helpers import make_appointment
from tests.intake.factories import make_intake

MEDIA = "/tmp/privacy-test-media"
DOCUMENT = b"%PDF-1.4 the doctor's letter"


def task_row(task_path, args=(), kwargs=None):
    return DBTaskResult.objects.create(
        args_kwargs={"args": list(args), "kwargs": kwargs or {}},
        task_path=task_path,
        backend_name="default",
        run_after=get_date_max(),
    )


def fill_client(case, profile, *, marker, therapist, room, now=None, shift=0):
    """Two health-form versions, a decision, a clearance with its letter, a plan, a past
    visit with notes, an upcoming appointment, log rows and sent e-mails; ``marker`` in
    every free-text field. ``shift`` hours move the visits off another client's."""
    now = (now or timezone.now()) + timedelta(hours=shift)
    profile.date_of_birth = date(1980, 5, 17)
    profile.save(update_fields=["date_of_birth"])
    make_intake(profile, medications=f"old {marker}")
    intake = make_intake(
        profile,
        yes={"diabetes"},
        medications=f"meds {marker}",
        goals=f"goals {marker}",
    )
    review = Review.objects.create(
        intake=intake,
        reviewer=therapist.user,
        decision="clearance_required",
        notes=f"review {marker}",
    )
    clearance = Clearance.objects.create(
        intake=intake,
        codes=["diabetes"],
        received_on=now.date(),
        note=f"clearance {marker}",
        recorded_by=therapist.user,
        document_type="application/pdf",
    )
    clearance.document.save("letter.pdf", ContentFile(DOCUMENT), save=True)
    service = make_service(f"Massage {marker}"[:60])
    plan = TreatmentPlan.objects.create(
        client=profile,
        therapist=therapist,
        kind="acute",
        sessions_per_week=1,
        weeks=2,
        technique=service.technique,
        service=service,
        status="active",
        notes=f"plan {marker}",
    )
    past = make_appointment(
        profile,
        therapist,
        service,
        room,
        now - timedelta(days=7),
        status=Appointment.Status.COMPLETED,
        plan=plan,
        plan_sequence=1,
        checkin_confirmed_at=now - timedelta(days=8),
    )
    visit = Visit.objects.create(
        appointment=past,
        pain_score=4,
        pain_after=3,
        client_reports=f"reports {marker}",
        notes=f"visit {marker}",
        recorded_by=therapist.user,
    )
    VisitAmendment.objects.create(visit=visit, text=f"amendment {marker}", author=therapist.user)
    Reassessment.objects.create(
        appointment=past,
        plan=plan,
        pain_start=6,
        pain_now=4,
        activity=f"activity {marker}",
        function_start=7,
        function_now=4,
        by=therapist.user,
    )
    DayOfCheck.objects.create(
        appointment=past,
        fever=False,
        injury=False,
        calf=False,
        red_flag=False,
        painkillers=True,
        note=f"day-of {marker}",
        outcome="go_ahead",
        via="link",
    )
    AftercareCheck.objects.create(
        appointment=past,
        sent_at=now - timedelta(days=6),
        answer="soreness",
        answered_at=now - timedelta(days=6),
        note=f"aftercare {marker}",
    )
    upcoming = make_appointment(
        profile,
        therapist,
        service,
        room,
        now + timedelta(days=3),
        plan=plan,
        plan_sequence=2,
        cancel_reason="",
    )
    cancelled = make_appointment(
        profile,
        therapist,
        service,
        room,
        now + timedelta(days=10),
        status=Appointment.Status.CANCELLED,
        cancel_reason=f"reason {marker}",
    )
    log_access(therapist.user, client=profile, intake=intake, action="view", detail="review page")
    log_access(profile.user, client=profile, intake=intake, action="view", detail="outcome page")
    task_row("intake.tasks.send_decision_email", [review.pk])
    task_row("bookings.tasks.send_appointment_message", [upcoming.pk, "booked"])
    task_row("bookings.tasks.send_plan_message", [plan.pk])
    if profile.email:
        task_row(
            "clinic.tasks.send_account_email",
            ["confirm_email"],
            {"to": profile.email, "context": {"link": f"https://x/secret-{marker}"}},
        )
    return {
        "intake": intake,
        "review": review,
        "clearance": clearance,
        "plan": plan,
        "past": past,
        "upcoming": upcoming,
        "cancelled": cancelled,
    }


def restore_documents():
    """Put back the letters an earlier test's erasure deleted: files outlive rollbacks."""
    for clearance in Clearance.objects.exclude(document=""):
        path = Path(clearance.document.path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(DOCUMENT)
