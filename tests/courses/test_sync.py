"""`flask courses sync`: upsert by stable id, reject whole courses with errors, archive."""

from pathlib import Path

from sqlalchemy import func, select

from learning.courses.models import Course, CourseAsset, Lesson, Quiz
from learning.db import db
from tests.courses.tree import lesson, write_course

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def sync(runner, root: Path, *args: str):
    result = runner.invoke(args=["courses", "sync", "--path", str(root), *args])
    return result


def lessons(app) -> dict[str, Lesson]:
    with app.app_context():
        rows = db.session.scalars(select(Lesson)).all()
        for row in rows:
            db.session.expunge(row)
        return {row.stable_id: row for row in rows}


def test_sync_adds_then_changes_nothing_the_second_time(app, runner, tmp_path):
    write_course(tmp_path)
    first = sync(runner, tmp_path)
    assert first.exit_code == 0, first.output
    assert "added 5" in first.output  # course, module, two lessons, quiz
    second = sync(runner, tmp_path)
    assert second.exit_code == 0
    assert "added 0, updated 0, archived 0, unchanged 5" in second.output
    assert "rendered 0" in second.output


def test_lesson_html_is_rendered_and_links_resolved(app, runner, tmp_path):
    write_course(tmp_path)
    sync(runner, tmp_path)
    first = lessons(app)["demo/basics/first"]
    assert '<h2 id="why-it-matters">' in first.html
    assert 'href="/lessons/demo/basics/second"' in first.html
    assert first.source.startswith("## Why it matters")


def test_renumbering_and_retitling_keep_the_id(app, runner, tmp_path):
    course = write_course(tmp_path)
    sync(runner, tmp_path)
    before = lessons(app)["demo/basics/first"].id
    (course / "01-basics" / "01-first.md").rename(course / "01-basics" / "03-first.md")
    (course / "01-basics" / "03-first.md").write_text(lesson("A new title"))
    result = sync(runner, tmp_path)
    assert "updated" in result.output
    after = lessons(app)["demo/basics/first"]
    assert (after.id, after.title, after.position) == (before, "A new title", 3)


def test_removed_lessons_are_archived_not_deleted(app, runner, tmp_path):
    course = write_course(tmp_path)
    sync(runner, tmp_path)
    (course / "01-basics" / "02-second.md").unlink()
    (course / "01-basics" / "01-first.md").write_text(lesson("First", body="No link now.\n"))
    result = sync(runner, tmp_path)
    assert "archived 1" in result.output, result.output
    assert lessons(app)["demo/basics/second"].archived_at is not None
    (course / "01-basics" / "02-second.md").write_text(lesson("Second"))
    sync(runner, tmp_path)
    assert lessons(app)["demo/basics/second"].archived_at is None


def test_a_course_with_errors_is_rejected_whole(app, runner, tmp_path):
    course = write_course(tmp_path)
    sync(runner, tmp_path)
    (course / "01-basics" / "01-first.md").write_text(lesson("Changed title"))
    (course / "01-basics" / "02-second.md").write_text("---\ntitle: [unclosed\n---\nx\n")
    result = sync(runner, tmp_path)
    assert result.exit_code == 1
    assert "demo/01-basics/02-second.md:" in result.output
    assert "rejected" in result.output
    assert lessons(app)["demo/basics/first"].title == "First"  # nothing of it changed


def test_other_courses_still_sync_when_one_is_rejected(app, runner, tmp_path):
    write_course(tmp_path, "good")
    bad = write_course(tmp_path, "bad")
    (bad / "course.md").write_text("---\ntitle: Bad\n---\n")  # missing keys
    result = sync(runner, tmp_path)
    assert result.exit_code == 1
    with app.app_context():
        assert db.session.scalars(select(Course.slug)).all() == ["good"]


def test_dry_run_lists_changes_and_writes_nothing(app, runner, tmp_path):
    write_course(tmp_path)
    result = sync(runner, tmp_path, "--dry-run")
    assert result.exit_code == 0
    assert "+ demo/basics/first" in result.output
    assert "dry run: nothing was written" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Lesson.id))) == 0


def test_a_disappeared_course_is_archived(app, runner, tmp_path):
    write_course(tmp_path, "gone")
    sync(runner, tmp_path)
    (tmp_path / "empty").mkdir()
    result = sync(runner, tmp_path / "empty")
    assert "archived" in result.output
    with app.app_context():
        assert db.session.scalar(select(Course.archived_at)) is not None
        assert all(row.archived_at for row in db.session.scalars(select(Lesson)))


def test_quiz_questions_are_stored_with_rendered_feedback(app, runner, tmp_path):
    write_course(tmp_path)
    sync(runner, tmp_path)
    with app.app_context():
        quiz = db.session.scalar(select(Quiz))
        question = quiz.questions[0]
        assert question["kind"] == "single"
        assert [o["is_correct"] for o in question["options"]] == [True, False]
        assert question["options"][0]["feedback_html"] == "<p>Because it is right.</p>"


def test_assets_are_stored_and_image_urls_hashed(app, runner, tmp_path):
    course = write_course(
        tmp_path, lessons={"01-first.md": lesson("First", body="![A dot](../assets/dot.png)\n")}
    )
    (course / "assets").mkdir()
    (course / "assets" / "dot.png").write_bytes(TINY_PNG)
    sync(runner, tmp_path)
    html = lessons(app)["demo/basics/first"].html
    assert 'src="/course-assets/demo/' in html and '/assets/dot.png"' in html
    # A changed image changes the URL in the lesson, so caches never serve the old one.
    (course / "assets" / "dot.png").write_bytes(TINY_PNG + b"\0")
    sync(runner, tmp_path)
    assert lessons(app)["demo/basics/first"].html != html
    with app.app_context():
        assert db.session.scalar(select(func.count(CourseAsset.id))) == 1


def test_the_fixture_tree_syncs_and_its_xss_lesson_is_neutralised(app, runner):
    from tests.conftest import FIXTURE_COURSES
    from tests.test_markup import assert_inert

    result = sync(runner, FIXTURE_COURSES / "valid")
    assert result.exit_code == 0, result.output
    rows = lessons(app)
    xss = next(row for row in rows.values() if row.slug == "xss")
    assert "<script" in xss.source  # the source is kept as the author wrote it
    assert_inert(xss.html)
    assert all(row.html for row in rows.values())


def test_a_sync_that_changes_a_lesson_renews_the_cached_outline(app, runner, tmp_path):
    from learning.courses import services
    from learning.courses.models import Course

    course = write_course(tmp_path)
    sync(runner, tmp_path)
    with app.app_context():
        row = db.session.scalar(select(Course))
        assert [e.title for e in services.course_outline(row)] == ["First", "Second"]
    (course / "01-basics" / "02-second.md").write_text(lesson("Second, retitled"))
    sync(runner, tmp_path)
    with app.app_context():
        row = db.session.scalar(select(Course))
        assert [e.title for e in services.course_outline(row)] == ["First", "Second, retitled"]
