"""Fixtures for discussion tests: two cohorts on the synced test course, with a facilitator,
participants, a member of both cohorts, a removed member and an outsider; lessons with
reflection prompts; and logged-in clients per person."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from learning.accounts.models import User
from learning.cohorts import services as cohorts
from learning.cohorts.models import Cohort, Membership
from learning.courses.models import Lesson
from learning.db import db
from learning.discussions.models import Notification
from tests.cohorts.conftest import course, make_cohort  # noqa: F401
from tests.conftest import PASSWORD


@dataclass
class World:
    users: dict[str, User]
    a: Cohort
    b: Cohort
    lessons: dict[str, int]


@pytest.fixture
def world(app, make_user, make_cohort) -> World:  # noqa: F811
    """Cohort A: fac (facilitator), sita, prakash, carla (contact), both, removed (removed).
    Cohort B: fac_b, both, bea. Plus an outsider. Lesson "first" has an open reflection,
    "second" a post-first one."""
    users = {
        "fac": make_user(role="facilitator", name="Grace Wanjiru"),
        "fac_b": make_user(role="facilitator", name="Bjørn Berg"),
        "sita": make_user(name="Sita Sharma"),
        "prakash": make_user(name="Prakash Thapa"),
        "carla": make_user(name="Carla Mendes"),
        "both": make_user(name="Ama Mensah"),
        "removed": make_user(name="Rune Removed"),
        "bea": make_user(name="Bea Only-B"),
        "outsider": make_user(name="Olga Outsider"),
    }
    a = make_cohort(
        users["fac"],
        {
            users["sita"]: "participant",
            users["prakash"]: "participant",
            users["carla"]: "contact",
            users["both"]: "participant",
            users["removed"]: "participant",
        },
        name="Cohort A",
    )
    b = make_cohort(
        users["fac_b"], {users["both"]: "participant", users["bea"]: "participant"}, name="Cohort B"
    )
    with app.app_context():
        remove(app, users["fac"], a, users["removed"])
        db.session.execute(
            update(Lesson)
            .where(Lesson.slug == "first")
            .values(reflection="What surprised you most?", reflection_mode="open")
        )
        db.session.execute(
            update(Lesson)
            .where(Lesson.slug == "second")
            .values(
                reflection="Describe a time you felt like an outsider.",
                reflection_mode="post-first",
            )
        )
        db.session.commit()
        lessons = {row.slug: row.id for row in db.session.scalars(select(Lesson))}
    return World(users, a, b, lessons)


def remove(app, actor: User, cohort: Cohort, user: User) -> None:
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).where(
                Membership.cohort_id == cohort.id, Membership.user_id == user.id
            )
        )
        cohorts.remove_member(db.session.get(User, actor.id), membership)
        db.session.commit()


@pytest.fixture
def client_for(app):
    """client_for(user) -> a test client logged in as that user."""

    def make(user):
        client = app.test_client()
        response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return make


def set_email_choice(app, user: User, choice: str) -> None:
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == user.id).values(email_notifications=choice)
        )
        db.session.commit()


def notifications_of(app, user: User) -> list[Notification]:
    with app.app_context():
        rows = db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        ).all()
        db.session.expunge_all()
        return list(rows)
