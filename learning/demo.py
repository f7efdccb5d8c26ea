"""`flask demo`: demo organisations, partnerships, accounts and a demo cohort; safe to run twice."""

from datetime import datetime, time, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learning.accounts import services as accounts
from learning.accounts.models import Organisation, User
from learning.cohorts import services as cohorts
from learning.cohorts.models import Cohort, Partnership
from learning.courses.models import Course, Lesson
from learning.db import db, utcnow
from learning.discussions import services as discussions
from learning.discussions.models import Thread
from learning.progress import services as progress
from learning.progress.models import LessonCompletion
from learning.quizzes import services as quizzes

DEMO_PASSWORD = "exchange-demo-2026"  # noqa: S105 - demo accounts on a local machine only
DEMO_COURSE = "before-you-go"
DEMO_COHORT = "Before you go: demo cohort"

ORGANISATIONS = [
    ("Fjordvik Youth Council", "Norway"),
    ("Kathmandu Community Health Network", "Nepal"),
    ("Bergen Water Works", "Norway"),
    ("Nairobi City Water Utility", "Kenya"),
]
PARTNERSHIPS = [
    ("Fjordvik and Kathmandu youth health exchange", (0, 1)),
    ("Bergen and Nairobi water exchange", (2, 3)),
]
# email, name, global role, organisation index, time zone, language, role in the demo cohort
ACCOUNTS = [
    ("admin@example.org", "Astrid Admin", "admin", 0, "Europe/Oslo", "en", None),
    ("facilitator@example.org", "Grace Wanjiru", "facilitator", 3, "Africa/Nairobi", "en",
     "facilitator"),
    ("contact@example.org", "Ola Nordmann", "none", 0, "Europe/Oslo", "nb", "contact"),
    ("participant@example.org", "Sita Sharma", "none", 1, "Asia/Kathmandu", "en", "participant"),
    ("participant2@example.org", "Ingrid Berg", "none", 0, "Europe/Oslo", "en", "participant"),
    ("participant3@example.org", "Prakash Thapa", "none", 1, "Asia/Kathmandu", "en",
     "participant"),
    ("participant4@example.org", "Joseph Otieno", "none", 3, "Africa/Nairobi", "en",
     "participant"),
    ("participant5@example.org", "Eirik Haugen", "none", 2, "Europe/Oslo", "en", "participant"),
]  # fmt: skip


def _organisation(name: str, country: str) -> Organisation:
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == name, Organisation.country == country)
    )
    if organisation is None:
        organisation = Organisation(name=name, country=country)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def _partnership(name: str, members: list[Organisation]) -> Partnership:
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == name))
    if partnership is None:
        partnership = Partnership(name=name, organisations=members)
        db.session.add(partnership)
        db.session.flush()
    return partnership


def _demo_cohort(users: dict[str, User], partnerships: list[Partnership]) -> Cohort | None:
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE))
    if course is None:
        return None
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        today = utcnow().date()
        # Started two weeks ago: the first three modules are open, the rest still to come.
        cohort = cohorts.create_cohort(
            users["facilitator@example.org"], name=DEMO_COHORT, course=course,
            starts_on=today - timedelta(weeks=2), ends_on=today + timedelta(weeks=6),
            timezone="Europe/Oslo", partnerships=partnerships,
            description="A demo cohort with participants from two partnerships.",
        )  # fmt: skip
        cohorts.add_live_session(
            users["facilitator@example.org"], cohort, title="Welcome call",
            local_start=datetime.combine(today + timedelta(days=7), time(14, 0)), duration=60,
            join_url="https://meet.example.org/before-you-go",
            notes="Audio only is fine. We share a written summary afterwards.",
        )  # fmt: skip
    for email, *_rest, cohort_role in ACCOUNTS:
        if cohort_role:
            cohorts.add_member(cohort, users[email], cohort_role)
    return cohort


def _answers(quiz, right: bool) -> dict:
    """Responses that pass (or fail) a quiz, from its own answer key."""
    responses = {}
    for question in quiz.questions:
        if question["kind"] == "short":
            responses[question["key"]] = question["answers"][0] if right else "?"
        else:
            keys = [o["key"] for o in question["options"] if o["is_correct"] == right]
            responses[question["key"]] = keys if question["kind"] == "multiple" else keys[:1]
    return responses


def _demo_progress(cohort: Cohort, users: dict[str, User]) -> None:
    """Varied progress, so the dashboards show something real (only on the first run)."""
    if db.session.scalar(
        select(LessonCompletion.id).where(LessonCompletion.cohort_id == cohort.id)
    ):
        return
    plan = progress.plans_for([cohort])[cohort.id]
    module_ids = [module_id for module_id, _title in plan.modules]
    quizzes_by_module = quizzes.quizzes_by_module(cohort.course_id)
    lessons = [i for i in plan.items if i.kind == "lesson"]
    # How far each participant got: lessons done and whether they passed the first quizzes.
    journeys = {
        "participant@example.org": (9, [True, True]),
        "participant2@example.org": (5, [False, True]),
        "participant3@example.org": (4, [False]),
        "participant5@example.org": (2, []),
        "participant4@example.org": (0, []),
    }
    for email, (lesson_count, quiz_results) in journeys.items():
        user = users[email]
        for item in lessons[:lesson_count]:
            progress.mark_complete(user, cohort, db.session.get(Lesson, item.id))
        for module_id, passed in zip(module_ids, quiz_results, strict=False):
            quiz = quizzes_by_module.get(module_id)
            attempts = [passed] if passed else [False]
            if quiz is not None:
                for number, right in enumerate(attempts, start=1):
                    quizzes.submit_attempt(user, cohort, quiz, number, quiz.source_hash,
                                           _answers(quiz, right))  # fmt: skip
        definition = cohort.course.self_assessment
        if definition:
            ratings = {
                f"item-{item['id']}": str(1 + (lesson_count + n) % 4)
                for n, item in enumerate(definition["items"])
                if item["type"] != "text"
            }
            ratings["item-learning-goals"] = "Learn how decisions are made; share our methods."
            quizzes.save_self_assessment(user, cohort, cohort.course, "start", ratings)


def _demo_discussion(cohort: Cohort, users: dict[str, User]) -> None:
    """An announcement, a thread and a reflection conversation (only on the first run)."""
    if db.session.scalar(select(Thread.id).where(Thread.cohort_id == cohort.id)):
        return
    facilitator = users["facilitator@example.org"]
    discussions.announce(
        facilitator, cohort, title="Welcome to the cohort", key=None,
        body="Welcome, everyone! Our first live call is next week. Audio only is fine: "
        "we share a written summary afterwards for those with slow connections.",
    )  # fmt: skip
    discussions.start_thread(
        users["participant2@example.org"], cohort, title="Packing for Kathmandu in winter",
        body="I travel in January. Colleagues who know Kathmandu: what do you wear at the "
        "office when it is cold inside?",
    )  # fmt: skip
    first = db.session.scalar(
        select(Lesson).where(Lesson.course_id == cohort.course_id, Lesson.reflection.is_not(None))
        .order_by(Lesson.module_id, Lesson.position)
    )  # fmt: skip
    if first is not None:
        post = discussions.reflect(
            users["participant@example.org"], cohort, first,
            "I hope to give what our network learned about community health visits, and to "
            "receive new ways of planning work with young people. @Ingrid Berg, what do you "
            "hope to learn in Kathmandu?",
        )  # fmt: skip
        discussions.reflect(
            users["participant2@example.org"], cohort, first,
            "Thank you, Sita. I hope to learn how your team builds trust with families. I can "
            "offer our experience with digital youth surveys.", reply_to_id=post.id,
        )  # fmt: skip


def seed_demo() -> tuple[list[tuple[str, str]], Cohort | None]:
    """Create what is missing; returns (email, role) of every demo login, and the cohort."""
    organisations = [_organisation(name, country) for name, country in ORGANISATIONS]
    partnerships = [
        _partnership(name, [organisations[i] for i in members]) for name, members in PARTNERSHIPS
    ]
    users, logins = {}, []
    for email, name, role, org_index, timezone, language, cohort_role in ACCOUNTS:
        user = accounts.get_user_by_email(email)
        if user is None:
            user = accounts.create_user(
                email, name, DEMO_PASSWORD, global_role=role, timezone=timezone,
                language=language, organisation_id=organisations[org_index].id,
            )  # fmt: skip
        users[email] = user
        logins.append((email, role if role != "none" else (cohort_role or "none")))
    cohort = _demo_cohort(users, partnerships)
    if cohort is not None:
        _demo_progress(cohort, users)
        _demo_discussion(cohort, users)
    # Nobody is waiting for demo mails.
    db.session.info.pop("outbox", None)
    return logins, cohort


@click.command("demo")
@with_appcontext
def demo_command():
    """Create demo organisations, accounts and a demo cohort (safe to run twice)."""
    logins, cohort = seed_demo()
    db.session.commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {email:28} {role}")
    if cohort is None:
        click.echo(f"No demo cohort: sync the courses first (the course {DEMO_COURSE!r}).")
    else:
        click.echo(f"Demo cohort: /cohorts/{cohort.slug}/")
