"""Journeys 3, 5, 7 and 8 in a real browser on the real courses: read a real lesson, fail and
pass a real quiz, send a task the facilitator accepts, compare the self-assessment before and
after, complete a course and verify its certificate; the facilitator's dashboard and CSV; a
contact sees their own organisation only."""

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from learning.accounts import services as accounts
from learning.accounts.models import Organisation
from learning.cohorts import services as cohorts
from learning.courses.models import Course, Lesson, Quiz
from learning.db import db, utcnow
from learning.progress import services as progress
from learning.quizzes import services as quizzes

PASSWORD = "browser test password"


def _user(email, name, role="none", organisation_id=None):
    user = accounts.get_user_by_email(email)
    return user or accounts.create_user(email, name, PASSWORD, global_role=role,
                                        timezone="Africa/Nairobi",
                                        organisation_id=organisation_id)  # fmt: skip


def _log_in(page, base, email):
    page.goto(f"{base}/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My learning").wait_for()


def _answer(page, quiz, right: bool):
    for question in quiz.questions:
        name = f"q-{question['key']}"
        if question["kind"] == "short":
            page.locator(f'input[name="{name}"]').fill(question["answers"][0] if right else "?")
            continue
        keys = [o["key"] for o in question["options"] if o["is_correct"] == right]
        for key in keys if question["kind"] == "multiple" else keys[:1]:
            page.locator(f'input[name="{name}"][value="{key}"]').check()
    page.get_by_role("button", name="Submit my answers").click()


def _world(live_app, suffix):
    with live_app.app_context():
        nepal = Organisation(name=f"Kathmandu Health {suffix}", country="Nepal")
        kenya = Organisation(name=f"Nairobi Water {suffix}", country="Kenya")
        db.session.add_all([nepal, kenya])
        db.session.flush()
        facilitator = _user(f"fac-{suffix}@example.org", "Grace Wanjiru", "facilitator")
        sita = _user(f"sita-{suffix}@example.org", "Sita Sharma", organisation_id=nepal.id)
        joseph = _user(f"joseph-{suffix}@example.org", "Joseph Otieno", organisation_id=kenya.id)
        contact = _user(f"contact-{suffix}@example.org", "Bishnu Contact", organisation_id=nepal.id)
        courses = {c.slug: c for c in db.session.scalars(select(Course))}
        made = {}
        for slug in ("before-you-go", "coming-home"):
            cohort = cohorts.create_cohort(
                facilitator, name=f"{slug} {suffix}", course=courses[slug],
                starts_on=utcnow().date() - timedelta(weeks=8),
                ends_on=utcnow().date() + timedelta(weeks=4), timezone="Europe/Oslo",
            )  # fmt: skip
            for user, role in ((sita, "participant"), (joseph, "participant"),
                               (contact, "contact")):  # fmt: skip
                cohorts.add_member(cohort, user, role)
            made[slug] = cohort.slug
        db.session.commit()
        return made


def test_quiz_task_and_self_assessment(live_app, live_server, browser, assert_accessible):
    slugs = _world(live_app, "a")
    with live_app.app_context():
        first_lesson = db.session.scalar(
            select(Lesson).where(
                Lesson.stable_id == "before-you-go/your-exchange/reciprocal-partnership"
            )
        )
        quiz = db.session.scalar(
            select(Quiz).where(Quiz.stable_id == "before-you-go/your-exchange/quiz")
        )
        task_lesson = db.session.scalar(
            select(Lesson).where(Lesson.task.is_not(None), Lesson.stable_id.like("before-you-go/%"))
        )
        db.session.expunge_all()
    byg = slugs["before-you-go"]
    sita = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    _log_in(sita, live_server, "sita-a@example.org")
    assert_accessible(sita)

    # A real lesson, read and marked complete.
    sita.goto(f"{live_server}/cohorts/{byg}/lessons/{first_lesson.id}")
    sita.get_by_role("heading", level=1, name=first_lesson.title).wait_for()
    assert sita.get_by_text("Framework", exact=False).first.is_visible()
    assert_accessible(sita)
    sita.get_by_role("button", name="Mark this lesson complete").click()
    sita.get_by_text("Marked as complete.").wait_for()

    # A real quiz: fail, read the feedback, try again, pass.
    sita.goto(f"{live_server}/cohorts/{byg}/quizzes/{quiz.id}")
    assert_accessible(sita)
    _answer(sita, quiz, right=False)
    sita.get_by_text("Not passed yet").wait_for()
    assert sita.get_by_text("Not the best choice", exact=False).first.is_visible()
    assert_accessible(sita)
    sita.get_by_role("link", name="Try again").click()
    _answer(sita, quiz, right=True)
    sita.get_by_text("Passed", exact=True).wait_for()
    assert sita.get_by_role("heading", name=re.compile("Attempt 2: 100%")).is_visible()

    # The applied task.
    sita.goto(f"{live_server}/cohorts/{byg}/lessons/{task_lesson.id}")
    sita.get_by_label("Your answer").fill(
        "Weeks 1-4: listen and meet the team.\n\n- Ask how decisions are made"
    )
    sita.get_by_role("button", name="Send for review").click()
    sita.get_by_text("Your task is sent.").wait_for()

    # The self-assessment before (in Before you go) and after (in Coming home).
    sita.goto(f"{live_server}/cohorts/{byg}/self-assessment/start")
    assert_accessible(sita)
    sita.locator("fieldset").first.get_by_label(re.compile("^2:")).check()
    sita.locator("textarea").first.fill("1. Learn how decisions are made in a Norwegian NGO.")
    sita.get_by_role("button", name="Save my answers").click()
    sita.get_by_text("Your answers are saved.").wait_for()
    sita.goto(f"{live_server}/cohorts/{slugs['coming-home']}/self-assessment/end")
    assert sita.get_by_text("Learn how decisions are made in a Norwegian NGO.").is_visible()
    sita.locator("fieldset").first.get_by_label(re.compile("^4:")).check()
    sita.get_by_role("button", name="Save my answers").click()
    sita.get_by_role("heading", name="How your answers changed").wait_for()
    assert sita.locator("svg[role=img]").count() == 1
    assert_accessible(sita)

    # The facilitator accepts the task and reads the item analysis.
    facilitator = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    _log_in(facilitator, live_server, "fac-a@example.org")
    facilitator.goto(f"{live_server}/cohorts/{byg}/tasks")
    assert_accessible(facilitator)
    facilitator.get_by_role("button", name="Accept").click()
    facilitator.get_by_text("Your review is saved").wait_for()
    facilitator.goto(f"{live_server}/cohorts/{byg}/quizzes/{quiz.id}/report")
    facilitator.get_by_role("heading", name="Item analysis").wait_for()
    assert facilitator.get_by_text("Facility").first.is_visible()
    assert_accessible(facilitator)
    sita.reload()
    for page in (sita, facilitator):
        page.context.close()


def test_certificate_dashboard_and_contact_view(live_app, live_server, browser, assert_accessible):
    slugs = _world(live_app, "b")
    byg = slugs["before-you-go"]
    with live_app.app_context():
        cohort = cohorts.get_cohort(byg)
        sita = accounts.get_user_by_email("sita-b@example.org")
        plan = progress.plans_for([cohort])[cohort.id]
        by_module = quizzes.quizzes_by_module(cohort.course_id)
        # Everything but the last lesson is done already; the browser does the rest.
        lessons = [i for i in plan.items if i.kind == "lesson"]
        for item in lessons[:-1]:
            progress.mark_complete(sita, cohort, db.session.get(Lesson, item.id))
        for quiz in by_module.values():
            responses = {q["key"]: ([o["key"] for o in q["options"] if o["is_correct"]]
                                    if q["kind"] != "short" else q["answers"][0])
                         for q in quiz.questions}  # fmt: skip
            quizzes.submit_attempt(sita, cohort, quiz, 1, quiz.source_hash, responses)
        for item in plan.items:
            if item.kind == "task":
                submission = quizzes.submit_task(
                    sita, cohort, db.session.get(Lesson, item.id), "Plan"
                )
                submission.status = "accepted"
        db.session.commit()
        last_lesson = lessons[-1].id

    page = browser.new_context(
        viewport={"width": 390, "height": 844}, accept_downloads=True
    ).new_page()
    _log_in(page, live_server, "sita-b@example.org")
    page.goto(f"{live_server}/cohorts/{byg}/lessons/{last_lesson}")
    page.get_by_role("button", name="Mark this lesson complete").click()
    page.get_by_text("Your certificate is ready.").wait_for()
    page.goto(f"{live_server}/learning")
    page.get_by_role("link", name="Your certificate").click()
    page.get_by_role("heading", name="Certificate of completion").wait_for()
    assert_accessible(page)
    verify_url = page.locator("a[href*='/certificates/']").get_attribute("href")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    anyone = browser.new_context().new_page()
    anyone.goto(verify_url)
    anyone.get_by_text("This certificate is valid.").wait_for()
    assert anyone.get_by_text("Sita Sharma").is_visible()
    assert_accessible(anyone)

    facilitator = browser.new_context(
        viewport={"width": 1200, "height": 900}, accept_downloads=True
    ).new_page()
    _log_in(facilitator, live_server, "fac-b@example.org")
    facilitator.goto(f"{live_server}/cohorts/{byg}/progress")
    assert_accessible(facilitator)
    facilitator.get_by_label("Only those behind schedule").check()
    facilitator.get_by_role("button", name="Show").click()
    facilitator.get_by_role("link", name="Joseph Otieno").wait_for()
    assert facilitator.get_by_role("link", name="Sita Sharma").count() == 0
    with facilitator.expect_download() as download:
        facilitator.get_by_role("link", name="Download this view as CSV").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Joseph Otieno" in csv_text and "Sita Sharma" not in csv_text

    contact = browser.new_context().new_page()
    _log_in(contact, live_server, "contact-b@example.org")
    contact.goto(f"{live_server}/organisation/progress")
    contact.get_by_role("cell", name="Sita Sharma").first.wait_for()
    assert contact.get_by_text("Joseph Otieno").count() == 0
    assert_accessible(contact)
    for p in (page, anyone, facilitator, contact):
        p.context.close()
