"""`flask users ...`: account administration from the command line."""

import secrets

import click
from flask.cli import AppGroup

from learning.accounts import services
from learning.db import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.option(
    "--role",
    type=click.Choice(["admin", "facilitator", "none"]),
    default="none",
    show_default=True,
    help="Global role.",
)
@click.option("--admin", is_flag=True, help="Shorthand for --role admin.")
@click.option("--timezone", default="UTC", show_default=True)
@click.option("--language", default="en", show_default=True)
@click.option(
    "--generate-password",
    is_flag=True,
    help="Generate a password and print it once instead of prompting.",
)
def create_user_command(email, display_name, role, admin, timezone, language, generate_password):
    """Create a user account."""
    if generate_password:
        password = secrets.token_urlsafe(12)
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(
            email,
            display_name,
            password,
            global_role="admin" if admin else role,
            language=language,
            timezone=timezone,
        )
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.global_role}).")
    if generate_password:
        click.echo(f"Password (shown once): {password}")
