"""Registers the command groups on the app's CLI."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from learning.accounts.cli import users_cli
    from learning.courses.cli import courses_cli
    from learning.demo import demo_command
    from learning.discussions.cli import digest_command
    from learning.progress.cli import notify_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(demo_command)
    notify_cli.add_command(digest_command)
    app.cli.add_command(notify_cli)
