"""Health first, in a browser: a red flag shuts every booking door, a doctor's note opens
them, and a deferral's plan starts on the day booking opens."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.http import urlencode
from playwright.sync_api import expect

from bookings.models import Appointment, TreatmentPlan
from intake.models import Decision, Intake
from tests.base import make_client
from tests.e2e.conftest import log_in, log_in_staff
from tests.intake.factories import make_intake

REFUSED = "Booking is not open yet"


def refused(page):
    """The page refuses: it says why in words, and offers no form to fill in or submit."""
    main = page.locator("main")
    expect(page.get_by_role("heading", name=REFUSED)).to_be_visible()
    assert main.locator("form").count() == 0
    return main.inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_red_flag_client_is_told_plainly_and_every_booking_door_is_shut(
    live_server, page, clinic, clinic_time
):
    base = live_server.url
    profile = make_client("rhea@example.com", first_name="Rhea").client_profile
    make_intake(profile, onset=timezone.localdate() - timedelta(weeks=3), pain_now=6)
    log_in(page, base, "rhea@example.com")

    # While her form is clear she opens a plan proposal and a single confirm page...
    page.goto(f"{base}/bookings/plans/new/")
    page.check("input[name=weekdays][value='1']")
    page.check("input[name=weekdays][value='4']")
    page.fill("input[name=preferred_time]", "10:00")
    page.click("text=Propose my sessions")
    page.wait_for_url("**/plans/review/**")
    plan_button = page.get_by_role("button", name="Confirm and book all sessions")
    assert plan_button.is_enabled()
    start = (clinic_time + timedelta(days=1)).replace(hour=11)
    query = {"service": clinic.service.pk, "therapist": clinic.therapist.pk}
    confirm_url = f"{base}/bookings/confirm/?" + urlencode({**query, "start": start.isoformat()})
    confirm_tab = page.context.new_page()
    confirm_tab.goto(confirm_url)
    confirm_button = confirm_tab.get_by_role("button", name="Confirm booking")
    assert confirm_button.is_enabled()

    # ...then updates it with a red flag.
    make_intake(profile, yes=["saddle_numbness"], pain_now=8)

    # The buttons still on screen book nothing and say why.
    plan_button.click()
    text = refused(page)
    assert "see a doctor" in text
    confirm_button.click()
    assert "see a doctor" in refused(confirm_tab)
    confirm_tab.close()

    # No booking form opens by its address either.
    for path in ("/bookings/", "/bookings/plans/new/", "/bookings/plans/review/"):
        page.goto(base + path)
        assert "see a doctor" in refused(page), path
    page.goto(confirm_url)
    assert "see a doctor" in refused(page)

    # The dashboard says so too, and offers no booking.
    page.goto(f"{base}/dashboard/")
    text = page.inner_text("main")
    assert "Book a session" not in text
    assert "Booking is not open" in text
    assert "see a doctor" in text
    assert page.locator("main a[href^='/bookings/']").count() == 0

    assert not Appointment.objects.filter(client=profile).exists()
    assert not TreatmentPlan.objects.filter(client=profile).exclude(status="proposed").exists()


@pytest.mark.django_db(transaction=True)
def test_a_therapist_records_a_doctors_note_and_the_client_is_told_booking_is_open(
    live_server, browser, clinic
):
    base = live_server.url
    user = make_client("cleo@example.com", first_name="Cleo", last_name="Clearance")
    profile = user.client_profile
    profile.email_confirmed = profile.email
    profile.save(update_fields=["email_confirmed"])
    intake = make_intake(profile, yes=["cardiovascular_disease"])
    assert intake.outcome == "clearance"

    # The client reads that a note is needed, with nothing to book.
    client_page = browser.new_context().new_page()
    log_in(client_page, base, "cleo@example.com")
    client_page.goto(f"{base}/intake/{intake.public_id}/")
    expect(client_page.locator("main")).to_contain_text("We need a note from your doctor first")
    assert client_page.get_by_role("link", name="Book a visit").count() == 0

    # The therapist finds her in the queue, reads the form and records the note.
    staff_page = browser.new_context().new_page()
    log_in_staff(staff_page, base, clinic.therapist.user)
    staff_page.goto(f"{base}/intake/review/")
    staff_page.get_by_role("link", name="Review", exact=True).click()
    expect(staff_page.locator("main")).to_contain_text("Cleo Clearance")
    staff_page.get_by_role("link", name="Record a clearance").click()
    staff_page.get_by_label("cardiovascular disease").check()
    staff_page.get_by_label("What the note says").fill("GP letter: gentle massage is fine.")
    staff_page.get_by_role("button", name="Record clearance").click()
    expect(staff_page.locator("main")).to_contain_text("Clearance recorded")

    # The queue no longer lists her; her form is decided.
    staff_page.goto(f"{base}/intake/review/")
    assert "Cleo Clearance" not in staff_page.inner_text("main")
    intake.refresh_from_db()
    assert intake.decision == Decision.CLEARED
    assert intake.clearances.count() == 1

    # An e-mail tells her booking is open, and so does her result page.
    sent = [m for m in mail.outbox if m.to == ["cleo@example.com"]]
    assert sent and "booking is open" in sent[-1].body
    client_page.reload()
    text = client_page.inner_text("main")
    assert "We need a note" not in text
    assert "booking is open" in text
    assert client_page.get_by_role("link", name="Book a visit").is_visible()
    client_page.goto(f"{base}/bookings/plans/new/")
    assert client_page.get_by_role("button", name="Propose my sessions").is_enabled()
    client_page.context.close()
    staff_page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_deferred_clients_plan_starts_on_the_day_booking_opens(
    live_server, page, clinic, clinic_time
):
    base = live_server.url
    profile = make_client("dara@example.com", first_name="Dara").client_profile
    intake = make_intake(
        profile, yes=["fever"], onset=timezone.localdate() - timedelta(weeks=3), pain_now=8
    )
    opens = intake.defer_until
    assert opens > timezone.localdate() + timedelta(days=1)
    log_in(page, base, "dara@example.com")

    page.goto(f"{base}/dashboard/")
    expect(page.locator("main")).to_contain_text(f"You can book from {opens:%-d %B %Y}")

    page.goto(f"{base}/bookings/plans/new/")
    # The form starts on the day booking opens, and refuses an earlier one plainly.
    assert page.input_value("input[name=first_day]") == opens.isoformat()
    page.fill("input[name=first_day]", (opens - timedelta(days=2)).isoformat())
    page.check("input[name=weekdays][value='1']")
    page.uncheck("input[name=weekdays][value='0']")
    page.uncheck("input[name=weekdays][value='3']")
    page.check("input[name=weekdays][value='4']")
    page.fill("input[name=preferred_time]", "10:00")
    page.click("text=Propose my sessions")
    expect(page.locator("main")).to_contain_text(f"Booking opens on {opens:%-d %B %Y}")

    page.fill("input[name=first_day]", opens.isoformat())
    page.click("text=Propose my sessions")
    page.wait_for_url("**/plans/review/**")
    page.get_by_role("button", name="Confirm and book all sessions").click()
    page.wait_for_url("**/plans/*/")
    expect(page.locator("main")).to_contain_text("Your treatment plan is booked")

    booked = list(Appointment.objects.filter(client=profile).order_by("start"))
    assert len(booked) == 9
    assert all(timezone.localdate(a.start) >= opens for a in booked)
    assert Intake.objects.current_for(profile).pk == intake.pk
