"""Time `flask courses sync` on a generated tree: cold (empty database) and warm (nothing
changed since the first run). Targets for 200 lessons: cold < 5 s, warm < 1 s.

Runs the real command in-process through the app's CLI runner, on a fresh SQLite file in a
temporary folder, and also on PostgreSQL when --database-url names a server: it creates a
uniquely named database there, migrates it, and drops it afterwards. A benchmark reports;
it always exits 0 unless it could not run at all.

    .venv/bin/python -m bench.sync_bench
    .venv/bin/python -m bench.sync_bench --lessons 1000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import contextlib
import io
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate_tree import generate  # noqa: E402

COLD_TARGET, WARM_TARGET = 5.0, 1.0


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of `server_url`, dropped on exit."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql", database=url.database or "postgres")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(database_url: str, courses_dir: Path):
    from config import Config
    from learning import create_app

    class BenchConfig(Config):
        SECRET_KEY = secrets.token_urlsafe(32)
        SQLALCHEMY_DATABASE_URI = database_url
        COURSES_DIR = str(courses_dir)
        MAIL_BACKEND = "memory"

    return create_app(BenchConfig)


def run_sync(app, tree: Path) -> tuple[float, str]:
    runner = app.test_cli_runner()
    start = time.perf_counter()
    result = runner.invoke(args=["courses", "sync", "--path", str(tree)])
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"courses sync failed (exit {result.exit_code}):\n{result.output}")
    return elapsed, result.output.strip().splitlines()[-1]


def time_load(tree: Path) -> float:
    """Reading and validating the tree alone: the part a warm sync cannot skip."""
    from learning.courses.services import load_courses

    start = time.perf_counter()
    load_courses(tree)
    return time.perf_counter() - start


def bench_database(label: str, database_url: str, tree: Path) -> dict:
    from flask_migrate import upgrade

    from learning.db import db

    app = make_app(database_url, tree)
    log = io.StringIO()  # Alembic's INFO lines: shown only when the upgrade fails
    try:
        with app.app_context(), contextlib.redirect_stderr(log):
            upgrade(directory=str(ROOT / "learning" / "migrations"))  # = `flask db upgrade`
    except BaseException:
        print(log.getvalue(), file=sys.stderr)
        raise
    cold, cold_summary = run_sync(app, tree)
    warm, warm_summary = run_sync(app, tree)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {
        "label": label,
        "cold": cold,
        "warm": warm,
        "cold_summary": cold_summary,
        "warm_summary": warm_summary,
    }


def verdict(seconds: float, target: float) -> str:
    return "PASS" if seconds < target else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=200, help="lessons to generate (200)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (postgresql+psycopg://user@host/db): also bench there, "
        "in a temporary database created and dropped on that server",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sync-bench-") as temp:
        temp_dir = Path(temp)
        tree = temp_dir / "courses"
        start = time.perf_counter()
        lessons = generate(tree, args.lessons)
        print(f"Generated {lessons} lessons in {time.perf_counter() - start:.2f} s ({tree})")
        load = time_load(tree)

        results = [bench_database("SQLite", f"sqlite:///{temp_dir / 'bench.db'}", tree)]
        if args.database_url:
            with postgres_database(args.database_url) as url:
                results.append(bench_database("PostgreSQL", url, tree))

    print()
    print(f"courses sync, {lessons} lessons (load + validate alone: {load:.2f} s)")
    print(f"{'database':<12}{'cold':>8}   {'target < 5 s':<14}{'warm':>8}   {'target < 1 s':<14}")
    for r in results:
        cold, warm = r["cold"], r["warm"]
        print(
            f"{r['label']:<12}{cold:>6.2f} s   {verdict(cold, COLD_TARGET):<14}"
            f"{warm:>6.2f} s   {verdict(warm, WARM_TARGET):<14}"
        )
    for r in results:
        print(f"  {r['label']} cold: {r['cold_summary']}")
        print(f"  {r['label']} warm: {r['warm_summary']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
