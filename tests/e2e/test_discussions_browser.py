"""Journey 4 in a real browser: two participants discuss a lesson's reflection, one mentions
the other, who is notified; a third reports a post and the facilitator hides it with a
reason the author sees. A member of another cohort reaches none of it."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from learning.accounts import services as accounts
from learning.cohorts import services as cohorts
from learning.courses.models import Course, Lesson
from learning.db import db

PASSWORD = "browser test password"
LESSON = "before-you-go/your-exchange/reciprocal-partnership"


def _log_in(browser, base, email, viewport=(390, 844)):
    page = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}).new_page()
    page.goto(f"{base}/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    return page


def _setup(live_app):
    with live_app.app_context():
        people = {
            key: accounts.create_user(
                f"{key}.talk@example.org",
                name,
                PASSWORD,
                global_role="facilitator" if key == "grace" else "none",
            )
            for key, name in (
                ("grace", "Grace Wanjiru"),
                ("sita", "Sita Sharma"),
                ("prakash", "Prakash Thapa"),
                ("carla", "Carla Mendes"),
                ("bea", "Bea Berg"),
            )
        }
        db.session.flush()
        course = db.session.scalar(select(Course).where(Course.slug == "before-you-go"))
        start = date.today() - timedelta(days=2)
        a = cohorts.create_cohort(
            people["grace"],
            name="Discussion cohort A",
            course=course,
            starts_on=start,
            ends_on=start + timedelta(weeks=8),
            timezone="Europe/Oslo",
        )
        b = cohorts.create_cohort(
            people["grace"],
            name="Discussion cohort B",
            course=course,
            starts_on=start,
            ends_on=start + timedelta(weeks=8),
            timezone="Europe/Oslo",
        )
        for key in ("sita", "prakash", "carla"):
            cohorts.add_member(a, people[key], "participant")
        cohorts.add_member(b, people["bea"], "participant")
        lesson = db.session.scalar(select(Lesson).where(Lesson.stable_id == LESSON))
        assert lesson.reflection
        db.session.commit()
        return a.slug, b.slug, lesson.id


def test_two_participants_discuss_a_reflection_and_a_post_is_moderated(
    live_app, live_server, browser, assert_accessible
):
    slug, other_slug, lesson_id = _setup(live_app)
    base = live_server
    lesson_url = f"{base}/cohorts/{slug}/lessons/{lesson_id}"

    # Sita answers the reflection from the lesson page, on a phone.
    sita = _log_in(browser, base, "sita.talk@example.org")
    sita.goto(lesson_url)
    sita.get_by_role("heading", name="Reflection").wait_for()
    sita.get_by_label("Your reflection").fill(
        "Reciprocity means *both* sides learn. My host asked me to teach as well as learn."
    )
    sita.get_by_role("button", name="Post your reflection").click()
    sita.get_by_text("Your reflection is posted.").wait_for()
    assert sita.locator(".post-body em", has_text="both").is_visible()
    assert_accessible(sita)

    # Prakash answers and mentions Sita.
    prakash = _log_in(browser, base, "prakash.talk@example.org")
    prakash.goto(lesson_url)
    prakash.get_by_label("Your reflection").fill(
        "I agree with @Sita Sharma. Our partner's manager phones me on +977 1 555 0100."
    )
    prakash.get_by_role("button", name="Post your reflection").click()
    prakash.get_by_text("Your reflection is posted.").wait_for()

    # Sita sees the unread count in the header and follows the notification.
    sita.goto(f"{base}/cohorts/{slug}/")
    notifications = sita.get_by_role("link", name=re.compile(r"Notifications \(1 unread\s*\)"))
    notifications.click()
    sita.get_by_role("heading", name="Notifications").wait_for()
    assert_accessible(sita)
    sita.get_by_role("link", name=re.compile("Prakash Thapa mentioned you")).click()
    sita.get_by_role("heading", name="Reciprocal partnership", exact=False).wait_for()
    assert sita.get_by_text("I agree with @Sita Sharma").is_visible()
    assert not sita.get_by_role("link", name=re.compile(r"Notifications \(")).count()
    assert_accessible(sita)  # the thread page
    thread_url = sita.url.split("#")[0].split("?")[0]

    # She replies to Prakash's post, quoting it.
    sita.locator("article", has_text="I agree with").get_by_role("link", name="Reply").click()
    sita.get_by_text("Replying to Prakash Thapa").wait_for()
    sita.get_by_label("Your reply").fill("Thanks! But maybe leave out phone numbers?")
    sita.get_by_role("button", name="Post reply").click()
    sita.get_by_text("Your reply is posted.").wait_for()
    assert sita.locator("blockquote.quote", has_text="In reply to Prakash Thapa").is_visible()

    # Carla reports Prakash's post for personal data.
    carla = _log_in(browser, base, "carla.talk@example.org")
    carla.goto(thread_url)
    assert_accessible(carla)
    prakash_post = carla.locator("article", has=carla.locator(".post-body", has_text="I agree"))
    prakash_post.get_by_role("link", name="Report").click()
    carla.get_by_role("heading", name="Report a post").wait_for()
    assert_accessible(carla)
    carla.get_by_label("Shares personal data").check()
    carla.get_by_label("Note for the facilitators (optional)").fill("A private phone number.")
    carla.get_by_role("button", name="Send the report").click()
    carla.get_by_text("the facilitators will look at this post").wait_for()

    # Grace is notified, opens the queue and hides the post with a reason.
    grace = _log_in(browser, base, "grace.talk@example.org", viewport=(1024, 800))
    grace.goto(f"{base}/notifications/")
    grace.get_by_role("link", name=re.compile("was reported for moderation")).click()
    grace.get_by_role("heading", name=re.compile("Moderation of")).wait_for()
    assert grace.get_by_text("A private phone number.").is_visible()
    assert grace.get_by_text("Shares personal data").first.is_visible()
    assert_accessible(grace)
    grace.get_by_role("link", name=re.compile("Hide with a reason")).click()
    grace.get_by_role("heading", name="Hide a post").wait_for()
    assert_accessible(grace)
    grace.get_by_label("Reason").fill("It shares someone's phone number.")
    grace.get_by_role("button", name="Hide the post").click()
    grace.get_by_text("The post is hidden.").wait_for()
    grace.goto(f"{base}/cohorts/{slug}/moderation")
    grace.get_by_text("No open reports.").wait_for()

    # The author sees the reason; the others see only that it was hidden.
    prakash.goto(thread_url)
    prakash.get_by_text("Reason: It shares someone's phone number.").wait_for()
    carla.goto(thread_url)
    assert carla.get_by_text("Hidden by a facilitator.").is_visible()
    assert not carla.get_by_text("555 0100").count()
    assert not carla.get_by_text("It shares someone's phone number.").count()
    carla.goto(f"{base}/cohorts/{slug}/discussion/")
    carla.get_by_role("heading", name="Discussion").wait_for()
    assert_accessible(carla)  # the thread list

    # A member of another cohort reaches none of it.
    bea = _log_in(browser, base, "bea.talk@example.org")
    for url in (
        thread_url,
        f"{base}/cohorts/{slug}/discussion/",
        lesson_url,
        f"{base}/cohorts/{slug}/moderation",
    ):
        assert bea.goto(url).status == 404, url
    bea.goto(f"{base}/notifications/")
    assert bea.get_by_text("Nothing yet.").is_visible()
    assert bea.goto(f"{base}/cohorts/{other_slug}/discussion/").status == 200
    assert not bea.get_by_text("Reciprocal").count()
    for page in (sita, prakash, carla, grace, bea):
        page.context.close()
