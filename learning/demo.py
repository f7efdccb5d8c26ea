"""`flask demo`: demo organisations and accounts, safe to run twice."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learning.accounts import services as accounts
from learning.accounts.models import Organisation
from learning.db import db

DEMO_PASSWORD = "exchange-demo-2026"  # noqa: S105 - demo accounts on a local machine only

ORGANISATIONS = [
    ("Fjordvik Youth Council", "Norway"),
    ("Kathmandu Community Health Network", "Nepal"),
]
# email, name, global role, organisation index, time zone, language
ACCOUNTS = [
    ("admin@example.org", "Astrid Admin", "admin", 0, "Europe/Oslo", "en"),
    ("facilitator@example.org", "Grace Wanjiru", "facilitator", 0, "Africa/Nairobi", "en"),
    ("contact@example.org", "Ola Nordmann", "none", 0, "Europe/Oslo", "nb"),
    ("participant@example.org", "Sita Sharma", "none", 1, "Asia/Kathmandu", "en"),
    ("participant2@example.org", "Ingrid Berg", "none", 0, "Europe/Oslo", "en"),
    ("participant3@example.org", "Prakash Thapa", "none", 1, "Asia/Kathmandu", "en"),
]


def _organisation(name: str, country: str) -> Organisation:
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == name, Organisation.country == country)
    )
    if organisation is None:
        organisation = Organisation(name=name, country=country)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def seed_demo() -> list[tuple[str, str]]:
    """Create what is missing; returns (email, role) of every demo login."""
    organisations = [_organisation(name, country) for name, country in ORGANISATIONS]
    logins = []
    for email, name, role, org_index, timezone, language in ACCOUNTS:
        if accounts.get_user_by_email(email) is None:
            accounts.create_user(
                email,
                name,
                DEMO_PASSWORD,
                global_role=role,
                timezone=timezone,
                language=language,
                organisation_id=organisations[org_index].id,
            )
        logins.append((email, role))
    return logins


@click.command("demo")
@with_appcontext
def demo_command():
    """Create demo organisations and accounts (safe to run twice)."""
    logins = seed_demo()
    db.session.commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {email:28} {role}")
