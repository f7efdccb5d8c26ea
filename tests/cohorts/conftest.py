"""Fixtures for cohort tests: a synced two-module course and a cohort factory."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from learning.cohorts import services
from learning.cohorts.models import Cohort
from learning.courses import services as courses
from learning.courses.models import Course
from learning.db import db, utcnow
from tests.courses.tree import lesson, write_course


@pytest.fixture
def course(app, tmp_path):
    """A course with two modules of two lessons each, synced into the database."""
    root = tmp_path / "courses"
    course_dir = write_course(root, "exchange")
    second = course_dir / "02-later"
    second.mkdir()
    (second / "module.md").write_text("---\ntitle: Later\n---\nLater on.\n")
    (second / "01-third.md").write_text(lesson("Third", body="## Later\n\nMore.\n"))
    (second / "02-fourth.md").write_text(lesson("Fourth", body="## Last\n\nDone.\n"))
    with app.app_context():
        loaded, problems = courses.load_courses(root)
        assert not courses.rejected_courses(loaded, problems)
        report = courses.SyncReport()
        for item in loaded:
            courses.sync_course(item, root, report)
        db.session.commit()
        return db.session.scalar(select(Course.id))


@pytest.fixture
def make_cohort(app, course):
    """make_cohort(facilitator, members={user: role}, started_days_ago=3) -> cohort id.

    By default module 1 is open and module 2 opens in four days.
    """

    def make(facilitator, members=None, started_days_ago: int = 3, name: str = "Spring cohort",
             status: str = "active") -> Cohort:  # fmt: skip
        with app.app_context():
            actor = db.session.get(type(facilitator), facilitator.id)
            today = utcnow().date()
            cohort = services.create_cohort(
                actor, name=name, course=db.session.get(Course, course),
                starts_on=today - timedelta(days=started_days_ago),
                ends_on=today + timedelta(days=60), timezone="UTC",
            )  # fmt: skip
            cohort.status = status
            for user, role in (members or {}).items():
                services.add_member(cohort, db.session.get(type(user), user.id), role)
            db.session.commit()
            db.session.refresh(cohort)
            db.session.expunge(cohort)
            return cohort

    return make


def days_from_today(days: int) -> date:
    return date.today() + timedelta(days=days)
