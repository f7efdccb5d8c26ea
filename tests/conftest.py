"""Shared fixtures: one app per test session on its own database (SQLite file, or a fresh
PostgreSQL database when TEST_DATABASE_URL is set), emptied after every test."""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import delete, event
from sqlalchemy.engine import make_url

from config import TestingConfig
from learning import create_app, mail
from learning.accounts import services as accounts
from learning.db import db
from learning.extensions import limiter

PASSWORD = "correct horse battery"
FIXTURE_COURSES = Path(__file__).parent / "fixtures" / "courses"


@contextmanager
def _postgres_database(admin_url: str) -> Iterator[str]:
    import psycopg

    url = make_url(admin_url)
    name = f"test_{uuid.uuid4().hex[:10]}"
    conninfo = url.set(drivername="postgresql", database=url.database or "postgres")
    dsn = conninfo.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _test_database(tmp_path_factory) -> Iterator[str]:
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        with _postgres_database(admin_url) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    with _test_database(tmp_path_factory) as url:

        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url
            COURSES_DIR = str(FIXTURE_COURSES / "valid")

        app = create_app(Config)
        with app.app_context():
            db.create_all()
        yield app
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
    limiter.reset()
    mail.sent.clear()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sent_mail():
    return mail.sent


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(role: str = "none", email: str | None = None, name: str | None = None, **kwargs):
        n = next(counter)
        with app.app_context():
            user = accounts.create_user(
                email or f"user{n}@example.org",
                name or f"User {n}",
                kwargs.pop("password", PASSWORD),
                global_role=role,
                **kwargs,
            )
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def login(client):
    def do(user, password: str = PASSWORD, next_url: str = ""):
        return client.post(
            "/account/login", data={"email": user.email, "password": password, "next": next_url}
        )

    return do


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...` then `q.count` SQL statements were run."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
