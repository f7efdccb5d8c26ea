"""The catalogue, course overview, lesson reader and course images."""

import markdown
import pytest
from sqlalchemy import select

from learning.courses.loader import file_hash
from learning.courses.models import Lesson
from learning.db import db
from tests.courses.test_sync import TINY_PNG, sync
from tests.courses.tree import lesson, write_course


@pytest.fixture
def course_tree(app, runner, tmp_path):
    course = write_course(
        tmp_path,
        lessons={
            "01-first.md": lesson("First", body="## Start\n\n![A dot](../assets/dot.png)\n"),
            "02-second.md": lesson("Second"),
        },
    )
    (course / "assets").mkdir()
    (course / "assets" / "dot.png").write_bytes(TINY_PNG)
    (course / "01-basics" / "01-first.nb.md").write_text(
        "---\ntitle: Første\nminutes: 5\noutcomes: [Forklare]\nsource_hash: "
        f"{file_hash((course / '01-basics' / '01-first.md').read_bytes())[:12]}"
        "\n---\n## Start på norsk\n"
    )
    result = sync(runner, tmp_path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        ids = {row.slug: row.id for row in db.session.scalars(select(Lesson))}
    return ids


def test_staff_see_the_catalogue_and_overview(client, make_user, login, course_tree):
    login(make_user(role="facilitator"))
    catalogue = client.get("/courses/").get_data(as_text=True)
    assert "Course demo" in catalogue and "2 lessons" in catalogue
    overview = client.get("/courses/demo/").get_data(as_text=True)
    assert "Basics" in overview and "Explain first" in overview and "5 minutes" in overview


@pytest.mark.parametrize("path", ["/courses/", "/courses/demo/", "/courses/demo/lessons/{first}"])
def test_learners_cannot_preview(client, make_user, login, course_tree, path):
    login(make_user())
    assert client.get(path.format(**course_tree)).status_code == 404


def test_lesson_reader(client, make_user, login, course_tree):
    login(make_user(role="admin"))
    page = client.get(f"/courses/demo/lessons/{course_tree['first']}").get_data(as_text=True)
    assert "<h1>First</h1>" in page
    assert "Explain first" in page
    assert 'rel="next"' in page and "Second" in page
    assert "norsk bokmål" in page  # the language switch


def test_language_switch_and_preference(client, make_user, login, course_tree):
    user = make_user(role="facilitator", language="nb")
    login(user)
    page = client.get(f"/courses/demo/lessons/{course_tree['first']}").get_data(as_text=True)
    assert "Første" in page and "Start på norsk" in page
    english = client.get(f"/courses/demo/lessons/{course_tree['first']}?lang=en")
    assert "<h1>First</h1>" in english.get_data(as_text=True)


def test_lesson_page_query_budget_and_no_markdown_on_request(
    client, make_user, login, course_tree, count_queries, monkeypatch
):
    login(make_user(role="facilitator"))

    def refuse(*args, **kwargs):
        raise AssertionError("Markdown rendered on the request path")

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    with count_queries() as queries:
        response = client.get(f"/courses/demo/lessons/{course_tree['second']}")
    assert response.status_code == 200
    assert queries.count <= 6, queries.statements


def test_lesson_links_follow_the_stable_id(client, make_user, login, course_tree):
    login(make_user(role="facilitator"))
    response = client.get("/lessons/demo/basics/second")
    assert response.headers["Location"] == f"/courses/demo/lessons/{course_tree['second']}"
    assert client.get("/lessons/demo/basics/nothing").status_code == 404


def test_images_are_served_with_long_cache_lifetimes(client, make_user, login, course_tree):
    login(make_user(role="facilitator"))
    page = client.get(f"/courses/demo/lessons/{course_tree['first']}").get_data(as_text=True)
    src = page.split('src="', 1)[1].split('"', 1)[0]
    response = client.get(src)
    assert response.status_code == 200
    assert response.data == TINY_PNG
    assert response.mimetype == "image/png"
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/course-assets/demo/000000000000/assets/dot.png",
        "/course-assets/demo/{sha}/assets/none.png",
        "/course-assets/demo/{sha}/../course.md",
        "/course-assets/demo/{sha}/assets/..%2Fcourse.md",
        "/course-assets/demo/{sha}/%2e%2e/%2e%2e/config.py",
        "/course-assets/demo/{sha}/assets/%2e%2e%2f01-basics%2f01-first.md",
        "/course-assets/other/{sha}/assets/dot.png",
    ],
)
def test_only_real_assets_are_served(client, make_user, login, course_tree, path):
    import hashlib

    login(make_user(role="facilitator"))
    sha = hashlib.sha256(TINY_PNG).hexdigest()[:12]
    assert client.get(path.format(sha=sha)).status_code == 404
