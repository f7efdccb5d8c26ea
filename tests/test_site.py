"""Site-wide behaviour: security headers, error pages, health check, page weight."""

import gzip
import re

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from config import TestingConfig
from learning import create_app
from learning.accounts.models import Organisation
from learning.db import db


def test_security_headers_on_every_response(client):
    for path in ("/account/login", "/no-such-page", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_hsts_over_https(client):
    response = client.get("/account/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_flags(client, make_user, login):
    login(make_user())
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [("GET", "/nowhere", 404), ("PUT", "/account/login", 405), ("DELETE", "/healthz", 405)],
)
def test_error_pages_are_branded(client, method, path, code):
    response = client.open(path, method=method)
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert "Exchange Learning" in page and f"Error code {code}" in page
    assert "Traceback" not in page


def test_413_page(app, client):
    response = client.post("/account/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_500_rolls_back_and_shows_a_branded_page():
    app = create_app(TestingConfig)
    seen = {}

    @app.route("/_boom")
    def boom():
        db.session.add(Organisation(name="Half-written", country="Nowhere"))
        seen["session"] = db.session()
        raise RuntimeError("boom")

    boom.access_rule = "public"
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "RuntimeError" not in page
    assert not seen["session"].new  # rolled back


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.fixture
def database_down(app):
    """Every new connection fails, as when the database server is stopped."""

    def refuse(dialect, conn_rec, cargs, cparams):
        raise OperationalError("connect", {}, Exception("connection refused"))

    with app.app_context():
        engine = db.engine
        engine.dispose()
        event.listen(engine, "do_connect", refuse)
    yield
    event.remove(engine, "do_connect", refuse)


def test_database_down_gives_503_then_recovers(app, make_user, database_down):
    client = app.test_client()
    response = client.post("/account/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "briefly unavailable" in page and "Traceback" not in page
    assert client.get("/healthz").status_code == 503


def test_recovers_when_the_database_returns(app, client, make_user, login):
    # The previous test left the pool disposed with refusing listeners removed.
    assert client.get("/healthz").status_code == 200
    assert login(make_user()).status_code == 302


def test_login_page_weighs_under_20_kb(client):
    page = client.get("/account/login")
    html = page.get_data()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode())
    total = len(html)
    for url in assets:
        with client.get(url) as asset:
            total += len(asset.get_data())
    assert total < 20 * 1024, total


def test_pages_are_gzipped_when_asked(client):
    response = client.get("/account/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert b"Log in" in gzip.decompress(response.get_data())


def test_static_files_with_version_are_cached_for_a_year(client):
    html = client.get("/account/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=\w+)"', html).group(1)
    with client.get(css) as response:
        assert "immutable" in response.headers["Cache-Control"]


def test_every_endpoint_declares_an_access_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(app.view_functions[rule.endpoint], "access_rule", None) is None
    ]
    assert missing == []
