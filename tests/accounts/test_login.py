"""Logging in and out, server-side sessions, redirects after login, rate limits."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from learning.accounts.models import LoginSession
from learning.accounts.views import LOGIN_FAILED
from learning.db import db
from tests.conftest import PASSWORD


def test_login_and_logout(client, make_user, login):
    user = make_user(name="Sita Sharma")
    response = login(user)
    assert response.status_code == 302
    assert "Sita Sharma" in client.get("/", follow_redirects=True).get_data(as_text=True)

    response = client.post("/account/logout")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].startswith("/account/login")


def test_email_is_case_insensitive(client, make_user):
    user = make_user(email="Mixed.Case@Example.org")
    assert user.email == "mixed.case@example.org"
    response = client.post(
        "/account/login", data={"email": " MIXED.case@example.ORG ", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_same_message_for_unknown_email_and_wrong_password(client, make_user):
    user = make_user()
    wrong = client.post("/account/login", data={"email": user.email, "password": "nope nope nope"})
    unknown = client.post(
        "/account/login", data={"email": "nobody@example.org", "password": "nope nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert str(LOGIN_FAILED) in wrong.get_data(as_text=True)
    assert str(LOGIN_FAILED) in unknown.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(app, client, make_user, login):
    user = make_user()
    with app.app_context():
        db.session.get(type(user), user.id).is_active = False
        db.session.commit()
    assert login(user).status_code == 200


def test_cookie_saved_before_logout_is_refused_after(app, make_user, login, client):
    user = make_user()
    login(user)
    saved_cookie = client.get_cookie("session").value
    client.post("/account/logout")

    replay = app.test_client()
    replay.set_cookie("session", saved_cookie)
    response = replay.get("/account/")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_session_list_and_ending_another_session(app, make_user, login, client):
    user = make_user()
    other = app.test_client()
    other.post(
        "/account/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile"},
    )
    login(user)
    page = client.get("/account/").get_data(as_text=True)
    assert "Chrome on Android" in page
    assert "this device" in page

    with app.app_context():
        sessions = db.session.scalars(select(LoginSession).order_by(LoginSession.id)).all()
    phone_session = sessions[0]
    assert client.post(f"/account/sessions/{phone_session.id}/end").status_code == 302
    assert other.get("/account/").status_code == 302


def test_cannot_end_someone_elses_session(app, make_user, login, client):
    victim = make_user()
    app.test_client().post("/account/login", data={"email": victim.email, "password": PASSWORD})
    login(make_user())
    with app.app_context():
        victim_session = db.session.scalar(
            select(LoginSession).where(LoginSession.user_id == victim.id)
        )
    assert client.post(f"/account/sessions/{victim_session.id}/end").status_code == 404
    with app.app_context():
        assert db.session.get(LoginSession, victim_session.id).revoked_at is None


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "http:/evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_accepts_local_paths_only(make_user, login, target):
    response = login(make_user(), next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_local_path_is_followed(make_user, login):
    response = login(make_user(), next_url="/account/?tab=sessions")
    assert response.headers["Location"] == "/account/?tab=sessions"


def test_protected_page_redirects_to_login_with_next(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert "next=%2Faccount%2F" in response.headers["Location"]


def test_login_is_rate_limited_per_address(client, app):
    limit = int(app.config["RATELIMIT_LOGIN"].split()[0])
    for n in range(limit):
        client.post("/account/login", data={"email": f"x{n}@example.org", "password": "wrong"})
    response = client.post("/account/login", data={"email": "y@example.org", "password": "wrong"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in response.get_data(as_text=True)


def test_login_is_rate_limited_per_account(app, make_user):
    user = make_user()
    limit = int(app.config["RATELIMIT_LOGIN_ACCOUNT"].split()[0])
    for n in range(limit):
        # A new address each time: only the per-account limit can stop this.
        app.test_client().post(
            "/account/login",
            data={"email": user.email, "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        )
    response = app.test_client().post(
        "/account/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert response.status_code == 429


def test_csrf_rejects_a_login_without_token(app, client, make_user):
    user = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "expired" in page and "Error code 400" in page  # the branded error page
        assert client.get("/account/").status_code == 302  # not logged in
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.scalar(select(LoginSession)) is None


def test_csrf_rejects_a_profile_change_without_token(app, client, make_user, login):
    user = make_user(name="Before")
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/account/",
            data={"display_name": "After", "language": "en", "timezone": "UTC"},
        )
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.get(type(user), user.id).display_name == "Before"


WORKER = """
import sys
from config import TestingConfig
from learning import create_app

class Config(TestingConfig):
    RATELIMIT_STORAGE_URI = sys.argv[1]
    RATELIMIT_LOGIN = "4 per minute"

client = create_app(Config).test_client()
codes = [client.post("/account/login", data={"email": "r@example.org"}).status_code
         for _ in range(int(sys.argv[2]))]
print(" ".join(map(str, codes)))
"""


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
def test_redis_storage_shares_the_limit_between_app_servers():
    """Two processes stand for two gunicorn workers: the limit holds across both."""
    import redis

    url = os.environ["TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()

    def worker(requests: int) -> str:
        result = subprocess.run(
            [sys.executable, "-c", WORKER, url, str(requests)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parents[2],
        )
        return result.stdout.strip()

    try:
        assert worker(3) == "200 200 200"
        assert worker(3) == "200 429 429"
    finally:
        redis.Redis.from_url(url).flushdb()
