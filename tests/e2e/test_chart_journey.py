"""Issue 11 in a browser: the therapist's chart at the table and a course that adapts.

A therapist opens an appointment and sees what to avoid before starting, records a few
visits, sees the pain line and the plan on one chart; the course is not working and
says so; the reassessment turns it into the next plan. Then every page the issue added
is read on a 375 px phone.
"""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import checks
from bookings.models import (
    AftercareCheck,
    Appointment,
    PlanStatus,
    Reassessment,
    TreatmentPlan,
    Visit,
)
from clinic.models import Role, Room
from intake.models import Review
from tests.base import PASSWORD, make_client, make_location, make_service, make_therapist, make_user
from tests.bookings.helpers import make_appointment
from tests.intake.factories import make_intake

PHONE = {"width": 375, "height": 800}
# Set to a folder to look at each phone page while working on them.
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def log_in(page, live_server, user, *, next_path="/"):
    """Sign ``user`` in through the log-in page, as a person would.

    Every staff log-in in this file goes through here: when sign-in gains a second step
    (two-factor), only this function changes.
    """
    from clinic.roles import is_staff_member
    from tests.e2e.conftest import log_in_staff

    if is_staff_member(user):
        log_in_staff(page, live_server.url, user)
        if next_path != "/":
            page.goto(f"{live_server.url}{next_path}")
        return
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user.email} could not log in"


def fits(page):
    """Nothing scrolls sideways at this width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# The elements that stick out on the right, for the failure message.
OVERFLOW_JS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ': ' + (e.textContent || '').trim().slice(0, 40))"""


def _course(now):
    """Ann, her reviewed health form, her therapist and an acute plan that is not working:
    three weekly sessions from five weeks ago (not yet recorded), today's reassessment,
    and a session booked next week."""
    location = make_location()
    room = Room.objects.create(location=location, name="Room 1")
    service = make_service()
    make_service("Deep tissue massage", technique="deep_tissue")
    review_service = make_service("Reassessment visit", minutes=30, is_reassessment=True)
    therapist = make_therapist("theo@example.com", location=location)
    therapist.registration_number = "CNHC-0042117"
    therapist.save(update_fields=["registration_number"])
    ann = make_client("ann@example.com", first_name="Ann", last_name="Client").client_profile
    intake = make_intake(ann, pain_now=6, yes={"varicose_veins"})
    Review.objects.create(
        intake=intake,
        reviewer=therapist.user,
        decision="cleared_with_changes",
        avoid_areas=["legs"],
        pressure_limit="light",
        notes="Keep strokes light over the calves.",
    )
    ann.care_team.add(therapist)
    plan = TreatmentPlan.objects.create(
        client=ann,
        therapist=therapist,
        kind="acute",
        sessions_per_week=1,
        weeks=4,
        technique=service.technique,
        service=service,
        status=PlanStatus.ACTIVE,
    )
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    sessions = [
        make_appointment(
            ann,
            therapist,
            service,
            room,
            start - timedelta(weeks=5 - week),
            plan=plan,
            plan_sequence=week + 1,
        )
        for week in range(3)
    ]
    review = make_appointment(
        ann,
        therapist,
        review_service,
        room,
        start,
        plan=plan,
        plan_sequence=4,
        is_reassessment=True,
    )
    ahead = make_appointment(
        ann, therapist, service, room, start + timedelta(days=7), plan=plan, plan_sequence=5
    )
    return {
        "therapist": therapist,
        "ann": ann,
        "plan": plan,
        "sessions": sessions,
        "review": review,
        "ahead": ahead,
        "intake": intake,
    }


@pytest.mark.django_db(transaction=True)
def test_the_chart_at_the_table_and_a_course_that_adapts(live_server, browser):
    data = _course(timezone.now())
    therapist, plan, review = data["therapist"], data["plan"], data["review"]
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, therapist.user)

    # Before starting: the appointment page shows what to avoid, at the top.
    first = data["sessions"][0]
    page.goto(f"{live_server.url}/bookings/appointments/{first.pk}/")
    safety = page.locator("[data-safety]")
    assert "Legs" in safety.locator("[data-safety-areas]").inner_text()
    assert "At most light" in safety.locator("[data-safety-pressure]").inner_text()
    assert (
        page.locator("[data-safety]").bounding_box()["y"]
        < (page.get_by_text("Client", exact=True).bounding_box()["y"])
    )

    # A few visits, each through the visit form that opens with the same safety part.
    for session, (before, after) in zip(data["sessions"], ((6, 5), (6, 5), (6, 6)), strict=True):
        page.goto(f"{live_server.url}/bookings/appointments/{session.pk}/")
        page.get_by_role("link", name="Record the visit").click()
        assert page.locator("[data-safety]").is_visible()
        page.fill("#id_pain_score", str(before))
        page.fill("#id_pain_after", str(after))
        page.fill("#id_notes", "Light effleurage, upper and lower back; legs avoided.")
        page.get_by_role("button", name="Record the visit").click()
        page.wait_for_load_state()
    assert Visit.objects.filter(appointment__plan=plan).count() == 3

    # Five weeks on and no better: the course says so, on the day, and on the chart.
    plan.refresh_from_db()
    assert plan.course_alert == "not_improving"
    page.goto(f"{live_server.url}/today/")
    notice = page.locator("[data-course-notice]").first
    assert "Not improving after 4 weeks" in notice.inner_text()
    notice.click()
    page.wait_for_load_state()
    assert f"/bookings/clients/{data['ann'].pk}/chart/" in page.url

    # One chart: the pain line (three points, the band) and the plan with its notice.
    chart = page.locator("svg.pain-chart-svg")
    assert chart.is_visible()
    assert chart.locator("circle").count() >= 3
    assert page.locator(f"[data-plan='{plan.pk}']").is_visible()
    assert "Not improving" in page.locator("[data-course-alert]").inner_text()
    page.get_by_text("The scores as a table").click()
    assert page.locator(".pain-chart-table tbody tr").count() >= 3

    # The reassessment: from its appointment, record the visit, then the reassessment.
    page.goto(f"{live_server.url}/bookings/appointments/{review.pk}/")
    assert page.locator("[data-safety]").is_visible()
    page.get_by_role("link", name="Record the visit").click()
    page.fill("#id_pain_score", "6")
    page.get_by_role("button", name="Record the visit").click()
    page.wait_for_url(f"**/bookings/appointments/{review.pk}/reassessment/")
    page.fill("#id_pain_now", "6")
    page.fill("#id_activity", "Sitting through a meeting")
    page.fill("#id_function_start", "7")
    page.fill("#id_function_now", "6")
    page.get_by_role("button", name="Save the reassessment").click()
    page.wait_for_load_state()
    assert page.get_by_text("If pain persists or worsens, see a doctor.").first.is_visible()
    assert "1 visit still booked" in page.locator("[data-replaced-visits]").inner_text()

    # The suggested letter to the doctor, printable, with the registration number.
    page.get_by_role("button", name="Letter to the client's doctor (suggested)").click()
    page.wait_for_url("**/reassessment/letter/")
    assert "CNHC-0042117" in page.locator("[data-letter-signer]").inner_text()
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert not page.locator("footer").is_visible()
    page.emulate_media(media="screen")

    # ...and the next plan: another acute block, proposed for Ann to choose times.
    page.get_by_role("link", name="Back to the reassessment").click()
    page.get_by_role("button", name="Another acute block").click()
    page.wait_for_load_state()
    follow_up = TreatmentPlan.objects.get(previous=plan)
    assert page.url.endswith(f"/bookings/plans/{follow_up.pk}/")
    assert follow_up.status == PlanStatus.PROPOSED
    assert Reassessment.objects.get().next_step == "acute"
    data["ahead"].refresh_from_db()
    assert data["ahead"].status == Appointment.Status.CANCELLED
    assert errors == []
    context.close()

    # Ann sees it too: the notice, her pain line, and the new plan waiting for her times.
    client_context = browser.new_context(viewport=PHONE)
    phone = client_context.new_page()
    log_in(phone, live_server, data["ann"].user, next_path="/dashboard/")
    phone.goto(f"{live_server.url}/dashboard/")
    assert phone.locator("svg.pain-chart-svg").is_visible()
    assert phone.locator("[data-dashboard-plan='proposed']").is_visible()
    assert fits(phone)
    client_context.close()


@pytest.mark.django_db(transaction=True)
def test_every_issue_11_page_fits_a_phone(live_server, browser):
    now = timezone.now()
    data = _course(now)
    therapist, ann, plan, review = data["therapist"], data["ann"], data["plan"], data["review"]
    for session, score in zip(data["sessions"], (7, 6, 6), strict=True):
        Appointment.objects.filter(pk=session.pk).update(status=Appointment.Status.COMPLETED)
        Visit.objects.create(
            appointment=session,
            pain_score=score,
            pain_after=score - 1,
            client_reports="Stiff in the mornings, worse after long drives to work and back.",
            notes="Light effleurage; legs avoided.",
            areas_worked=["upper_back", "lower_back"],
            recorded_by=therapist.user,
            recorded_at=now - timedelta(hours=1),
        )
    Appointment.objects.filter(pk=review.pk).update(status=Appointment.Status.COMPLETED)
    Visit.objects.create(appointment=review, pain_score=6, recorded_by=therapist.user)
    TreatmentPlan.objects.filter(pk=plan.pk).update(course_alert="not_improving")
    Reassessment.objects.create(
        appointment=review,
        plan=plan,
        pain_start=7,
        pain_now=6,
        activity="Sitting through a meeting",
        function_start=7,
        function_now=6,
        by=therapist.user,
        at=now,
    )
    rolling = TreatmentPlan.objects.create(
        client=ann,
        therapist=therapist,
        kind="maintenance",
        interval_weeks=4,
        technique=plan.technique,
        service=plan.service,
        status=PlanStatus.PAUSED,
        paused_at=now,
    )
    today = data["ahead"]
    Appointment.objects.filter(pk=today.pk).update(
        start=now - timedelta(minutes=30),
        end=now + timedelta(minutes=30),
        # The range the exclusion constraints hold moves with it (end plus the buffer).
        blocked_until=now + timedelta(minutes=30 + today.service.buffer_minutes),
    )
    checks.record_day_of(
        today, {**dict.fromkeys(checks.ANSWERS, False), "painkillers": True}, via="link"
    )
    aftercare = AftercareCheck.objects.create(appointment=review, sent_at=now)
    # Tomorrow's visit: its check-in link asks the day-of questions from today.
    tomorrow = make_appointment(
        ann,
        therapist,
        plan.service,
        Room.objects.get(),
        now.replace(minute=0, second=0, microsecond=0) + timedelta(days=1),
    )
    visit = Visit.objects.get(appointment=data["sessions"][-1])
    desk = make_user("desk@example.com", Role.FRONT_DESK, first_name="Fran")
    owner = make_user("owner@example.com", is_staff=True, is_superuser=True, first_name="Olive")

    pages = {
        therapist.user: [
            "/today/",
            "/bookings/week/",
            f"/bookings/appointments/{today.pk}/",
            f"/bookings/appointments/{today.pk}/visit/",
            f"/bookings/appointments/{review.pk}/",
            f"/bookings/clients/{ann.pk}/chart/",
            f"/bookings/visits/{visit.pk}/edit/",
            f"/bookings/visits/{visit.pk}/amend/",
            f"/bookings/appointments/{review.pk}/reassessment/",
            f"/bookings/appointments/{review.pk}/reassessment/letter/",
            f"/bookings/plans/{plan.pk}/",
            f"/bookings/plans/{rolling.pk}/",
            f"/bookings/appointments/{review.pk}/receipt/",
        ],
        ann.user: [
            "/dashboard/",
            f"/bookings/plans/{rolling.pk}/",
            f"/bookings/appointments/{review.pk}/",
            f"/bookings/appointments/{review.pk}/receipt/",
            "/bookings/mine/",
        ],
        desk: [
            "/bookings/desk/",
            f"/bookings/appointments/{today.pk}/day-check/",
            f"/bookings/appointments/{today.pk}/",
        ],
        owner: [
            f"/bookings/clients/{ann.pk}/chart/",
            f"/bookings/appointments/{review.pk}/reassessment/letter/",
        ],
        None: [
            f"/bookings/aftercare/{aftercare.token}/",
            f"/bookings/checkin/{tomorrow.checkin_token}/",
        ],
    }
    too_wide = []
    for user, paths in pages.items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user is not None:
            log_in(page, live_server, user)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (path, response.status)
            if path.endswith(("/receipt/", "/letter/")):
                # Printable: on paper only the receipt or the letter itself.
                page.emulate_media(media="print")
                assert not page.locator("header").is_visible(), path
                assert not page.locator("footer").is_visible(), path
                assert page.locator(".receipt, .letter").first.is_visible(), path
                page.emulate_media(media="screen")
            if SCREENSHOTS:
                name = f"{user.email if user else 'anonymous'}{path}".replace("/", "_")
                page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
            if not fits(page):
                too_wide.append(
                    (user.email if user else "anonymous", path, page.evaluate(OVERFLOW_JS))
                )
        context.close()
    assert too_wide == [], "\n".join(map(str, too_wide))
