"""A new client signs up, fills in the health form and reads the outcome, in a browser."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clinic.models import ClientProfile
from intake.models import Intake
from tests.base import make_location

PASSWORD = "walnut-harbour-lantern-88"


def sign_up(page, base, *, email, first="Erin", last="Example"):
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.fill("#id_email", email)
    page.click("text=Send me the link")
    page.wait_for_selector("text=Check your e-mail")
    # The account is made from the link sent to the address, as the client would follow it.
    link = re.search(r"/accounts/signup/\S+?/", mail.outbox[-1].body).group(0)
    page.goto(f"{base}{link}")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("text=Create my account")
    page.wait_for_url("**/accounts/profile/")


def fill_pain_step(page, *, pain_now="3", onset_days_ago=20):
    onset = timezone.localdate() - timedelta(days=onset_days_ago)
    page.check("#id_pain_areas_4")  # lower back
    page.fill("#id_pain_onset", onset.isoformat())
    page.check(f"#id_pain_now_{pain_now}")
    page.check(f"#id_pain_worst_{max(int(pain_now), 5)}")
    page.check("#id_likely_cause_1")
    page.check("#id_stress_4")
    page.check("#id_sleep_quality_6")
    page.check("#id_pressure_preference_1")
    page.click("text=Save and continue")


def answer_health_questions(page, *, yes=()):
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    for code in yes:
        page.check(f"input[type=radio][name='q_{code}'][value=yes]")


@pytest.mark.django_db(transaction=True)
def test_a_new_client_completes_the_health_form_and_sees_a_clear_outcome(live_server, page):
    base = live_server.url
    sign_up(page, base, email="erin@example.com")
    page.goto(f"{base}/intake/")
    page.click("text=Start my health form")
    fill_pain_step(page)

    # An unanswered health question is never taken as "no".
    page.locator("button[type=submit], input[type=submit]").last.click()
    assert page.locator(".invalid-feedback, .alert-danger").first.is_visible()

    answer_health_questions(page)
    page.locator("button[type=submit], input[type=submit]").last.click()

    page.fill("input[name=signature_name]", "Erin Example")
    page.check("input[name=agree]")
    page.locator("button[type=submit], input[type=submit]").last.click()

    page.wait_for_url("**/intake/*/")
    assert "safety check" in page.content()
    intake = Intake.objects.get(client__email="erin@example.com", is_current=True)
    assert intake.outcome == "clear"
    assert intake.status == "completed"


@pytest.mark.django_db(transaction=True)
def test_a_red_flag_sends_the_client_to_a_doctor_with_no_way_to_book(live_server, page):
    make_location(emergency_number="999", urgent_advice_number="111")
    base = live_server.url
    sign_up(page, base, email="rafa@example.com", first="Rafa", last="Flag")
    page.goto(f"{base}/intake/")
    page.click("text=Start my health form")
    fill_pain_step(page, pain_now="8")
    answer_health_questions(page, yes=["saddle_numbness"])
    page.locator("button[type=submit], input[type=submit]").last.click()
    page.fill("input[name=signature_name]", "Rafa Flag")
    page.check("input[name=agree]")
    page.locator("button[type=submit], input[type=submit]").last.click()

    page.wait_for_url("**/intake/*/")
    text = page.inner_text("main")
    assert "999" in text
    assert page.locator("main a[href*='/bookings/']").count() == 0
    client = ClientProfile.objects.get(email="rafa@example.com")
    assert Intake.objects.current_for(client).outcome == "refer"
