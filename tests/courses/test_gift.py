"""Tests for the GIFT importer: every supported question type, what it refuses, the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from learning.courses.cli import courses_cli
from learning.courses.gift import convert_gift, parse_gift
from learning.courses.loader import Question, load_tree

SAMPLE = """// Exported from Moodle
$CATEGORY: $course$/Exchange

::Grant's tomb::Who is buried in Grant's tomb?{
  ~Grant #No, he lies in a sarcophagus.
  =No one #Right: nobody is buried there.
  ~Jefferson #He is buried elsewhere.
}

::Steps::[markdown]Which **two** steps help?{
  ~%50%Ask #Yes.
  ~%50%Check #Also yes.
  ~%-100%Report at once #Too early.
}

The sun rises in the east.{T#Think again.#Yes, always.}

::Boiling::Water boils at 50 °C at sea level.{FALSE#It boils at 100 °C.#Right.}

::Sum::What is two plus two?{=four =4 #Correct.}

Grant is {~buried =entombed ~living} in Grant's tomb.

::Numeric::When was Grant born?{#1822:5}
"""


def convert(text: str) -> tuple[list[Question], list[str]]:
    questions, problems = parse_gift(text, "in.gift")
    return questions, [str(problem) for problem in problems]


def only(text: str) -> Question:
    questions, problems = convert(text)
    assert problems == []
    (question,) = questions
    return question


def test_multiple_choice_with_title_and_feedback() -> None:
    question = only("::Tomb::Who is buried here?{~Grant #No. =No one #Right. ~Jefferson}")
    assert (question.title, question.stem, question.kind) == (
        "Tomb",
        "Who is buried here?",
        "single",
    )
    assert [(o.text, o.is_correct, o.feedback) for o in question.options] == [
        ("Grant", False, "No."),
        ("No one", True, "Right."),
        ("Jefferson", False, ""),
    ]


def test_multiple_answer_by_weights() -> None:
    question = only("Pick two.{~%50%Ask #Yes. ~%50%Check ~%-100%Shout #No.}")
    assert question.kind == "multiple"
    assert [o.is_correct for o in question.options] == [True, True, False]
    assert question.options[2].feedback == "No."


def test_partial_credit_in_a_single_choice_question_is_dropped_with_a_note() -> None:
    questions, problems = convert("Pick.{=a ~%50%b ~c}")
    assert [o.is_correct for o in questions[0].options] == [True, False, False]
    assert problems == [
        "in.gift:1: warning: partial credit for 'b' was dropped: it is now a wrong option"
    ]


@pytest.mark.parametrize(
    ("answer", "true_is_correct"),
    [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)],
)
def test_true_false(answer: str, true_is_correct: bool) -> None:
    question = only(f"The sky is blue.{{{answer}#Wrong feedback.#Right feedback.}}")
    assert question.kind == "true_false"
    assert question.title == "The sky is blue."
    true, false = question.options
    assert (true.text, false.text) == ("True", "False")
    assert (true.is_correct, false.is_correct) == (true_is_correct, not true_is_correct)
    right, wrong = (true, false) if true_is_correct else (false, true)
    assert (right.feedback, wrong.feedback) == ("Right feedback.", "Wrong feedback.")


def test_true_false_without_feedback() -> None:
    question = only("Water is dry.{F}")
    assert [(o.is_correct, o.feedback) for o in question.options] == [(False, ""), (True, "")]


def test_short_answer_variants_and_feedback() -> None:
    question = only("::Sum::Two plus two?{=four #Correct. =4 #Correct. =%100%IV}")
    assert question.kind == "short"
    assert question.answers == ("four", "4", "IV")
    assert question.feedback == "Correct."


def test_short_answer_partial_credit_is_dropped_with_a_note() -> None:
    questions, problems = convert("Two plus two?{=four =%50%for}")
    assert questions[0].answers == ("four",)
    assert problems == [
        "in.gift:1: warning: answer 'for' worth 50% was dropped: only full marks count"
    ]


def test_general_feedback_goes_to_short_answers_and_is_dropped_for_choices() -> None:
    questions, problems = convert("Two?{=2####Count them.}\n\nPick.{=a ~b####Think.}")
    assert questions[0].feedback == "Count them."
    assert problems == [
        "in.gift:3: warning: general feedback (after ####) was dropped: add it to the options'"
        " feedback"
    ]


def test_escapes_and_format_prefixes() -> None:
    question = only(
        "::A\\: title::[html]Is 1 \\= 1, \\{ok\\} \\~ \\# \\\\ ?"
        "{=[plain]yes\\: really #[markdown]**Y**}"
    )
    assert question.title == "A: title"
    assert question.stem == "Is 1 = 1, {ok} ~ # \\ ?"
    assert question.answers == ("yes: really",)
    assert question.feedback == "**Y**"


def test_newline_escape_makes_a_multi_line_stem_with_a_numbered_heading() -> None:
    question = only("First line\\nsecond line{=x}")
    assert (question.title, question.stem) == ("Question 1", "First line\nsecond line")


def test_missing_word_question_gets_a_blank() -> None:
    question = only("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.title == r"Grant is \_\_\_ in Grant's tomb."
    assert question.kind == "single"


def test_comments_and_categories_are_ignored() -> None:
    questions, problems = convert("// comment\n$CATEGORY: a/b\n\n// another\nQ?{T}\n// trailing")
    assert problems == []
    assert [q.line for q in questions] == [5]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("When?{#1822:5}", "numerical question is not supported"),
        ("Match.{=Canada -> Ottawa =Italy -> Rome}", "matching question is not supported"),
        ("Write an essay.{}", "essay question (empty braces) is not supported"),
        ("Only a description.", "description-only item (no answer in braces)"),
        ("Unclosed {=a", "unbalanced braces"),
        ("Pick.{~a ~b}", "multiple-choice question has no correct answer"),
        ("Pick.{=a}x{", "unbalanced braces"),
        ("Pick.} {=a}", "unbalanced braces"),
        ("Alone.{~a =}", "an answer has no text"),
    ],
)
def test_unsupported_questions_are_reported_with_their_line(text: str, message: str) -> None:
    questions, problems = convert(f"Fine?{{T}}\n\n{text}\n")
    assert len(questions) == 1
    assert len(problems) == 1
    assert problems[0].startswith(f"in.gift:3: error: {message}")
    assert problems[0].endswith(": not imported")


def test_convert_gift_writes_front_matter_and_every_kind() -> None:
    text, problems = convert_gift(SAMPLE, "sample.gift")
    assert [str(p) for p in problems] == [
        "sample.gift:24: error: numerical question is not supported: not imported"
    ]
    assert text.startswith(
        "---\ntitle: Imported quiz\npass_mark: 70\nmax_attempts: 3\nshuffle: true\n---\n"
    )
    assert "- [x] No one\n  > Right: nobody is buried there.\n" in text
    assert "= four\n= 4\n\n> Correct.\n" in text


def test_stem_lines_that_look_like_quiz_syntax_are_escaped() -> None:
    text, _ = convert_gift("::Tricky::Look\\n## here\\n= not an answer\\n- [x] nor an option{=ok}")
    assert "\\## here\n\\= not an answer\n\\- [x] nor an option\n" in text


def test_round_trip_through_the_loader(tmp_path: Path) -> None:
    text, _ = convert_gift(SAMPLE + "\n::Tricky::Look\\n## here\\n= no{=ok}\n")
    course = tmp_path / "imported"
    (course / "01-module").mkdir(parents=True)
    (course / "course.md").write_text(
        "---\ntitle: I\nsummary: S\naudience: [participant]\nphase: any\n---\nBody.\n"
    )
    (course / "01-module/module.md").write_text("---\ntitle: M\n---\nBody.\n")
    (course / "01-module/quiz.md").write_text(text)
    courses, problems = load_tree(tmp_path)
    assert [p for p in problems if p.severity == "error"] == []
    quiz = courses[0].modules[0].quiz
    assert [(q.kind, q.title) for q in quiz.questions] == [
        ("single", "Grant's tomb"),
        ("multiple", "Steps"),
        ("true_false", "The sun rises in the east."),
        ("true_false", "Boiling"),
        ("short", "Sum"),
        ("single", r"Grant is \_\_\_ in Grant's tomb."),
        ("short", "Tricky"),
    ]
    expected, _ = parse_gift(SAMPLE + "\n::Tricky::Look\\n## here\\n= no{=ok}\n")
    for loaded, original in zip(quiz.questions, expected, strict=True):
        assert [(o.text, o.is_correct, o.feedback) for o in loaded.options] == [
            (o.text, o.is_correct, o.feedback) for o in original.options
        ]
        assert loaded.answers == original.answers
        assert loaded.feedback == original.feedback
    assert quiz.questions[-1].stem == "Look\n\\## here\n\\= no"


# --- flask courses import-gift ---------------------------------------------------------


@pytest.fixture
def gift_runner(tmp_path: Path):
    app = Flask(__name__)
    app.config.update(TESTING=True, COURSES_DIR=str(tmp_path))
    app.cli.add_command(courses_cli)
    return app.test_cli_runner()


@pytest.fixture
def gift_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.gift"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_import_gift_writes_the_quiz(gift_runner, gift_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "quiz.md"
    result = gift_runner.invoke(args=["courses", "import-gift", str(gift_file), str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == convert_gift(SAMPLE)[0]
    lines = result.output.splitlines()
    assert lines[0] == f"{gift_file}:24: error: numerical question is not supported: not imported"
    assert lines[-1] == f"Wrote 6 questions to {out} (1 problems)."


def test_import_gift_refuses_to_overwrite_without_force(
    gift_runner, gift_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "quiz.md"
    out.write_text("keep me")
    result = gift_runner.invoke(args=["courses", "import-gift", str(gift_file), str(out)])
    assert result.exit_code == 1
    assert "already exists: use --force" in result.output
    assert out.read_text() == "keep me"
    result = gift_runner.invoke(
        args=["courses", "import-gift", "--force", str(gift_file), str(out)]
    )
    assert result.exit_code == 0
    assert out.read_text().startswith("---\ntitle: Imported quiz")


def test_import_gift_fails_when_nothing_converts(gift_runner, tmp_path: Path) -> None:
    source = tmp_path / "essay.gift"
    source.write_text("Write.{}\n")
    out = tmp_path / "quiz.md"
    result = gift_runner.invoke(args=["courses", "import-gift", str(source), str(out)])
    assert result.exit_code == 1
    assert "No question could be converted" in result.output
    assert not out.exists()
