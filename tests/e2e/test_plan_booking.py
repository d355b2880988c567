"""A client cleared by the health form books a whole acute plan in a browser."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Appointment
from clinic.models import ClientProfile, Room
from tests.base import make_location, make_service, make_therapist
from tests.e2e.test_client_journey import sign_up
from tests.intake.factories import make_intake

EVERY_DAY = [(day, "08:00", "20:00") for day in range(7)]


@pytest.mark.django_db(transaction=True)
def test_a_cleared_client_books_an_acute_plan_and_sees_every_session(live_server, page):
    location = make_location(min_notice_hours=0)
    Room.objects.create(location=location, name="Room 1")
    make_service("Swedish massage", "swedish", minutes=60, buffer=15)
    make_service("Reassessment visit", "swedish", minutes=30, buffer=15, is_reassessment=True)
    make_therapist(location=location, techniques=["swedish"], hours=EVERY_DAY)
    base = live_server.url

    sign_up(page, base, email="pia@example.com", first="Pia", last="Plan")
    profile = ClientProfile.objects.get(email="pia@example.com")
    # Three weeks of pain scored 8: acute, twice a week for four weeks, then a reassessment.
    make_intake(profile, onset=timezone.localdate() - timedelta(weeks=3), pain_now=8)

    page.goto(f"{base}/bookings/plans/new/")
    page.check("input[name=weekdays][value='1']")  # Tuesday
    page.check("input[name=weekdays][value='4']")  # Friday
    page.fill("input[name=preferred_time]", "10:00")
    page.fill("input[name=first_day]", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.click("text=Propose my sessions")

    page.wait_for_url("**/plans/review/**")
    assert page.locator("text=Confirm and book all sessions").is_visible()
    page.click("text=Confirm and book all sessions")
    page.wait_for_load_state()

    booked = list(Appointment.objects.filter(client=profile).order_by("start"))
    assert len(booked) == 9
    assert booked[-1].is_reassessment
    assert all(not a.is_reassessment for a in booked[:-1])
    sessions = booked[:-1]
    gaps = [b.start - a.start for a, b in itertools.pairwise(sessions)]
    assert min(gaps) >= timedelta(hours=48)

    page.goto(f"{base}/bookings/mine/")
    text = page.inner_text("main")
    assert text.count("Swedish massage") >= 8
    assert "Reassessment" in text
