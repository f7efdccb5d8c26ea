"""`flask demo`: demo organisations, partnerships, accounts and a demo cohort; safe to run twice."""

from datetime import datetime, time, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learning.accounts import services as accounts
from learning.accounts.models import Organisation, User
from learning.cohorts import services as cohorts
from learning.cohorts.models import Cohort, Partnership
from learning.courses.models import Course
from learning.db import db, utcnow

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
