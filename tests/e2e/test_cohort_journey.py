"""Journey 1 and 2 in a real browser: a facilitator creates a cohort, invites by CSV and by
link; invitees join, see the schedule in their own time zone and read a released lesson."""

import re
from datetime import date, timedelta

from learning import mail
from learning.accounts import services as accounts
from learning.db import db
from learning.mail import mail_text

PASSWORD = "browser test password"


def _log_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_facilitator_invites_and_people_join(live_app, live_server, browser, assert_accessible,
                                             tmp_path):  # fmt: skip
    with live_app.app_context():
        accounts.create_user("grace@example.org", "Grace Wanjiru", PASSWORD,
                             global_role="facilitator", timezone="Africa/Nairobi")  # fmt: skip
        db.session.commit()
    facilitator = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    _log_in(facilitator, live_server, "grace@example.org")

    facilitator.goto(f"{live_server}/cohorts/new")
    assert_accessible(facilitator)
    facilitator.get_by_label("Name", exact=True).fill("Before you go, browser cohort")
    facilitator.get_by_label("Course").select_option(
        label="Before you go: preparing for your exchange"
    )
    start = date.today() - timedelta(days=2)
    facilitator.get_by_label("Start date").fill(start.isoformat())
    facilitator.get_by_label("End date").fill((start + timedelta(weeks=8)).isoformat())
    facilitator.get_by_label("Time zone of the cohort").select_option("Europe/Oslo")
    facilitator.get_by_role("button", name="Save cohort").click()
    facilitator.get_by_role("heading", name="Schedule of Before you go, browser cohort").wait_for()
    assert_accessible(facilitator)

    facilitator.get_by_label("Title").fill("Welcome call")
    facilitator.get_by_label("Starts (cohort time zone)").fill(
        f"{(date.today() + timedelta(days=3)).isoformat()}T15:00"
    )
    facilitator.get_by_role("button", name="Add live session").click()
    facilitator.get_by_text("The live session is added.").wait_for()

    # Invite by CSV: preview first, then send.
    facilitator.get_by_role("link", name="Invite", exact=True).click()
    assert_accessible(facilitator)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("email;name;organisation;role\r\nsita@example.org;Sita Sharma;;\r\n",
                        encoding="utf-8-sig")  # fmt: skip
    facilitator.get_by_label("CSV file", exact=True).set_input_files(str(csv_file))
    facilitator.get_by_role("button", name="Check the file").click()
    facilitator.get_by_text("1 person to invite").wait_for()
    assert_accessible(facilitator)
    facilitator.get_by_role("button", name="Send all invitations").click()
    facilitator.get_by_text("1 invitations are on their way.").wait_for()
    assert_accessible(facilitator)  # the members page

    # The join link.
    facilitator.get_by_role("link", name="Join link").click()
    facilitator.get_by_role("button", name="Save link settings").click()
    join_url = facilitator.get_by_label("The link", exact=True).input_value()
    assert_accessible(facilitator)

    invitation = next(m for m in mail.sent if m["To"] == "sita@example.org")
    invite_url = re.search(r"http://\S+/invitations/[\w-]+", mail_text(invitation)).group(0)

    sita = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sita.goto(invite_url)
    assert_accessible(sita)
    sita.get_by_label("New password", exact=True).fill(PASSWORD)
    sita.get_by_label("Repeat the new password").fill(PASSWORD)
    sita.get_by_label("Time zone").select_option("Asia/Kathmandu")
    sita.get_by_role("button", name="Create account and join").click()
    sita.get_by_role("heading", name="Before you go, browser cohort").wait_for()
    assert sita.get_by_text("Times are in your time zone: Asia/Kathmandu.").is_visible()
    # 15:00 in Oslo is 19:45 in Kathmandu in winter.
    assert sita.get_by_text(re.compile(r"Welcome call.*7:45:00")).is_visible()
    assert_accessible(sita)

    sita.get_by_role("link", name="Read the lessons that are open now").click()
    sita.locator("article.lesson h1").wait_for()
    assert_accessible(sita)

    # A second person joins through the shareable link.
    prakash = browser.new_context().new_page()
    prakash.goto(join_url)
    prakash.get_by_label("Email", exact=True).fill("prakash@example.org")
    prakash.get_by_label("Name", exact=True).fill("Prakash Thapa")
    prakash.get_by_label("New password", exact=True).fill(PASSWORD)
    prakash.get_by_label("Repeat the new password").fill(PASSWORD)
    prakash.get_by_role("button", name="Create account and join").click()
    prakash.get_by_role("heading", name="Before you go, browser cohort").wait_for()
    sita.context.close()
    prakash.context.close()
    facilitator.context.close()
