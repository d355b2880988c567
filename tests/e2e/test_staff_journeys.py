"""Staff in a browser: a clinic admin writes, previews, publishes and marks an article
reviewed in the admin; a therapist opens a client's chart and records a visit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment, Visit
from clinic import clock
from clinic.models import Role
from intake.review import record_decision
from library.models import Article
from tests.base import make_client, make_user
from tests.bookings.helpers import make_appointment
from tests.e2e.conftest import log_in_staff
from tests.intake.factories import make_intake


@pytest.mark.django_db(transaction=True)
def test_staff_write_preview_publish_and_mark_an_article_reviewed(live_server, page, browser):
    base = live_server.url
    admin = make_user("ada@example.com", Role.CLINIC_ADMIN, first_name="Ada", is_staff=True)
    log_in_staff(page, base, admin)

    page.goto(f"{base}/admin/library/article/add/")
    page.fill("#id_title", "Walking after a long day at the desk")
    page.press("#id_title", "Tab")  # the admin fills the address from the title
    assert page.input_value("#id_slug") == "walking-after-a-long-day-at-the-desk"
    page.select_option("#id_topic", label="Aftercare")
    page.fill("#id_summary", "Ten minutes of easy walking loosens a stiff back.")
    page.fill("#id_body", "## Start gently\n\nWalk at an easy pace for **ten minutes**.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("body")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="walking-after-a-long-day-at-the-desk")
    assert article.status == Article.Status.DRAFT

    # The preview shows it as readers will see it; readers cannot see it yet.
    page.get_by_role("link", name="Open the full-page preview").click()
    assert page.get_by_role("heading", name="Start gently").is_visible()
    assert page.locator("strong", has_text="ten minutes").is_visible()
    reader = browser.new_context().new_page()  # a reader who is not logged in
    assert reader.goto(f"{base}/library/{article.slug}/").status == 404

    # Published from the list, it is public.
    page.goto(f"{base}/admin/library/article/")
    page.get_by_role("row", name="Walking after a long day").get_by_role("checkbox").check()
    page.select_option("select[name=action]", "publish")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("body")).to_contain_text("Published 1 article(s).")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    response = reader.goto(f"{base}/library/{article.slug}/")
    assert response.status == 200
    assert reader.get_by_role("heading", name="Walking after a long day at the desk").is_visible()

    # A year on, the review falls due; marking it reviewed moves the next review on.
    year_ago = clock.today() - timedelta(days=400)
    Article.objects.filter(pk=article.pk).update(
        last_reviewed=year_ago, next_review_due=year_ago + timedelta(days=365)
    )
    page.reload()
    assert "review overdue" in page.inner_text("#result_list")
    page.get_by_role("row", name="Walking after a long day").get_by_role("checkbox").check()
    page.select_option("select[name=action]", "mark_reviewed_today")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("body")).to_contain_text("Marked 1 article(s) reviewed today")
    article.refresh_from_db()
    assert article.last_reviewed == clock.today()
    assert article.next_review_due > clock.today()
    assert "review overdue" not in page.inner_text("#result_list")
    reader.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_therapist_opens_the_chart_and_records_a_visit_with_the_safety_box_first(
    live_server, page, clinic
):
    base = live_server.url
    therapist = clinic.therapist
    profile = make_client("vera@example.com", first_name="Vera", last_name="Visit").client_profile
    intake = make_intake(profile, yes=["varicose_veins"])
    record_decision(
        intake=intake,
        by=therapist.user,
        decision="cleared_with_changes",
        avoid_areas=["legs"],
        pressure_limit="light",
        notes="Keep off the calves.",
        reason="",
    )
    started = timezone.now() - timedelta(minutes=50)
    appointment = make_appointment(profile, therapist, clinic.service, clinic.room, started)
    log_in_staff(page, base, therapist.user)

    # The chart: what to avoid comes first.
    page.goto(f"{base}/bookings/clients/{profile.pk}/chart/")
    safety = page.locator("[data-safety]")
    assert safety.is_visible()
    first_section = page.locator("main section").first
    assert first_section.get_attribute("data-safety") is not None
    assert "Light" in safety.inner_text() or "light" in safety.inner_text()

    # The visit, from the appointment: the same box on top, then the SOAP notes.
    page.goto(f"{base}/bookings/appointments/{appointment.pk}/")
    page.get_by_role("link", name="Record the visit").click()
    assert page.locator("main section").first.get_attribute("data-safety") is not None
    page.get_by_label("Pain before the session (0–10)").fill("6")
    page.get_by_label("Pain after the session (0–10)").fill("3")
    page.get_by_label("What the client reports").fill("Stiff after a long drive.")
    page.get_by_label("What you found").fill("Tight lower back, full range.")
    page.get_by_label("What was done").fill("Swedish massage, lower back, light pressure.")
    page.get_by_label("The plan").fill("Walk daily; see again in a week.")
    page.get_by_role("button", name="Record the visit").click()
    expect(page.locator("main")).to_contain_text("The visit is recorded.")

    visit = Visit.objects.get(appointment=appointment)
    assert (visit.pain_score, visit.pain_after) == (6, 3)
    assert visit.findings == "Tight lower back, full range."
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED
