"""The `flask courses` commands: check a courses tree, import a GIFT file, hash a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from learning.courses.gift import parse_gift, render_quiz
from learning.courses.loader import file_hash
from learning.courses.validate import check

courses_cli = AppGroup("courses", help="Validate, sync and import courses.")


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(path: Path | None) -> None:
    """Validate the courses in PATH (default: the app's COURSES_DIR) and list every problem."""
    root = path if path is not None else Path(current_app.config["COURSES_DIR"])
    courses, problems = check(root)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} errors, {warnings} warnings in {len(courses)} courses")
    if errors:
        raise click.exceptions.Exit(1)


@courses_cli.command("import-gift", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT if it already exists.")
def import_gift_command(file: Path, out: Path, force: bool) -> None:
    """Convert the Moodle GIFT questions in FILE into a quiz.md written to OUT."""
    if out.exists() and not force:
        raise click.ClickException(f"{out} already exists: use --force to overwrite it")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text") from exc
    questions, problems = parse_gift(text, str(file))
    for problem in problems:
        click.echo(str(problem))
    if not questions:
        click.echo(f"No question could be converted: {out} not written.")
        raise click.exceptions.Exit(1)
    out.write_text(render_quiz(questions), encoding="utf-8")
    click.echo(f"Wrote {len(questions)} questions to {out} ({len(problems)} problems).")


@courses_cli.command("hash", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def hash_command(files: tuple[str, ...]) -> None:
    """Print the source_hash a translation of each FILE should record."""
    for name in files:
        click.echo(f"{file_hash(Path(name).read_bytes())[:12]}  {name}")


@courses_cli.command("sync")
@click.option("--dry-run", is_flag=True, help="List what would change; write nothing.")
@click.option(
    "--path",
    type=click.Path(file_okay=False, path_type=Path),
    help="The courses tree (default: the app's COURSES_DIR).",
)
def sync_command(dry_run: bool, path: Path | None) -> None:
    """Upsert every valid course by stable id; archive what disappeared."""
    from learning.courses import services
    from learning.db import db

    root = path if path is not None else Path(current_app.config["COURSES_DIR"])
    courses, problems = services.load_courses(root)
    rejected = services.rejected_courses(courses, problems)
    report = services.SyncReport(rejected=rejected)
    valid = [course for course in courses if course.slug not in rejected]
    lesson_count = sum(len(m.lessons) for c in valid for m in c.modules)
    # A bar only when the tree is large enough to keep someone waiting.
    with click.progressbar(valid, label="Syncing", hidden=lesson_count < 100) as bar:
        for course in bar:
            try:
                services.sync_course(course, root, report)
            except Exception:
                db.session.rollback()
                raise
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
    present = {course.slug for course in courses} | set(rejected)
    services.archive_missing_courses(present, report)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()

    for slug, errors in sorted(rejected.items()):
        click.echo(f"Course {slug!r} rejected: nothing of it changed. Its errors:")
        for problem in errors:
            click.echo(f"  {problem}")
    if dry_run:
        for sign, ids in (("+", report.added), ("~", report.updated), ("-", report.archived)):
            for stable_id in ids:
                click.echo(f"{sign} {stable_id}")
    click.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"archived {len(report.archived)}, unchanged {report.unchanged}, "
        f"rendered {report.rendered}; {len(rejected)} courses rejected"
        + (" (dry run: nothing was written)" if dry_run else "")
    )
    if rejected:
        raise click.exceptions.Exit(1)
