"""`flask notify digest`: the daily email digest of notifications (for cron).

The `notify` group itself lives in learning/progress/cli.py (with `reminders`);
learning/cli.py adds this command to it."""

import click
from flask.cli import with_appcontext

from learning.db import db
from learning.discussions import services


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Send each daily-digest reader one mail with their unsent notifications."""
    report = services.send_digests()
    db.session.commit()
    click.echo(
        f"{report.users} digest(s) sent with {report.notifications} notification(s); "
        f"{report.skipped} skipped from cohorts their readers have left."
    )
