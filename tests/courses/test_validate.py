"""Tests for the validator: every error family, the rubric warnings, and `flask courses check`."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from flask import Flask

from learning.courses.cli import courses_cli
from learning.courses.loader import MAX_FILE_SIZE, Problem, file_hash
from learning.courses.validate import (
    check,
    check_tree,
    count_words,
    has_errors,
    sentence_lengths,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "courses"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"

COURSE_MD = "---\ntitle: C\nsummary: S\naudience: [participant]\nphase: pre\n---\nAbout.\n"
MODULE_MD = "---\ntitle: M\n---\nIntro.\n"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """A small courses tree: course `c` with module `01-m`, plus the given files."""
    files = {"c/course.md": COURSE_MD, "c/01-m/module.md": MODULE_MD, **files}
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def sentences(count: int, words: int = 10) -> str:
    sentence = " ".join(["word"] * (words - 1)) + " end."
    return " ".join([sentence] * count)


def lesson(
    body: str, minutes: int = 5, extra: str = "", outcomes: str = "[Explain one thing.]"
) -> str:
    return f"---\ntitle: L\nminutes: {minutes}\noutcomes: {outcomes}\n{extra}---\n{body}\n"


GOOD_BODY = "## Part\n\n" + sentences(70)  # 700 words in ten-word sentences


def warnings(problems: list[Problem]) -> list[tuple[str, int, str | None]]:
    return [(p.path, p.line, p.code) for p in problems if p.severity == "warning"]


@pytest.fixture(scope="module")
def broken() -> list[str]:
    return [str(problem) for problem in check_tree(BROKEN)]


# --- The fixture trees -----------------------------------------------------------------


def test_the_valid_tree_has_no_problem_at_all() -> None:
    assert check_tree(VALID) == []


@pytest.mark.parametrize(
    "expected",
    [
        # YAML and the shape of front matter
        "bad-yaml/course.md:4: error: bad YAML in front matter: expected ',' or ']', but got ':'"
        " (while parsing a flow sequence on line 3)",
        "not-mapping/course.md:2: error: front matter must be a mapping",
        "no-front-matter/01-module/01-plain.md:1: error: missing front matter",
        "no-front-matter/01-module/02-unclosed.md:1: error: front matter is not closed",
        # required and unknown keys
        "missing-keys/course.md:1: error: missing required key 'audience'",
        "missing-keys/course.md:1: error: missing required key 'phase'",
        "missing-keys/01-module/01-lesson.md:1: error: missing required key 'minutes'",
        "missing-keys/01-module/01-lesson.md:1: error: missing required key 'outcomes'",
        "unknown-keys/01-module/01-lesson.md:4: error: unknown key 'minuts'"
        " (did you mean 'minutes'?)",
        "unknown-keys/01-module/01-lesson.md:6: error: duplicate key 'title'",
        # types and values
        "bad-values/course.md:4: error: 'audience' must only hold participant, contact,"
        " facilitator, got 'learner'",
        "bad-values/course.md:5: error: 'phase' must be one of pre, post, any, got 'during'",
        "bad-values/course.md:6: error: 'language' must be a language code",
        "bad-values/course.md:7: error: 'estimated_hours' must be a number above 0, got '-2'",
        "bad-values/01-module/module.md:3: error: 'id' must be lowercase a-z, 0-9 and hyphens",
        "bad-values/01-module/01-lesson.md:3: error: 'minutes' must be a whole number above 0,"
        " got 'ten'",
        "bad-values/01-module/02-zero.md:3: error: 'minutes' must be a whole number above 0,"
        " got '0'",
        "bad-values/01-module/02-zero.md:5: error: 'id' must be lowercase a-z, 0-9 and hyphens",
        "bad-values/01-module/01-lesson.md:4: error: 'outcomes' must be a list",
        "bad-values/01-module/01-lesson.md:5: error: 'reflection_mode' must be one of open,"
        " post-first, got 'closed'",
        "bad-values/01-module/01-lesson.md:7: error: 'rubric_exceptions' has an unknown rubric code"
        " 'L99'",
        "bad-values/01-module/01-lesson.md:8: error: 'rubric_exceptions' needs a written reason"
        " for L1",
        "bad-values/01-module/quiz.md:3: error: 'pass_mark' must be a whole number from 0 to 100,"
        " got '120'",
        "bad-values/01-module/quiz.md:4: error: 'max_attempts' must be a whole number, 0 or more,"
        " got '-1'",
        "bad-values/01-module/quiz.md:5: error: 'shuffle' must be true or false, got 'maybe'",
        "bad-values/01-module/quiz.md:6: error: 'scoring' must be one of all_or_nothing, partial",
        "bad-values/01-module/quiz.md:7: error: 'show_answers' must be one of after_attempt,"
        " after_pass, never",
        "bad-values/module-without-number:1: error: module folder name must look like NN-slug",
        "Bad_Course:1: error: course folder name must be a slug",
        # duplicate ids, within and across courses
        "dup-ids/01-module/01-first.md:6: error: duplicate id 'same-lesson': also used by"
        " dup-ids/01-module/02-second.md",
        "dup-ids/01-module/02-second.md:6: error: duplicate id 'same-lesson': also used by"
        " dup-ids/01-module/01-first.md",
        "dup-across-a/01-module/01-lesson.md:6: error: duplicate id 'shared-lesson': also used by"
        " dup-across-b/01-module/01-lesson.md",
        "dup-across-b/01-module/01-lesson.md:6: error: duplicate id 'shared-lesson': also used by"
        " dup-across-a/01-module/01-lesson.md",
        # quizzes
        "quiz-errors/01-module/quiz.md:4: error: question has no correct option",
        "quiz-errors/01-module/quiz.md:15: error: question mixes an option list with '= ' answers",
        "quiz-errors/01-module/quiz.md:17: error: question has no options ('- [x]' / '- [ ]')"
        " and no '= ' answers",
        "quiz-errors/01-module/quiz.md:21: error: a true/false question needs exactly one correct"
        " option",
        "quiz-errors/01-module/quiz.md:28: error: question needs at least two options",
        "quiz-errors/01-module/quiz.md:37: error: feedback must be indented under its option",
        "quiz-errors/01-module/quiz.md:39: error: question heading is empty",
        "quiz-errors/02-empty-quiz/quiz.md:4: error: quiz has no questions",
        # links and images
        "links/01-module/01-lesson.md:10: error: broken link: '02-missing.md' does not exist",
        "links/01-module/01-lesson.md:12: error: broken image: '../assets/missing.png'"
        " does not exist",
        "links/01-module/01-lesson.md:14: error: image without alt text",
        "links/01-module/01-lesson.md:16: error: image '../../other/photo.png' points outside the"
        " course folder",
        "links/01-module/01-lesson.md:18: error: link '../../quiz-errors/course.md' points outside"
        " the course folder",
        "links/01-module/01-lesson.md:20: error: link '/etc/passwd' is absolute",
        "links/01-module/01-lesson.md:22: error: link 'notes.txt' is not in assets/",
        "links/assets/notes.txt:1: error: unsupported asset type 'txt'",
        # translations
        "translations/01-module/01-lesson.nb.md:1: error: translation is missing source_hash:"
        " the original's is now ",
        "translations/01-module/02-gone.nb.md:1: error: translation without an original:"
        " 02-gone.md does not exist",
        "translations/01-module/01-lesson.fr.md:6: warning: T1: stale translation: 01-lesson.md"
        " changed since source_hash 0123456789ab",
        # structure
        "structure/01-stray.md:1: error: lesson outside a module",
        "structure/01-no-module-md:1: error: module folder has no module.md",
        "structure/02-module/intro.md:1: error: unexpected file: lessons are named NN-slug.md",
        "structure/02-module/nested:1: error: unexpected folder inside a module folder",
        "structure/notes.md:1: error: unexpected file: a course folder holds course.md",
        "no-course-md:1: error: course folder has no course.md",
        # self-assessment
        "self-assessment/self-assessment.md:3: error: 'when' must only hold start, end,"
        " got 'middle'",
        "self-assessment/self-assessment.md:4: error: 'scale' must hold exactly 5 labels",
        "self-assessment/self-assessment.md:8: error: 'items' item 2 repeats the id 'first'",
        "self-assessment/self-assessment.md:11: error: 'items' item 3 has an unknown type 'slider'",
        "self-assessment/self-assessment.md:14: error: 'items' item 4 has an unknown key 'colour'",
        "self-assessment/self-assessment.md:16: error: 'items' item 5 is missing id",
        "self-assessment-empty/self-assessment.md:1: error: missing required key 'id'",
        "self-assessment-empty/self-assessment.md:1: error: missing required key 'items'",
        # files
        "empty-file/01-module/01-empty.md:1: error: file is empty",
    ],
)
def test_broken_tree_reports(broken: list[str], expected: str) -> None:
    assert any(line.startswith(expected) for line in broken), "\n".join(broken)


def test_every_broken_course_has_an_error_of_its_own() -> None:
    problems = check_tree(BROKEN)
    courses = {p.name for p in BROKEN.iterdir()}
    with_errors = {p.course for p in problems if p.severity == "error"}
    assert courses == with_errors


def test_an_excused_stale_translation_is_silent(broken: list[str]) -> None:
    assert not any("01-lesson.es.md" in line for line in broken)


def test_has_errors() -> None:
    warning = Problem("a.md", 1, "w", "warning", "a", "L1")
    assert not has_errors([warning])
    assert has_errors([warning, Problem("a.md", 1, "e", "error", "a")])


# --- Files that are not Markdown text --------------------------------------------------


def test_non_utf8_file_reports_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    write_tree(tmp_path, {"c/01-m/01-l.md": "---\ntitle: L\n---\ncaf\xe9\n".encode("latin-1")})
    assert [str(p) for p in check_tree(tmp_path)] == [
        "c/01-m/01-l.md:4: error: file is not UTF-8 text: save it with UTF-8 encoding"
    ]


def test_binary_file_is_refused(tmp_path: Path) -> None:
    write_tree(tmp_path, {"c/01-m/01-l.md": b"---\ntitle: L\n---\n\x00\x01\x02"})
    assert [p.message for p in check_tree(tmp_path)] == [
        "binary file (it contains NUL bytes), expected Markdown text"
    ]


def test_oversized_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    write_tree(tmp_path, {"c/01-m/01-l.md": "", "c/assets/huge.png": ""})
    for rel in ("c/01-m/01-l.md", "c/assets/huge.png"):
        with open(tmp_path / rel, "wb") as handle:
            handle.truncate(MAX_FILE_SIZE + 1)  # sparse: cheap to make, costly if read
    problems = check_tree(tmp_path)
    assert [(p.path, p.message.split(" (")[0]) for p in problems] == [
        ("c/01-m/01-l.md", "file is larger than 1 MB"),
        ("c/assets/huge.png", "file is larger than 1 MB"),
    ]


def test_svg_with_script_is_refused(tmp_path: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="1"/></svg>'
    write_tree(tmp_path, {"c/assets/bad.svg": svg, "c/assets/good.svg": "<svg><circle/></svg>"})
    assert [str(p) for p in check_tree(tmp_path)] == [
        "c/assets/bad.svg:1: error: SVG contains a script, an event handler or a javascript: URL"
    ]


# --- Symlinks: refused and never followed ----------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the courses root, full of things a symlink could smuggle in."""
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "secret.md").write_text(
        "---\ntitle: Secret\nminutes: 5\noutcomes: [X]\n---\nSecret.\n"
    )
    (secret / "course.md").write_text(COURSE_MD)
    return secret


def test_symlinked_lesson_pointing_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    root = write_tree(tmp_path / "courses", {})
    os.symlink(outside / "secret.md", root / "c/01-m/01-secret.md")
    problems = check_tree(root)
    assert [str(p) for p in problems] == [
        "c/01-m/01-secret.md:1: error: symbolic links are not allowed (refused, not followed)"
    ]


def test_symlinked_folders_are_refused_and_not_followed(tmp_path: Path, outside: Path) -> None:
    root = write_tree(tmp_path / "courses", {})
    os.symlink(outside, root / "c/02-linked")
    os.symlink(outside, root / "c/assets")
    os.symlink(outside, root / "sneaky")
    problems = check_tree(root)
    assert [(p.path, p.course) for p in problems] == [
        ("c/02-linked", "c"),
        ("c/assets", "c"),
        ("sneaky", None),
    ]
    assert all("symbolic links are not allowed" in p.message for p in problems)


def test_symlink_inside_the_course_is_refused_too(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"c/01-m/01-l.md": lesson(GOOD_BODY, extra="")})
    os.symlink(root / "c/01-m/01-l.md", root / "c/01-m/02-alias.md")
    assert [p.path for p in check_tree(root)] == ["c/01-m/02-alias.md"]


# --- Rubric warnings -------------------------------------------------------------------


def test_a_lesson_that_meets_the_rubric_has_no_warning(tmp_path: Path) -> None:
    write_tree(tmp_path, {"c/01-m/01-l.md": lesson(GOOD_BODY)})
    assert check_tree(tmp_path) == []


@pytest.mark.parametrize(
    ("body", "minutes", "outcomes", "expected"),
    [
        ("## Part\n\n" + sentences(20), 2, "[A.]", [1]),  # 200 words: too short
        ("## Part\n\n" + sentences(160), 14, "[A.]", [1]),  # 1,600 words: too long
        (GOOD_BODY, 3, "[A.]", [2]),  # 700 words need at least 4 minutes
        (GOOD_BODY, 50, "[A.]", [2]),  # ... and at most 47
        (GOOD_BODY, 5, "[]", [3]),
        (GOOD_BODY, 5, "[A., B., C., D.]", [3]),
        ("## Part\n\n" + sentences(30, words=25), 7, "[A.]", [11]),
    ],
)
def test_lesson_rubric_warnings(
    tmp_path: Path, body: str, minutes: int, outcomes: str, expected: list[int]
) -> None:
    write_tree(tmp_path, {"c/01-m/01-l.md": lesson(body, minutes, outcomes=outcomes)})
    codes = [code for _, _, code in warnings(check_tree(tmp_path))]
    assert codes == [f"L{n}" for n in expected]


def test_code_does_not_count_as_words_or_sentences() -> None:
    body = (
        "## Part\n\nTwo words.\n\n```python\n" + "x = 1\n" * 500 + "```\n\nUse `a very long call`."
    )
    assert count_words(body) == 4  # Part, Two, words, Use
    assert sentence_lengths(body) == [2, 1]


def test_sentences_in_lists_links_and_headings() -> None:
    body = (
        "## A heading that is not a sentence at all\n\n"
        "- First item without a full stop\n"
        "- Second item\n\n"
        "Read [the long guide](https://example.org/a/very/long/url/indeed). It helps.\n"
        "| a | table | row |\n"
    )
    assert sentence_lengths(body) == [6, 2, 4, 2]


def test_heading_warnings_point_at_their_lines(tmp_path: Path) -> None:
    body = "# Title again\n\n## Part\n\n#### Too deep\n\n" + sentences(70)
    write_tree(tmp_path, {"c/01-m/01-l.md": lesson(body)})
    problems = check_tree(tmp_path)
    assert [(p.line, p.code) for p in problems] == [(6, "L13"), (10, "L13")]
    assert "H1 in the body" in problems[0].message
    assert "skips from H2 to H4" in problems[1].message


def test_large_image_warning(tmp_path: Path) -> None:
    body = GOOD_BODY + "\n\n![A big photo](../assets/big.png)\n"
    write_tree(tmp_path, {"c/01-m/01-l.md": lesson(body), "c/assets/big.png": b"\x89PNG" * 30000})
    (problem,) = check_tree(tmp_path)
    assert (problem.line, problem.code) == (10, "L14")
    assert "is 117 KB" in problem.message


def test_rubric_exceptions_silence_only_their_codes(tmp_path: Path) -> None:
    body = "# Title\n\n" + sentences(10)
    extra = "rubric_exceptions:\n  L1: A short recap.\n  L13: Testing.\n"
    write_tree(tmp_path, {"c/01-m/01-l.md": lesson(body, 1, extra=extra, outcomes="[]")})
    assert [code for _, _, code in warnings(check_tree(tmp_path))] == ["L3"]


QUESTION = "## Q{n}\n\n- [x] Yes\n  > Because.\n- [ ] No\n  > Not so.\n\n"


def quiz(questions: int = 4, front: str = "") -> str:
    return f"---\ntitle: Q\n{front}---\n" + "".join(QUESTION.format(n=n) for n in range(questions))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (quiz(4), []),
        (quiz(8), []),
        (quiz(3), ["Q1"]),
        (quiz(9), ["Q1"]),
        (quiz(4, "pass_mark: 80\nmax_attempts: 0\n"), []),
        (quiz(4, "pass_mark: 60\n"), ["Q5"]),
        (quiz(4, "max_attempts: 0\n"), ["Q5"]),
        (quiz(4, "shuffle: false\n"), ["Q5"]),
        (quiz(3, "rubric_exceptions:\n  Q1: A short recap.\n"), []),
    ],
)
def test_quiz_rubric_warnings(tmp_path: Path, text: str, expected: list[str]) -> None:
    write_tree(tmp_path, {"c/01-m/quiz.md": text})
    assert [code for _, _, code in warnings(check_tree(tmp_path))] == expected


def test_feedback_warnings_point_at_options_and_short_answers(tmp_path: Path) -> None:
    text = quiz(3) + "## Short\n\n= yes\n\n## Bare\n\n- [x] A\n- [ ] B\n  > Why.\n"
    write_tree(tmp_path, {"c/01-m/quiz.md": text})
    problems = check_tree(tmp_path)
    assert [(p.line, p.code) for p in problems] == [(25, "Q2"), (31, "Q2")]
    assert problems[1].message == "Q2: option 'A' has no feedback"


def test_stale_translation_warning_and_its_exception(tmp_path: Path) -> None:
    original = lesson(GOOD_BODY)
    current = file_hash(original.encode())[:12]
    write_tree(
        tmp_path,
        {
            "c/01-m/01-l.md": original,
            "c/01-m/01-l.nb.md": f"---\ntitle: N\nsource_hash: {current}\n---\nTekst.\n",
            "c/01-m/01-l.fr.md": "---\ntitle: F\nsource_hash: aaaaaaaaaaaa\n---\nTexte.\n",
            "c/01-m/01-l.es.md": "---\ntitle: E\nsource_hash: aaaaaaaaaaaa\n"
            "rubric_exceptions:\n  T1: Translator on leave.\n---\nTexto.\n",
        },
    )
    assert warnings(check_tree(tmp_path)) == [("c/01-m/01-l.fr.md", 3, "T1")]


# --- flask courses check ---------------------------------------------------------------


@pytest.fixture
def cli_app() -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=True, COURSES_DIR=str(VALID))
    app.cli.add_command(courses_cli)
    return app


def test_check_command_on_the_configured_tree(cli_app: Flask) -> None:
    result = cli_app.test_cli_runner().invoke(args=["courses", "check"])
    assert result.exit_code == 0
    assert result.output == "0 errors, 0 warnings in 2 courses\n"


def test_check_command_lists_problems_and_fails_on_errors(cli_app: Flask, tmp_path: Path) -> None:
    write_tree(tmp_path, {"c/01-m/01-l.md": lesson("## Part\n\nShort.", outcomes="5")})
    result = cli_app.test_cli_runner().invoke(args=["courses", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "c/01-m/01-l.md:1: warning: L1: lesson body has 2 words (aim for 600-1,500)",
        "c/01-m/01-l.md:1: warning: L3: lesson has no outcomes: list 1 to 3 things a learner"
        " will be able to do",
        "c/01-m/01-l.md:4: error: 'outcomes' must be a list, got '5'",
        "1 errors, 2 warnings in 1 courses",
    ]


def test_check_command_passes_with_warnings_only(cli_app: Flask, tmp_path: Path) -> None:
    write_tree(tmp_path, {"c/01-m/quiz.md": quiz(2)})
    result = cli_app.test_cli_runner().invoke(args=["courses", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.endswith("0 errors, 1 warnings in 1 courses\n")


def test_hash_command_prints_the_source_hash(cli_app: Flask, tmp_path: Path) -> None:
    target = shutil.copy(VALID / "first-steps/course.md", tmp_path / "course.md")
    result = cli_app.test_cli_runner().invoke(args=["courses", "hash", str(target)])
    assert result.exit_code == 0
    assert result.output == f"{file_hash(Path(target).read_bytes())[:12]}  {target}\n"


def test_the_authoring_guide_examples_are_valid(tmp_path: Path) -> None:
    guide = (Path(__file__).parents[2] / "docs/authoring.md").read_text(encoding="utf-8")
    blocks = [
        textwrap.dedent(b) for b in re.findall(r"```(?:yaml|markdown)\n(.*?)```", guide, re.S)
    ]
    course, module, lesson_md, quiz_md = blocks[1:5]
    box, image, *questions = blocks[5:11]
    write_tree(
        tmp_path,
        {
            "before-you-go/course.md": course,
            "before-you-go/self-assessment.md": blocks[11],
            "before-you-go/assets/partner-map.png": b"\x89PNG",
            "before-you-go/01-your-exchange/module.md": module,
            "before-you-go/01-your-exchange/01-reciprocal-partnership.md": (
                lesson_md + "## Why it matters\n\n" + box + "\n" + image
            ),
            "before-you-go/01-your-exchange/quiz.md": quiz_md + "\n".join(questions),
        },
    )
    courses, problems = check(tmp_path)
    assert problems == []
    quiz = courses[0].modules[0].quiz
    assert [q.kind for q in quiz.questions] == ["single", "multiple", "true_false", "short"]
