"""Fixtures for quiz, task and self-assessment flows: two linked courses (before and after the
exchange) synced from a small tree, and a cohort factory for either."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from learning.cohorts import services as cohorts
from learning.courses import services as courses
from learning.courses.models import Course, Lesson, Quiz
from learning.db import db, utcnow
from tests.courses.tree import lesson

QUIZ = """---
title: Module check
pass_mark: 70
max_attempts: 3
shuffle: true
rubric_exceptions: {{Q1: fixture}}
---
## Ingrid's idea

Ingrid suggests a change; two weeks later nothing has happened. What should she do?

- [ ] Give up
  > Not the best choice: silence has many causes.
- [x] Ask her supervisor how ideas move forward
  > Yes: she checks her interpretation.{extra}
- [ ] Email the director
  > Not the best choice: it goes around her supervisor.

## Which are checks?

- [x] Asking
  > Asking checks.
- [x] Observing
  > Observing checks.
- [ ] Assuming
  > Assuming checks nothing.

## The decimal

What is three and a half?

= 3.5
= three and a half
> Both forms are accepted.
"""

SELF_ASSESSMENT = """---
id: exchange-journey
title: "Your exchange journey"
when: [{when}]
scale: [Not yet, A little, Partly, Mostly, Fully]
items:
  - id: reciprocity
    statement: I can say what both organisations give and receive.
  - id: listening
    statement: I check my interpretation before I act.
  - id: learning-goals
    type: text
    statement: Write three learning goals.
---
Answer honestly: only you see your answers.
"""


def write_tree(root: Path, slug: str, phase: str, when: str, extra: str = "") -> None:
    course = root / slug
    module = course / "01-basics"
    later = course / "02-later"
    module.mkdir(parents=True)
    later.mkdir()
    (course / "course.md").write_text(
        f"---\ntitle: Course {slug}\nsummary: Test.\naudience: [participant]\nphase: {phase}\n"
        "---\nOverview.\n"
    )
    (course / "self-assessment.md").write_text(SELF_ASSESSMENT.format(when=when))
    (module / "module.md").write_text("---\ntitle: Basics\n---\nIntro.\n")
    (module / "01-first.md").write_text(lesson("First", body="## One\n\nText.\n"))
    (module / "02-task.md").write_text(lesson(
        "Plan", body="## Two\n\nText.\n", extra="task: Write your 90-day plan.\n"))  # fmt: skip
    (module / "quiz.md").write_text(QUIZ.format(extra=extra))
    (later / "module.md").write_text("---\ntitle: Later\n---\nLater.\n")
    (later / "01-third.md").write_text(lesson("Third", body="## Three\n\nText.\n"))
    (later / "quiz.md").write_text(QUIZ.format(extra=""))


def sync_tree(app, root: Path) -> None:
    with app.app_context():
        loaded, problems = courses.load_courses(root)
        assert not courses.rejected_courses(loaded, problems), problems
        report = courses.SyncReport()
        for item in loaded:
            courses.sync_course(item, root, report)
        db.session.commit()


@pytest.fixture
def trees(app, tmp_path):
    root = tmp_path / "courses"
    write_tree(root, "before", "pre", "start, end")
    write_tree(root, "after", "post", "end")
    sync_tree(app, root)
    return root


@pytest.fixture
def cohort_for(app, trees):
    """cohort_for(slug, facilitator, {user: role}) -> (cohort, ids) with ids of lessons and
    quizzes by name; module 1 is open, module 2 opens in four days."""

    def make(slug, facilitator, members, name=None):
        with app.app_context():
            course = db.session.scalar(select(Course).where(Course.slug == slug))
            today = utcnow().date()
            cohort = cohorts.create_cohort(
                db.session.get(type(facilitator), facilitator.id), name=name or f"{slug} cohort",
                course=course, starts_on=today - timedelta(days=3),
                ends_on=today + timedelta(days=60), timezone="UTC",
            )  # fmt: skip
            for user, role in members.items():
                cohorts.add_member(cohort, db.session.get(type(user), user.id), role)
            db.session.commit()
            ids = {row.slug: row.id for row in db.session.scalars(
                select(Lesson).where(Lesson.course_id == course.id))}  # fmt: skip
            quizzes = db.session.scalars(
                select(Quiz).where(Quiz.stable_id.like(f"{slug}/%")).order_by(Quiz.stable_id)
            ).all()
            ids["quiz"], ids["later_quiz"] = quizzes[0].id, quizzes[1].id
            db.session.refresh(cohort)
            db.session.expunge(cohort)
            return cohort, ids

    return make
