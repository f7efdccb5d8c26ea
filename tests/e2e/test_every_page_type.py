"""axe-core on the page types the journeys do not visit: admin pages, the staff course
preview, account tools, a cohort's settings and reports."""

from datetime import timedelta

from sqlalchemy import select

from learning.accounts import services as accounts
from learning.cohorts import services as cohorts
from learning.courses.models import Course, Lesson
from learning.db import db, utcnow

PASSWORD = "browser test password"


def test_remaining_page_types_have_no_axe_violations(live_app, live_server, browser,
                                                      assert_accessible):  # fmt: skip
    with live_app.app_context():
        admin = accounts.get_user_by_email("axe-admin@example.org") or accounts.create_user(
            "axe-admin@example.org", "Astrid Admin", PASSWORD, global_role="admin"
        )
        learner = accounts.get_user_by_email("axe-learner@example.org") or accounts.create_user(
            "axe-learner@example.org", "Ama Mensah", PASSWORD
        )
        course = db.session.scalar(select(Course).where(Course.slug == "before-you-go"))
        cohort = cohorts.create_cohort(
            admin, name="Axe cohort", course=course, starts_on=utcnow().date() - timedelta(days=1),
            ends_on=utcnow().date() + timedelta(weeks=8), timezone="UTC")  # fmt: skip
        cohorts.add_member(cohort, learner, "participant")
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
        db.session.commit()
        slug, lesson_id, learner_id = cohort.slug, lesson.id, learner.id

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill("axe-admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My learning").wait_for()
    paths = [
        "/admin/", "/admin/organisations", "/admin/users", "/admin/audit",
        "/courses/", "/courses/before-you-go/", f"/courses/before-you-go/lessons/{lesson_id}",
        "/cohorts/", "/cohorts/new", f"/cohorts/{slug}/settings", f"/cohorts/{slug}/members",
        f"/cohorts/{slug}/invite", f"/cohorts/{slug}/link",
        f"/cohorts/{slug}/self-assessment-summary", f"/cohorts/{slug}/progress/{learner_id}",
        "/account/calendar", "/account/erase", "/notifications/",
    ]  # fmt: skip
    for path in paths:
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert_accessible(page)
    page.context.close()
