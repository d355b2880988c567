"""Booking in a browser: a client books, moves and cancels (inside and outside the
cancellation window), front desk registers a walk-in and books them, and a client books
with the keyboard alone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment
from clinic.models import ClientProfile, Role
from tests.base import make_client, make_user
from tests.bookings.helpers import make_appointment
from tests.e2e.conftest import log_in, log_in_staff
from tests.e2e.test_client_journey import answer_health_questions, fill_pain_step
from tests.intake.factories import make_intake


def local(moment):
    return timezone.localtime(moment)


def show_free_times(page, day):
    page.fill("input[name=day]", day.isoformat())
    page.get_by_role("button", name="Show free times").click()


@pytest.mark.django_db(transaction=True)
def test_a_client_books_moves_and_cancels_inside_and_outside_the_window(
    live_server, page, clinic, clinic_time
):
    base = live_server.url
    profile = make_client("bo@example.com", first_name="Bo").client_profile
    make_intake(profile)
    log_in(page, base, "bo@example.com")
    thursday = clinic_time.date() + timedelta(days=1)

    # Book Thursday 10:00.
    page.goto(f"{base}/bookings/")
    show_free_times(page, thursday)
    page.get_by_role("link", name=re.compile(r"^10:00")).click()
    expect(page.locator("main")).to_contain_text("Confirm the booking")
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url("**/appointments/*/?booked=1")
    expect(page.locator("main")).to_contain_text("Booked.")
    appointment = Appointment.objects.get(client=profile)
    assert local(appointment.start).date() == thursday
    assert local(appointment.start).hour == 10

    # More than 24 hours ahead: moved without charge to Friday 14:00.
    expect(page.locator("main")).to_contain_text("without charge until")
    page.get_by_role("link", name="Move").click()
    friday = thursday + timedelta(days=1)
    page.fill("input[name=date]", friday.isoformat())
    page.get_by_role("button", name="Show").click()
    page.get_by_text(f"{friday:%a %d %b} 14:00", exact=True).click()
    page.get_by_role("button", name="Move the appointment").click()
    expect(page.locator("main")).to_contain_text("The appointment has moved.")
    appointment.refresh_from_db()
    assert (local(appointment.start).date(), local(appointment.start).hour) == (friday, 14)

    # Cancelled well ahead: no charge, the time free again.
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("main")).to_contain_text("there is no charge")
    page.get_by_role("button", name="Cancel the appointment").click()
    expect(page.locator("main")).to_contain_text("The appointment is cancelled")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED

    # Four hours before another visit: no moving online, and cancelling counts as late.
    soon = make_appointment(
        profile, clinic.therapist, clinic.service, clinic.room, clinic_time + timedelta(hours=4)
    )
    page.goto(f"{base}/bookings/appointments/{soon.pk}/")
    assert page.get_by_role("link", name="Move").count() == 0
    page.goto(f"{base}/bookings/appointments/{soon.pk}/move/")
    expect(page.locator("main")).to_contain_text("can no longer be moved online")
    page.get_by_role("link", name="cancel it").click()
    expect(page.locator("main")).to_contain_text("counts as a late cancellation")
    page.get_by_role("button", name="Cancel the appointment").click()
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.LATE_CANCELLED


@pytest.mark.django_db(transaction=True)
def test_front_desk_registers_a_walk_in_and_books_them(live_server, page, clinic, clinic_time):
    base = live_server.url
    desk = make_user("fran@example.com", Role.FRONT_DESK, first_name="Fran")
    log_in_staff(page, base, desk)

    page.goto(f"{base}/clients/new/")
    page.fill("#id_first_name", "Walter")
    page.fill("#id_last_name", "Walkin")
    page.fill("#id_date_of_birth", "1980-04-12")
    page.fill("#id_phone", "020 7946 0123")
    page.get_by_role("button", name="Register client").click()
    expect(page.locator("main")).to_contain_text("Walter Walkin is registered.")
    walter = ClientProfile.objects.get(last_name="Walkin")
    assert walter.created_by == desk

    # He answers the health form himself on the desk's screen.
    page.get_by_role("button", name="Fill in the health form with the client").click()
    fill_pain_step(page)
    answer_health_questions(page)
    page.locator("button[type=submit], input[type=submit]").last.click()
    page.fill("input[name=signature_name]", "Walter Walkin")
    page.check("input[name=agree]")
    page.locator("button[type=submit], input[type=submit]").last.click()
    page.wait_for_url("**/sent/")
    assert page.locator("[data-status]").inner_text() == "Can be booked"

    # Front desk books him for tomorrow at 11:00.
    page.goto(f"{base}/bookings/?client={walter.public_id}")
    expect(page.locator("main")).to_contain_text("Book a session for Walter Walkin")
    show_free_times(page, clinic_time.date() + timedelta(days=1))
    page.get_by_role("link", name=re.compile(r"^11:00")).click()
    expect(page.locator("main")).to_contain_text("Walter Walkin")
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url("**/appointments/*/?booked=1")
    appointment = Appointment.objects.get(client=walter)
    assert local(appointment.start).hour == 11
    assert appointment.created_by == desk


@pytest.mark.django_db(transaction=True)
def test_a_client_books_a_session_with_the_keyboard_alone(live_server, page, clinic, clinic_time):
    base = live_server.url
    profile = make_client("kim@example.com", first_name="Kim").client_profile
    make_intake(profile)
    log_in(page, base, "kim@example.com")
    page.goto(f"{base}/bookings/")
    keyboard = page.keyboard

    def tab_to(check, limit=60):
        """Press Tab until the focused element passes ``check``; fail if it never does."""
        for _ in range(limit):
            keyboard.press("Tab")
            if page.evaluate(check):
                return
        raise AssertionError(f"Tab never reached: {check}")

    # The day field: type the date, then Enter submits the search form.
    tab_to("document.activeElement.name === 'day'")
    tomorrow = clinic_time.date() + timedelta(days=1)
    # A date field takes its digits in the browser's order (en-US: month, day, year).
    keyboard.type(f"{tomorrow:%m%d%Y}")
    keyboard.press("Enter")
    page.wait_for_url("**/bookings/?*")
    # Tab to the 15:00 link and follow it with Enter.
    tab_to("(document.activeElement.textContent || '').trim().startsWith('15:00')")
    keyboard.press("Enter")
    page.wait_for_url("**/bookings/confirm/?*")
    # Tab to the confirm button and press it with Space.
    tab_to("document.activeElement.value === 'Confirm booking'")
    keyboard.press("Space")
    page.wait_for_url("**/appointments/*/?booked=1")
    expect(page.locator("main")).to_contain_text("Booked.")
    appointment = Appointment.objects.get(client=profile)
    assert (local(appointment.start).date(), local(appointment.start).hour) == (tomorrow, 15)
