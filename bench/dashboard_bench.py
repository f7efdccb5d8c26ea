"""Time the facilitator's cohort dashboard for 300 learners x 40 items, and a learner's own
dashboard. Target: the cohort dashboard under 200 ms, on SQLite and on PostgreSQL.

Seeds a generated course (4 modules of 9 lessons and a quiz each: 40 items), a cohort of 300
participants with varied progress (lessons marked complete, quiz attempts), then requests
the pages in-process through the test client, logged in, and reports the median of several
runs and the number of SQL queries. A benchmark reports; it always exits 0 unless it could
not run at all.

    .venv/bin/python -m bench.dashboard_bench
    .venv/bin/python -m bench.dashboard_bench \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate_tree import generate  # noqa: E402
from bench.sync_bench import make_app, postgres_database  # noqa: E402

TARGET_MS = 200
PASSWORD = "bench password 2026"  # noqa: S105 - throwaway accounts in a temp database


def seed(app, tree: Path, learners: int) -> tuple[str, str]:
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from learning.accounts import services as accounts
    from learning.accounts.models import User
    from learning.cohorts import services as cohorts
    from learning.cohorts.models import Membership
    from learning.courses.models import Course
    from learning.db import db, utcnow
    from learning.progress import services as progress
    from learning.progress.models import LessonCompletion
    from learning.quizzes.models import QuizAttempt

    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["courses", "sync", "--path", str(tree)])
    if result.exit_code != 0:
        raise SystemExit(f"sync failed: {result.output}{result.exception!r}")
    with app.app_context():
        facilitator = accounts.create_user("fac@example.org", "Facilitator", PASSWORD,
                                           global_role="facilitator")  # fmt: skip
        course = db.session.scalar(select(Course))
        cohort = cohorts.create_cohort(
            facilitator, name="Benchmark cohort", course=course,
            starts_on=utcnow().date() - timedelta(weeks=3),
            ends_on=utcnow().date() + timedelta(weeks=3), timezone="UTC",
        )  # fmt: skip
        db.session.flush()
        password_hash = generate_password_hash(PASSWORD)
        db.session.execute(insert(User), [
            {"email": f"learner{n}@example.org", "display_name": f"Learner {n:03}",
             "password_hash": password_hash, "language": "en", "timezone": "UTC"}
            for n in range(learners)
        ])  # fmt: skip
        ids = db.session.scalars(select(User.id).where(User.email.like("learner%"))).all()
        db.session.execute(
            insert(Membership),
            [{"cohort_id": cohort.id, "user_id": uid, "role": "participant"} for uid in ids],
        )
        plan = progress.plans_for([cohort])[cohort.id]
        rng = random.Random(7)
        completions, attempts = [], []
        for uid in ids:
            reach = rng.randint(0, len(plan.items))
            for item in plan.items[:reach]:
                if item.kind == "lesson":
                    completions.append(
                        {"user_id": uid, "cohort_id": cohort.id, "lesson_id": item.id}
                    )
                elif item.kind == "quiz":
                    score = rng.choice([40, 80, 100])
                    attempts.append({"quiz_id": item.id, "cohort_id": cohort.id, "user_id": uid,
                                     "number": 1, "snapshot": {}, "order": [],
                                     "submitted_at": utcnow(), "responses": {}, "results": [],
                                     "percent": score, "passed": score >= 70})  # fmt: skip
        db.session.execute(insert(LessonCompletion), completions)
        db.session.execute(insert(QuizAttempt), attempts)
        db.session.commit()
        print(
            f"  seeded {len(ids)} learners x {len(plan.items)} items, "
            f"{len(completions)} completions, {len(attempts)} quiz attempts"
        )
        return cohort.slug, "learner0@example.org"


def timed(client, url: str, runs: int) -> tuple[float, int]:
    from sqlalchemy import event

    from learning.db import db

    statements = []
    with client.application.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(1)

    times = []
    for n in range(runs + 1):
        event.listen(engine, "before_cursor_execute", count)
        statements.clear()
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        event.remove(engine, "before_cursor_execute", count)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if n:  # the first request warms templates and the connection pool
            times.append(elapsed)
    return statistics.median(times), len(statements)


def bench(label: str, database_url: str, learners: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        tree = Path(temp) / "courses"
        generate(tree, lessons=36, per_module=9, per_course=4)
        app = make_app(database_url, tree)
        app.config["WTF_CSRF_ENABLED"] = False  # the benchmark logs in with the test client
        print(f"{label}:")
        slug, learner = seed(app, tree, learners)
        facilitator = app.test_client()
        for client, email in ((facilitator, "fac@example.org"),):
            client.post("/account/login", data={"email": email, "password": PASSWORD})
        ms, queries = timed(facilitator, f"/cohorts/{slug}/progress", runs)
        verdict = "PASS" if ms < TARGET_MS else "MISS"
        print(
            f"  cohort dashboard: {ms:.0f} ms median of {runs}, {queries} queries "
            f"(target < {TARGET_MS} ms: {verdict})"
        )
        own = app.test_client()
        own.post("/account/login", data={"email": learner, "password": PASSWORD})
        ms, queries = timed(own, "/learning", runs)
        print(f"  my learning: {ms:.0f} ms median of {runs}, {queries} queries")
        from learning.db import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", help="a PostgreSQL server URL, as TEST_DATABASE_URL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        bench("SQLite", f"sqlite:///{Path(temp) / 'bench.db'}", args.learners, args.runs)
    if args.database_url:
        with postgres_database(args.database_url) as url:
            bench("PostgreSQL", url, args.learners, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
