"""Tests for the course loader: the valid fixture tree, stable ids, quizzes, translations, links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learning.courses.loader import (
    Course,
    Lesson,
    Problem,
    file_hash,
    find_links,
    link_path,
    load_tree,
    parse_quiz_body,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "courses"
VALID = FIXTURES / "valid"
COURSE_MD = "---\ntitle: C\nsummary: S\naudience: [participant]\nphase: any\n---\nBody.\n"


@pytest.fixture(scope="module")
def courses() -> dict[str, Course]:
    loaded, problems = load_tree(VALID)
    assert problems == []
    return {course.slug: course for course in loaded}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the valid tree."""
    return Path(shutil.copytree(VALID, tmp_path / "courses"))


def lessons_by_id(course: Course) -> dict[str, Lesson]:
    return {lesson.id: lesson for module in course.modules for lesson in module.lessons}


def parse(body: str) -> tuple[str, list, list[tuple[int, str]]]:
    errors: list[tuple[int, str]] = []
    intro, questions = parse_quiz_body(
        body, 1, lambda line, message: errors.append((line, message))
    )
    return intro, list(questions), errors


# --- The valid tree --------------------------------------------------------------------


def test_valid_tree_loads_both_courses_in_order(courses: dict[str, Course]) -> None:
    assert list(courses) == ["first-steps", "homecoming"]


def test_course_front_matter_with_every_optional_key(courses: dict[str, Course]) -> None:
    course = courses["first-steps"]
    assert course.id == course.slug == course.path == "first-steps"
    assert course.title == "First steps"
    assert course.audience == ("participant", "contact")
    assert course.phase == "pre"
    assert course.language == "en"
    assert course.version == "1.2"
    assert course.estimated_hours == 1.5
    assert course.body.startswith("## About this course")
    assert course.source_hash == file_hash((VALID / "first-steps/course.md").read_bytes())


def test_course_defaults_when_optional_keys_are_absent(courses: dict[str, Course]) -> None:
    course = courses["homecoming"]
    assert (course.language, course.version, course.estimated_hours) == ("en", "", None)
    assert course.assets == {}


def test_modules_are_ordered_with_positions_paths_and_ids(courses: dict[str, Course]) -> None:
    modules = courses["first-steps"].modules
    assert [(m.position, m.slug, m.id) for m in modules] == [
        (1, "your-exchange", "exchange-basics"),
        (2, "staying-safe", "first-steps/staying-safe"),
    ]
    assert modules[0].path == "first-steps/01-your-exchange"
    assert modules[0].summary == "What an exchange is and what it asks of you."
    assert modules[1].summary == ""


def test_lesson_ids_explicit_and_derived(courses: dict[str, Course]) -> None:
    lessons = lessons_by_id(courses["first-steps"])
    assert list(lessons) == [
        "welcome",
        "first-steps/your-exchange/rights-and-duties",
        "first-steps/staying-safe/safe-travel",
        "first-steps/staying-safe/xss",
    ]
    welcome = lessons["welcome"]
    assert (welcome.slug, welcome.position) == ("welcome", 1)
    assert welcome.path == "first-steps/01-your-exchange/01-welcome.md"


def test_lesson_optional_keys(courses: dict[str, Course]) -> None:
    lessons = lessons_by_id(courses["first-steps"])
    welcome = lessons["welcome"]
    assert welcome.minutes == 5
    assert welcome.outcomes == (
        "Explain what a reciprocal exchange is.",
        "Plan your first week with your host.",
    )
    assert welcome.reflection.startswith("What do you hope to learn")
    assert welcome.reflection_mode == "post-first"
    assert welcome.task.startswith("Write a short plan")
    assert dict(welcome.rubric_exceptions) == {"L1": "Fixture lesson, kept short on purpose."}
    assert welcome.body.startswith("## Why it matters")
    assert welcome.body_line == 14
    rights = lessons["first-steps/your-exchange/rights-and-duties"]
    assert rights.reflection is None
    assert rights.reflection_mode == "open"
    assert rights.task.startswith("List two duties")


def test_assets_are_hashed(courses: dict[str, Course]) -> None:
    asset = courses["first-steps"].assets["assets/map.png"]
    data = (VALID / "first-steps/assets/map.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert (asset.path, asset.size, asset.sha256) == ("assets/map.png", len(data), file_hash(data))
    assert asset.size < 1024


def test_self_assessment_shares_its_id_across_courses(courses: dict[str, Course]) -> None:
    before = courses["first-steps"].self_assessment
    after = courses["homecoming"].self_assessment
    assert before.id == after.id == "exchange-journey"
    assert (before.when, after.when) == (("start",), ("end",))
    assert before.title == "Your exchange journey: where you stand"
    assert before.scale == ("Not yet", "A little", "Partly", "Mostly", "Fully")
    assert [(i.id, i.type) for i in before.items] == [
        ("reciprocity", "rating"),
        ("asking-first", "rating"),
        ("learning-goals", "text"),
    ]
    assert before.body.startswith("Rate each statement")
    assert before.path == "first-steps/self-assessment.md"


def test_fresh_translation(courses: dict[str, Course]) -> None:
    welcome = lessons_by_id(courses["first-steps"])["welcome"]
    translation = welcome.translations["nb"]
    assert translation.lang == "nb"
    assert translation.path == "first-steps/01-your-exchange/01-welcome.nb.md"
    assert translation.title == "Velkommen til utvekslingen"
    assert translation.source_hash_recorded == welcome.source_hash[:12]
    assert translation.is_stale is False
    assert translation.front_matter["outcomes"][0] == "Forklar hva en gjensidig utveksling er."
    assert translation.body.startswith("## Hvorfor det betyr noe")
    assert translation.quiz is None


# --- Quizzes ---------------------------------------------------------------------------


def test_quiz_with_every_question_kind(courses: dict[str, Course]) -> None:
    quiz = courses["first-steps"].modules[0].quiz
    assert quiz.id == "exchange-basics/quiz"
    assert quiz.path == "first-steps/01-your-exchange/quiz.md"
    assert (quiz.pass_mark, quiz.max_attempts, quiz.shuffle) == (70, 3, True)
    assert (quiz.scoring, quiz.show_answers) == ("all_or_nothing", "after_attempt")
    assert quiz.body == "Answer every question. You can try three times."
    kinds = [(q.kind, q.key) for q in quiz.questions]
    assert kinds == [
        ("single", "what-makes-an-exchange-reciprocal"),
        ("multiple", "which-steps-help-when-a-colleague-arrives-late"),
        ("true_false", "the-code-of-conduct-applies-outside-working-hours"),
        ("short", "what-percentage-of-your-allowance-is-paid-before-you-travel"),
        ("single", "who-do-you-contact-first-when-your-contract-is-unclear"),
    ]


def test_quiz_multi_paragraph_stem_and_multi_line_feedback(courses: dict[str, Course]) -> None:
    first = courses["first-steps"].modules[0].quiz.questions[0]
    assert first.title == "What makes an exchange reciprocal?"
    assert first.stem == (
        "Think of the lesson on the first week.\n\nBoth organisations send staff, and both host."
    )
    right = first.options[0]
    assert right.is_correct
    assert right.text == "Both organisations give and receive."
    assert right.feedback == (
        "Right. Each side sends and hosts, so each side learns.\n\n"
        "Remember: reciprocity is about learning in both directions."
    )
    assert [o.is_correct for o in first.options] == [True, False, False]
    assert first.line == 9
    assert right.line == 15


def test_quiz_short_answer_variants_and_feedback(courses: dict[str, Course]) -> None:
    short = courses["first-steps"].modules[0].quiz.questions[3]
    assert short.options == ()
    assert short.answers == ("50%", "50", "50 %", "fifty percent")
    assert short.feedback == (
        "The agreement pays half before travel.\nThe rest follows after the first month."
    )
    assert short.stem == "Use the figure from your agreement."


def test_quiz_settings_partial_and_after_pass(courses: dict[str, Course]) -> None:
    quiz = courses["first-steps"].modules[1].quiz
    assert (quiz.pass_mark, quiz.max_attempts, quiz.shuffle) == (80, 0, True)
    assert (quiz.scoring, quiz.show_answers) == ("partial", "after_pass")
    assert dict(quiz.rubric_exceptions) == {"Q1": "Fixture quiz with two questions only."}


def test_translated_quiz_keeps_the_original_settings(courses: dict[str, Course]) -> None:
    quiz = courses["first-steps"].modules[0].quiz
    translation = quiz.translations["nb"]
    assert not translation.is_stale
    translated = translation.quiz
    assert translated.title == "Sjekk forståelsen din"
    assert translated.id == quiz.id
    assert translated.pass_mark == quiz.pass_mark
    assert [q.kind for q in translated.questions] == [q.kind for q in quiz.questions]
    assert translated.questions[3].answers[-1] == "femti prosent"


def test_question_keys_get_suffixes_on_clashes() -> None:
    body = "## Same\n\n= a\n\n## Same\n\n= b\n\n## Same-2\n\n= c\n\n## ???\n\n= d\n"
    _, questions, errors = parse(body)
    assert errors == []
    assert [q.key for q in questions] == ["same", "same-2", "same-2-2", "question"]


def test_quiz_parsing_ignores_markup_inside_code_and_keeps_option_continuations() -> None:
    body = """## Read the code

```
- [x] not an option
## not a question
= not an answer
```

- [x] First line
  continues here
  > Feedback starts
  and lazily continues.
- [ ] Other
  > Why not.
"""
    _, questions, errors = parse(body)
    assert errors == []
    (question,) = questions
    assert "- [x] not an option" in question.stem
    assert "## not a question" in question.stem
    assert question.options[0].text == "First line\ncontinues here"
    assert question.options[0].feedback == "Feedback starts\nand lazily continues."
    assert question.kind == "single"


def test_true_false_is_recognised_whatever_the_case_and_order() -> None:
    _, questions, errors = parse("## Q\n\n- [x] false\n- [ ] TRUE\n")
    assert errors == []
    assert questions[0].kind == "true_false"


def test_short_answer_feedback_with_paragraphs() -> None:
    _, questions, errors = parse("## Q\n\n= one\n= 1\n\n> First.\n\n> Second.\n")
    assert errors == []
    assert questions[0].feedback == "First.\n\nSecond."


# --- Stable ids ------------------------------------------------------------------------


def test_ids_survive_renumbering_and_retitling(tree: Path) -> None:
    before, _ = load_tree(tree)
    module_dir = tree / "first-steps/02-staying-safe"
    lesson = module_dir / "01-safe-travel.md"
    lesson.write_text(lesson.read_text().replace("title: Safe travel", "title: Arriving safely"))
    lesson.rename(module_dir / "03-safe-travel.md")
    module_dir.rename(tree / "first-steps/07-staying-safe")
    after, problems = load_tree(tree)
    assert problems == []
    old, new = lessons_by_id(before[0]), lessons_by_id(after[0])
    assert set(old) == set(new)
    moved = new["first-steps/staying-safe/safe-travel"]
    assert (moved.position, moved.title) == (3, "Arriving safely")
    assert moved.path == "first-steps/07-staying-safe/03-safe-travel.md"
    assert [m.id for m in after[0].modules] == [m.id for m in before[0].modules]
    assert after[0].modules[1].position == 7
    assert after[0].modules[1].quiz.id == "first-steps/staying-safe/quiz"


def test_renumbering_a_linked_lesson_breaks_links_to_it(tree: Path) -> None:
    module_dir = tree / "first-steps/01-your-exchange"
    (module_dir / "02-rights-and-duties.md").rename(module_dir / "05-rights-and-duties.md")
    courses, problems = load_tree(tree)
    assert "first-steps/your-exchange/rights-and-duties" in lessons_by_id(courses[0])
    assert [(p.path, p.line) for p in problems] == [
        ("first-steps/01-your-exchange/01-welcome.md", 34),
        ("first-steps/01-your-exchange/01-welcome.nb.md", 17),
    ]
    assert "broken link: '02-rights-and-duties.md' does not exist" in problems[0].message


def test_renaming_the_slug_changes_the_derived_id(tree: Path) -> None:
    module_dir = tree / "first-steps/02-staying-safe"
    (module_dir / "01-safe-travel.md").rename(module_dir / "01-travel-safely.md")
    courses, _ = load_tree(tree)
    assert "first-steps/staying-safe/travel-safely" in lessons_by_id(courses[0])


# --- Translations ----------------------------------------------------------------------


def test_editing_the_original_makes_its_translation_stale(tree: Path) -> None:
    original = tree / "first-steps/01-your-exchange/01-welcome.md"
    original.write_text(original.read_text() + "\nOne more sentence.\n")
    courses, problems = load_tree(tree)
    assert lessons_by_id(courses[0])["welcome"].translations["nb"].is_stale
    (problem,) = problems
    assert problem.severity == "warning"
    assert problem.code == "T1"
    assert problem.course == "first-steps"
    assert problem.path == "first-steps/01-your-exchange/01-welcome.nb.md"
    assert problem.line == 3
    assert f"now {file_hash(original.read_bytes())[:12]}" in problem.message


def test_a_stale_translated_quiz_may_lag_behind(tree: Path) -> None:
    quiz = tree / "first-steps/01-your-exchange/quiz.md"
    quiz.write_text(quiz.read_text() + "\n## One more\n\n= yes\n\n> Because.\n")
    courses, problems = load_tree(tree)
    assert [p.code for p in problems] == ["T1"]
    assert courses[0].modules[0].quiz.translations["nb"].is_stale


def test_a_fresh_translated_quiz_must_match_the_original(tree: Path) -> None:
    translated = tree / "first-steps/01-your-exchange/quiz.nb.md"
    translated.write_text(
        translated.read_text().replace("- [x] Sjekk bussruta.", "- [ ] Sjekk bussruta.")
    )
    _, problems = load_tree(tree)
    (problem,) = problems
    assert problem.path == "first-steps/01-your-exchange/quiz.nb.md"
    assert "does not match the original" in problem.message


def test_an_all_digit_source_hash_is_read_as_text(tmp_path: Path) -> None:
    course = tmp_path / "c"
    course.mkdir()
    (course / "course.md").write_text(COURSE_MD)
    (course / "course.nb.md").write_text("---\ntitle: K\nsource_hash: 012345678901\n---\nTekst.\n")
    courses, problems = load_tree(tmp_path)
    assert [p.code for p in problems] == ["T1"]
    assert courses[0].translations["nb"].source_hash_recorded == "012345678901"


# --- Reading files ---------------------------------------------------------------------


def test_crlf_line_endings_and_a_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    course = tmp_path / "c"
    course.mkdir()
    text = "\ufeff" + COURSE_MD.replace("\n", "\r\n")
    (course / "course.md").write_bytes(text.encode("utf-8"))
    courses, problems = load_tree(tmp_path)
    assert problems == []
    assert courses[0].body == "Body.\n"


def test_a_course_with_errors_is_still_returned(tmp_path: Path) -> None:
    course = tmp_path / "c"
    course.mkdir()
    (course / "course.md").write_text("---\ntitle: C\nphase: sometimes\n---\nBody.\n")
    courses, problems = load_tree(tmp_path)
    assert [c.slug for c in courses] == ["c"]
    assert {p.course for p in problems} == {"c"}
    assert all(p.severity == "error" for p in problems)


def test_a_missing_root_is_a_tree_level_error(tmp_path: Path) -> None:
    courses, problems = load_tree(tmp_path / "nowhere")
    assert courses == []
    assert [(p.path, p.course, p.severity) for p in problems] == [(".", None, "error")]


def test_problems_are_sorted_and_printable() -> None:
    _, problems = load_tree(FIXTURES / "broken")
    assert problems == sorted(problems, key=lambda p: (p.path, p.line))
    problem = Problem("a/b.md", 3, "something", "error", "a")
    assert str(problem) == "a/b.md:3: error: something"


# --- Links -----------------------------------------------------------------------------


def test_find_links_skips_code_and_reports_lines() -> None:
    text = (
        "A [link](a.md) and ![alt](img.png 'title').\n"
        "`[inline](code.md)`\n"
        "```\n[fenced](code.md)\n```\n"
        "[![inner](inner.png)](outer.md)\n"
        "<!-- [comment](hidden.md) -->\n"
        "[ref]: <defined.md>\n"
    )
    found = [(link.is_image, link.text, link.url, link.line) for link in find_links(text)]
    assert found == [
        (True, "alt", "img.png", 1),
        (False, "link", "a.md", 1),
        (True, "inner", "inner.png", 6),
        (False, "![inner](inner.png)", "outer.md", 6),
        (False, "ref", "defined.md", 8),
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("02-next.md", "02-next.md"),
        ("../assets/a%20b.png", "../assets/a b.png"),
        ("01-x.md#part?q=1", "01-x.md"),
        ("#anchor", None),
        ("https://example.org/x.md", None),
        ("mailto:a@example.org", None),
        ("//cdn.example.org/x.js", None),
        ("javascript:alert(1)", None),
        ("&#106;avascript:alert(1)", None),
    ],
)
def test_link_path(url: str, expected: str | None) -> None:
    assert link_path(url) == expected
