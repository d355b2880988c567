"""Issue 9, "Also": every road to an appointment goes through the health gate.

For each path that creates, moves or reopens an appointment, and each state of the
health form that rules a visit out, the path refuses and no open visit results. The
list of paths is checked against the code: a function in bookings that writes an
appointment (creates one, moves it, or makes it booked again) and is not listed here
fails ``test_every_function_that_writes_appointments_is_in_the_matrix``.
"""

import ast
import contextlib
import pathlib
from datetime import datetime

import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.urls import reverse

from bookings import checkin
from bookings.appointments import book_appointment, release_hold, reschedule_appointment
from bookings.errors import BookingError
from bookings.models import Appointment, HoldCode, PlanKind, PlanStatus, TreatmentPlan
from bookings.plans import book_plan, start_maintenance_plan
from bookings.proposals import PlanProposal, ProposedSession
from intake.models import Decision, Intake
from tests.base import ClinicTestCase
from tests.bookings.helpers import BookingViewCase, make_appointment, utc
from tests.intake.factories import make_intake

NOW = utc(2026, 3, 2, 9, 0)  # Monday
IN_DEFER = utc(2026, 3, 5, 10, 0)  # Thursday, inside a 7-day deferral from NOW
LATER = utc(2026, 3, 11, 10, 0)  # Wednesday, day 9: deferral over


def _decide(intake, decision):
    Intake.objects.filter(pk=intake.pk).update(decision=decision, decided_at=NOW)


# Each state: (what the client's health form says, the day a visit is tried).
STATES = {
    "refer": (lambda c: make_intake(c, yes={"saddle_numbness"}), LATER),
    "defer period": (lambda c: make_intake(c, yes={"fever"}), IN_DEFER),
    "clearance missing": (lambda c: make_intake(c, yes={"diabetes"}), LATER),
    "defer + clearance": (lambda c: make_intake(c, yes={"fever", "diabetes"}), LATER),
    "not suitable": (lambda c: _decide(make_intake(c, yes={"rash"}), Decision.NOT_SUITABLE), LATER),
    "clearance required by decision": (
        lambda c: _decide(make_intake(c, yes={"fever"}), Decision.CLEARANCE_REQUIRED),
        LATER,
    ),
    "intake expired": (
        lambda c: make_intake(c, completed_at=datetime(2025, 3, 2, 9, 0, tzinfo=NOW.tzinfo)),
        LATER,
    ),
}

# Functions that write appointments but open no visit, and why.
EXEMPT = {
    "demo.seed": "demo data for a local trial (seed_demo, debug only), not a booking path",
}


def _booked_elsewhere(case, start):
    """An open appointment of the client's, the same day at 14:00 (booked before the change)."""
    return make_appointment(
        case.client_profile, case.therapist, case.service, case.room, start.replace(hour=14)
    )


def single_booking(case, start):
    book_appointment(
        client=case.client_profile,
        therapist=case.therapist,
        service=case.service,
        start=start,
        by=case.client_user,
    )


def confirm_page(case, start):
    case.login(case.client_user)
    data = {"service": case.service.pk, "therapist": case.therapist.pk, "start": start.isoformat()}
    case.client.post(reverse("bookings:confirm"), data)


def front_desk_booking(case, start):
    case.login(case.front_desk_user)
    data = {
        "service": case.service.pk,
        "therapist": case.therapist.pk,
        "start": start.isoformat(),
        "client": str(case.client_profile.public_id),
    }
    case.client.post(reverse("bookings:confirm"), data)


def client_reschedule(case, start):
    reschedule_appointment(
        appointment=_booked_elsewhere(case, start), start=start, by=case.client_user
    )


def front_desk_move(case, start):
    reschedule_appointment(
        appointment=_booked_elsewhere(case, start),
        start=start,
        by=case.front_desk_user,
        reason="Client phoned.",
    )


def _proposal(case, start):
    return PlanProposal(
        client_id=case.client_profile.pk,
        kind=PlanKind.ACUTE,
        sessions_per_week=1,
        weeks=2,
        interval_weeks=None,
        session_minutes=60,
        service_id=case.service.pk,
        technique_id=case.service.technique_id,
        reassessment_service_id=None,
        therapist_id=case.therapist.pk,
        weekdays=[start.weekday()],
        preferred_time="10:00",
        first_day=start.date().isoformat(),
        sessions=[ProposedSession(start.date().isoformat(), None, case.therapist.pk)],
    )


def plan_booking(case, start):
    proposal = _proposal(case, start)
    proposal.sessions[0].start = start.isoformat()
    book_plan(proposal=proposal, client=case.client_profile, by=case.client_user)


def plan_session_move(case, start):
    """A proposed session moved to ``start`` (the review page) and the plan confirmed."""
    proposal = _proposal(case, start)
    proposal.sessions[0].start = start.isoformat()
    proposal.sessions[0].moved = True
    book_plan(proposal=proposal, client=case.client_profile, by=case.client_user)


def booked_plan_session_move(case, start):
    plan = TreatmentPlan.objects.create(
        client=case.client_profile,
        kind=PlanKind.ACUTE,
        sessions_per_week=1,
        weeks=2,
        service=case.service,
        technique=case.service.technique,
        status=PlanStatus.ACTIVE,
    )
    appointment = _booked_elsewhere(case, start)
    Appointment.objects.filter(pk=appointment.pk).update(plan=plan)
    appointment.refresh_from_db()
    reschedule_appointment(appointment=appointment, start=start, by=case.client_user)


def maintenance_start(case, start):
    """Starting maintenance proposes a plan and books nothing: the client books it later
    through ``book_plan``, which the gate guards."""
    previous = TreatmentPlan.objects.create(
        client=case.client_profile,
        kind=PlanKind.ACUTE,
        sessions_per_week=1,
        weeks=2,
        service=case.service,
        technique=case.service.technique,
        status=PlanStatus.ACTIVE,
    )
    make_appointment(
        case.client_profile, case.therapist, case.service, case.room, utc(2026, 2, 20, 10, 0),
        plan=previous, is_reassessment=True, status="completed",
    )  # fmt: skip
    before = Appointment.objects.count()
    start_maintenance_plan(
        previous=previous, by=case.therapist_user, interval_weeks=4, session_minutes=60,
        service=case.service,
    )  # fmt: skip
    assert Appointment.objects.count() == before
    plan_booking(case, start)


def _held(case, start, code):
    appointment = make_appointment(
        case.client_profile, case.therapist, case.service, case.room, start,
        status="held", hold_code=code,
    )  # fmt: skip
    return appointment


def lifting_a_hold(case, start):
    release_hold(appointment=_held(case, start, HoldCode.HEALTH_GATE))


def checkin_no_change(case, start):
    checkin.confirm_no_change(_held(case, start, HoldCode.CHECKIN))


def checkin_after_update(case, start):
    checkin.apply_updated_intake(_held(case, start, HoldCode.REVIEW))


def admin_release(case, start):
    appointment = _held(case, start, HoldCode.STAFF)
    case.login(case.admin_user)
    case.client.post(
        reverse("admin:bookings_appointment_changelist"),
        {"action": "release_selected", ACTION_CHECKBOX_NAME: [appointment.pk]},
    )


# Path name -> how to try it. COVERS says which writing functions each path exercises.
PATHS = {
    "client single booking": single_booking,
    "confirm page": confirm_page,
    "front desk booking": front_desk_booking,
    "client reschedule": client_reschedule,
    "front desk move": front_desk_move,
    "plan booking": plan_booking,
    "plan session move (proposal)": plan_session_move,
    "plan session move (booked)": booked_plan_session_move,
    "maintenance start": maintenance_start,
    "lifting a hold": lifting_a_hold,
    "check-in: nothing changed": checkin_no_change,
    "check-in: after an update": checkin_after_update,
    "admin: lift the hold": admin_release,
}
COVERS = {
    "appointments._create": ["client single booking", "plan booking", "maintenance start"],
    "appointments.reschedule_appointment": ["client reschedule", "front desk move"],
    "appointments.release_hold": ["lifting a hold", "admin: lift the hold"],
    "checkin._confirm": ["check-in: nothing changed", "check-in: after an update"],
}


BOOKINGS = pathlib.Path("bookings")


def appointment_writers() -> set[str]:
    """``module.function`` for each function in bookings that writes an appointment.

    Writing: creating rows (``Appointment.objects.create``, any ``bulk_create``),
    ``appointment.release_hold()``, assigning ``appointment.start`` or setting
    ``appointment.status`` to booked, or an ``update()`` of an appointment's status or
    start. The model's own methods are the tools these use, so models.py is left out.
    """
    found = set()
    for path in sorted([*BOOKINGS.glob("*.py"), *BOOKINGS.glob("views/*.py")]):
        if path.name == "models.py":
            continue
        for func in ast.walk(ast.parse(path.read_text())):
            if isinstance(func, ast.FunctionDef) and any(map(_writes, ast.walk(func))):
                found.add(f"{path.stem}.{func.name}")
    return found


def _writes(node) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        target = ast.unparse(node.func)
        if target == "Appointment.objects.create" or node.func.attr == "bulk_create":
            return True
        if target == "appointment.release_hold":
            return True
        if node.func.attr == "update" and "Appointment" in target:
            return any(k.arg in ("status", "start") for k in node.keywords)
    if isinstance(node, ast.Assign):
        for target in node.targets:
            name = ast.unparse(target)
            if name == "appointment.start":
                return True
            if name == "appointment.status" and "BOOKED" in ast.unparse(node.value):
                return True
    return False


@time_machine.travel(NOW, tick=False)
class SafetyGateTests(BookingViewCase, ClinicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_clinic()

    def test_every_function_that_writes_appointments_is_in_the_matrix(self):
        assert appointment_writers() == set(COVERS) | set(EXEMPT)
        for paths in COVERS.values():
            assert set(paths) <= set(PATHS)

    def test_every_path_refuses_every_blocking_state(self):
        for state, (make_state, start) in STATES.items():
            for path, attempt in PATHS.items():
                with self.subTest(state=state, path=path):
                    sid = self._savepoint()
                    try:
                        make_state(self.client_profile)
                        with contextlib.suppress(BookingError):
                            attempt(self, start)
                        open_at_start = Appointment.objects.filter(
                            client=self.client_profile,
                            start=start,
                            status=Appointment.Status.BOOKED,
                        )
                        assert not open_at_start.exists(), f"{path} booked in state {state}"
                        held = Appointment.objects.filter(
                            client=self.client_profile, start=start, status="held"
                        )
                        for appointment in held:
                            assert appointment.hold_code != HoldCode.CHECKIN or path.startswith(
                                "check-in"
                            )
                    finally:
                        self._rollback(sid)

    def test_the_same_paths_book_when_the_form_allows_it(self):
        make_intake(self.client_profile)
        for path in ("client single booking", "client reschedule", "plan booking"):
            with self.subTest(path=path):
                sid = self._savepoint()
                try:
                    PATHS[path](self, LATER)
                    assert Appointment.objects.filter(
                        client=self.client_profile, start=LATER, status="booked"
                    ).exists()
                finally:
                    self._rollback(sid)

    def _savepoint(self):
        return transaction.savepoint()

    def _rollback(self, sid):
        transaction.savepoint_rollback(sid)
        self.client.logout()
