"""Browser tests: the real app on a loopback port, driven by Playwright in Debian's Chromium,
with axe-core checking every page for WCAG 2.1 AA violations."""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config import TestingConfig
from learning import create_app
from learning.db import db

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    database = tmp_path_factory.mktemp("e2e") / "e2e.db"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        WTF_CSRF_ENABLED = True  # the browser goes through the real forms
        RATELIMIT_LOGIN = "1000 per minute"
        RATELIMIT_LOGIN_ACCOUNT = "1000 per minute"
        COURSES_DIR = str(ROOT / "courses")

    app = create_app(Config)
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live_app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield live_app.config["BASE_URL"]
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (make e2e does it)")
    return AXE_JS.read_text()


@pytest.fixture
def assert_accessible(axe_source):
    """Run axe-core in the page (page.evaluate is not subject to the page's CSP)."""

    def check(page) -> None:
        page.evaluate(axe_source)
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        violations = [
            (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:5])
            for v in result["violations"]
        ]
        assert violations == [], f"axe violations on {page.url}: {violations}"

    return check
