"""Staff sign in with the password and then a code from the demo's two-step secret."""

import pyotp
import pytest

from clinic.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_clinic


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button:has-text('Log in')")


@pytest.mark.django_db(transaction=True)
def test_a_therapist_needs_the_code_from_the_demo_secret(live_server, page):
    seed_clinic()
    base = live_server.url

    sign_in(page, base, "therapist@example.com")
    page.wait_for_url("**/accounts/two-factor/code/**")
    # The password alone opens no staff page.
    page.goto(f"{base}/today/")
    page.wait_for_url("**/accounts/two-factor/code/**")
    assert "Enter your code" in page.inner_text("main")

    page.fill("#id_code", pyotp.TOTP(DEMO_TOTP_SECRET).now())
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/today/")
    assert page.locator("h1").first.is_visible()

    page.goto(f"{base}/accounts/sessions/")
    assert "(this session)" in page.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_a_clinic_admin_reaches_the_admin_only_with_a_code_too(live_server, page):
    seed_clinic()
    base = live_server.url
    sign_in(page, base, "admin@example.com")
    page.goto(f"{base}/admin/")
    page.wait_for_url("**/accounts/two-factor/code/**")
    page.fill("#id_code", pyotp.TOTP(DEMO_TOTP_SECRET).now())
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/admin/")
    assert "Run the clinic" in page.inner_text("body")
