"""`flask notify reminders`: email learners whose work is due soon or overdue (for cron)."""

import click
from flask.cli import AppGroup

from learning.db import db
from learning.progress import services

notify_cli = AppGroup("notify", help="Send reminders and digests (run from cron).")


@notify_cli.command("reminders")
def reminders_command() -> None:
    """Email due and overdue reminders, once per module and kind, to those who want them."""
    count = services.send_reminders()
    db.session.commit()
    click.echo(f"{count} reminders sent.")
