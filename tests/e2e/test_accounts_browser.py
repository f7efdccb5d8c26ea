"""A person logs in and out in a real browser; every page they see passes axe."""

from learning.accounts import services as accounts
from learning.db import db

PASSWORD = "browser test password"


def _make_user(live_app, email: str, name: str):
    with live_app.app_context():
        if accounts.get_user_by_email(email) is None:
            accounts.create_user(email, name, PASSWORD, timezone="Africa/Nairobi")
            db.session.commit()


def test_login_and_logout(live_app, live_server, page, assert_accessible):
    _make_user(live_app, "wanjiru@example.org", "Wanjiru Kamau")

    page.goto(f"{live_server}/")
    assert page.url.endswith("/account/login")
    assert_accessible(page)

    page.get_by_label("Email").fill("wanjiru@example.org")
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("That email and password do not match an account.").is_visible()
    assert_accessible(page)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My learning").wait_for()
    assert page.get_by_text("Hello, Wanjiru Kamau.").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Account").click()
    page.get_by_role("heading", name="Your account").wait_for()
    assert page.get_by_text("(this device)").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log out", exact=True).click()
    page.get_by_text("You have logged out.").wait_for()
    page.goto(f"{live_server}/account/")
    assert "/account/login" in page.url


def test_forgot_password_and_error_pages(live_server, page, assert_accessible):
    page.goto(f"{live_server}/account/forgot")
    assert_accessible(page)
    page.get_by_label("Email").fill("someone@example.org")
    page.get_by_role("button", name="Send reset link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page)

    page.goto(f"{live_server}/account/reset/not-a-token")
    page.get_by_role("heading", name="This link does not work").wait_for()
    assert_accessible(page)

    page.goto(f"{live_server}/no-such-page")
    page.get_by_role("heading", name="Page not found").wait_for()
    assert_accessible(page)
