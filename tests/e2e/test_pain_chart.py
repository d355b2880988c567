"""The client's pain chart on a 375 px phone: the SVG scales down and nothing scrolls sideways."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from bookings.models import TreatmentPlan, Visit
from clinic.models import Room
from tests.base import make_client, make_location, make_service, make_therapist
from tests.bookings.helpers import make_appointment

SCREENSHOT = None  # set to a path to look at the page while working on it


@pytest.mark.django_db(transaction=True)
def test_the_pain_chart_fits_a_phone(live_server, browser):
    location = make_location()
    room = Room.objects.create(location=location, name="Room 1")
    service = make_service()
    therapist = make_therapist(location=location)
    profile = make_client("pat@example.com", first_name="Pat").client_profile
    plan = TreatmentPlan.objects.create(
        client=profile,
        kind="acute",
        sessions_per_week=1,
        weeks=8,
        technique=service.technique,
        service=service,
        status="active",
    )
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    for number, score in enumerate((8, 7, 7, 5, 4, 4, 3), start=1):
        appointment = make_appointment(
            profile,
            therapist,
            service,
            room,
            start - timedelta(weeks=8 - number),
            status="completed",
            plan=plan,
            plan_sequence=number,
        )
        Visit.objects.create(appointment=appointment, pain_score=score)
    make_appointment(
        profile, therapist, service, room, start + timedelta(days=7), plan=plan, plan_sequence=8
    )
    make_appointment(
        profile,
        therapist,
        service,
        room,
        start + timedelta(days=14),
        plan=plan,
        is_reassessment=True,
    )
    django_client = Client()
    django_client.force_login(profile.user)
    session = django_client.cookies[settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server.url}/dashboard/")
    chart = page.locator("svg.pain-chart-svg")
    box = chart.bounding_box()
    assert 300 < box["width"] <= 375 - 24
    # The viewBox keeps its shape as it scales.
    assert abs(box["height"] / box["width"] - 252 / 440) < 0.02
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_role("img", name="Pain over time").count() == 1
    page.get_by_text("The scores as a table").click()
    assert page.get_by_role("cell", name="3", exact=True).is_visible()
    assert not errors, errors  # a CSP refusal would show here
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
    context.close()
