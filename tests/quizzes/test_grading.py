"""Tests for pure grading: every question kind and scoring mode, tampering, attempt order."""

from __future__ import annotations

from typing import Any

import pytest

from learning.quizzes.grading import (
    GradeResult,
    InvalidResponse,
    QuestionResult,
    attempt_order,
    best_attempt,
    feedback_to_show,
    grade,
    grade_question,
    normalise_short_answer,
)


def option(key: str, text: str, is_correct: bool = False) -> dict[str, Any]:
    return {
        "key": key,
        "text": text,
        "html": text,
        "is_correct": is_correct,
        "feedback_html": "",
    }


def question(key: str, kind: str, options=(), answers=()) -> dict[str, Any]:
    return {
        "key": key,
        "title": key.title(),
        "stem_html": "<p>?</p>",
        "kind": kind,
        "options": list(options),
        "answers": list(answers),
        "feedback_html": "",
    }


SINGLE = question("idea", "single", [option("1", "A"), option("2", "B", True), option("3", "C")])
TRUE_FALSE = question("sun", "true_false", [option("1", "True", True), option("2", "False")])
# Three correct options (1, 2, 4) and two wrong ones (3, 5).
MULTIPLE = question(
    "steps",
    "multiple",
    [
        option("1", "Ask", True),
        option("2", "Check", True),
        option("3", "Report", False),
        option("4", "Listen", True),
        option("5", "Leave", False),
    ],
)
SHORT = question("half", "short", answers=["3.5", "three and a half"])


# --- normalise_short_answer ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Three,5 ", "three,5"),  # a comma after a letter is not a decimal comma
        ("  3,5 ", "3.5"),
        ("3.5", "3.5"),
        ("THREE   and\ta\nHALF", "three and a half"),
        ("Paris.", "paris"),
        ("1,000", "1.000"),  # documented: thousands separators are not special
        ("a, b", "a, b"),
        ("Straße", "strasse"),
        ("\uff13,\uff15", "3.5"),  # full-width digits
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_short_answer(text: str, expected: str) -> None:
    assert normalise_short_answer(text) == expected


def test_normalise_keeps_devanagari_and_vietnamese_composed() -> None:
    devanagari = "नमस्ते दुनिया"
    vietnamese = "Tiếng Việt"
    decomposed = "Tie\u0302\u0301ng Vie\u0323\u0302t"
    assert normalise_short_answer(devanagari) == devanagari
    assert normalise_short_answer(vietnamese) == "tiếng việt"
    assert normalise_short_answer(decomposed) == "tiếng việt"
    assert len(normalise_short_answer(decomposed)) == len("tiếng việt")


# --- grade_question ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "score"),
    [(["2"], 1.0), (["1"], 0.0), ("2", 1.0), ([], 0.0), (None, 0.0), ("", 0.0)],
)
def test_single_choice(response, score: float) -> None:
    result = grade_question(SINGLE, response)
    assert result.score == score
    assert result.is_correct is (score == 1.0)
    assert result.key == "idea"


def test_single_choice_records_the_chosen_key() -> None:
    assert grade_question(SINGLE, ["3"]).chosen == ("3",)
    assert grade_question(SINGLE, None).chosen == ()


def test_true_false() -> None:
    assert grade_question(TRUE_FALSE, ["1"]).is_correct
    assert not grade_question(TRUE_FALSE, ["2"]).is_correct


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        (["1", "2", "4"], 1.0),
        (["4", "1", "2"], 1.0),
        (["1", "2"], 0.0),
        (["1", "2", "3", "4"], 0.0),
        (["1", "2", "3", "4", "5"], 0.0),
        ([], 0.0),
    ],
)
def test_multiple_all_or_nothing(chosen: list[str], score: float) -> None:
    assert grade_question(MULTIPLE, chosen, "all_or_nothing").score == score


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        (["1", "2", "4"], 1.0),  # (3 - 0) / 3
        (["1", "2"], 2 / 3),  # (2 - 0) / 3
        (["1", "2", "3"], 1 / 3),  # (2 - 1) / 3
        (["1", "3"], 0.0),  # (1 - 1) / 3
        (["3", "5"], 0.0),  # (0 - 2) / 3, floored at 0
        (["1", "2", "3", "4", "5"], 1 / 3),  # ticking every box: (3 - 2) / 3
        ([], 0.0),
    ],
)
def test_multiple_partial(chosen: list[str], score: float) -> None:
    result = grade_question(MULTIPLE, chosen, "partial")
    assert result.score == pytest.approx(score)
    assert result.is_correct is (score == 1.0)


def test_partial_scoring_does_not_change_single_choice() -> None:
    assert grade_question(SINGLE, ["1"], "partial").score == 0.0
    assert grade_question(SINGLE, ["2"], "partial").score == 1.0


def test_duplicate_keys_count_once() -> None:
    assert grade_question(MULTIPLE, ["1", "1", "2", "4"]).is_correct
    assert grade_question(SINGLE, ["2", "2"]).chosen == ("2",)


@pytest.mark.parametrize(
    "response",
    ["3,5", "  3,5 ", "3.5", "Three And A Half.", "three  and\u00a0a half", "\uff13.\uff15"],
)
def test_short_answer_accepted(response: str) -> None:
    result = grade_question(SHORT, response)
    assert result.is_correct
    assert result.chosen == (normalise_short_answer(response),)


@pytest.mark.parametrize("response", ["35", "3", "three, 5", "  Three,5 ", "3.50"])
def test_short_answer_wrong(response: str) -> None:
    result = grade_question(SHORT, response)
    assert result.score == 0.0
    assert not result.is_correct


@pytest.mark.parametrize("response", [None, "", "   ", ".", [], [""]])
def test_short_answer_unanswered(response) -> None:
    result = grade_question(SHORT, response)
    assert result.score == 0.0
    assert result.chosen == ()


def test_short_answer_from_a_one_item_list() -> None:
    assert grade_question(SHORT, ["3,5"]).is_correct


def test_short_answer_unicode_accepted_answers() -> None:
    hindi = question("greet", "short", answers=["नमस्ते"])
    vietnamese = question("lang", "short", answers=["Tiếng Việt"])
    assert grade_question(hindi, " नमस्ते ").is_correct
    assert grade_question(vietnamese, "tiếng  việt").is_correct
    assert grade_question(vietnamese, "Tie\u0302\u0301ng Vie\u0323\u0302t").is_correct
    assert not grade_question(vietnamese, "Tieng Viet").is_correct  # accents matter


def test_empty_response_never_matches_an_empty_accepted_answer() -> None:
    odd = question("odd", "short", answers=[" ."])
    assert not grade_question(odd, "").is_correct


# --- Tampering ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "response"),
    [
        (SINGLE, ["9"]),
        (SINGLE, ["1", "2"]),
        (TRUE_FALSE, ["1", "2"]),
        (TRUE_FALSE, ["True"]),
        (MULTIPLE, ["1", "99"]),
        (SHORT, ["3.5", "three"]),
    ],
)
def test_tampered_responses_raise(q: dict, response: list[str]) -> None:
    with pytest.raises(InvalidResponse):
        grade_question(q, response)


def test_invalid_response_is_a_value_error() -> None:
    assert issubclass(InvalidResponse, ValueError)


def test_unknown_scoring_and_kind_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="scoring"):
        grade_question(SINGLE, ["1"], "generous")
    with pytest.raises(ValueError, match="kind"):
        grade_question(question("x", "essay"), "text")


# --- grade -------------------------------------------------------------------------------

QUIZ = [SINGLE, TRUE_FALSE, MULTIPLE, SHORT]


def test_grade_all_correct() -> None:
    result = grade(
        QUIZ,
        {"idea": ["2"], "sun": ["1"], "steps": ["1", "2", "4"], "half": "3,5"},
        pass_mark=70,
        scoring="all_or_nothing",
    )
    assert isinstance(result, GradeResult)
    assert result.percent == 100
    assert result.passed
    assert [q.key for q in result.questions] == ["idea", "sun", "steps", "half"]
    assert all(isinstance(q, QuestionResult) and q.is_correct for q in result.questions)


def test_grade_missing_responses_are_unanswered() -> None:
    result = grade(QUIZ, {"idea": ["2"]}, pass_mark=25, scoring="all_or_nothing")
    assert result.percent == 25
    assert result.passed  # the pass mark is inclusive
    assert [q.score for q in result.questions] == [1.0, 0.0, 0.0, 0.0]


def test_grade_partial_percent_is_the_mean_score() -> None:
    # Scores 1, 0, 2/3, 0: mean 5/12 = 41.67% -> 42.
    result = grade(
        QUIZ, {"idea": ["2"], "sun": ["2"], "steps": ["1", "2"]}, pass_mark=50, scoring="partial"
    )
    assert result.percent == 42
    assert not result.passed


def test_grade_rounds_half_up() -> None:
    # 5 of 8 correct is exactly 62.5%; banker's rounding would give 62.
    eight = [
        question(f"q{n}", "single", [option("1", "y", True), option("2", "n")]) for n in range(8)
    ]
    responses = {f"q{n}": ["1"] for n in range(5)}
    result = grade(eight, responses, pass_mark=63, scoring="all_or_nothing")
    assert result.percent == 63
    assert result.passed


def test_grade_rounds_partial_scores_half_up() -> None:
    # Four questions scoring 1/2, 0, 0, 0 (one of two correct boxes ticked): 12.5% -> 13.
    pair = question("pair", "multiple", [option("1", "a", True), option("2", "b", True)])
    others = [
        question(f"q{n}", "single", [option("1", "y", True), option("2", "n")]) for n in range(3)
    ]
    assert grade([pair, *others], {"pair": ["1"]}, 0, "partial").percent == 13
    # One question scoring 1/3: 33.33% -> 33.
    assert grade([MULTIPLE], {"steps": ["1"]}, 0, "partial").percent == 33


def test_grade_unknown_question_key_raises() -> None:
    with pytest.raises(InvalidResponse, match="ghost"):
        grade(QUIZ, {"idea": ["2"], "ghost": ["1"]}, pass_mark=50, scoring="all_or_nothing")


def test_grade_tampered_option_raises() -> None:
    with pytest.raises(InvalidResponse):
        grade(QUIZ, {"steps": ["1", "7"]}, pass_mark=50, scoring="partial")


def test_grade_empty_quiz() -> None:
    result = grade([], {}, pass_mark=0, scoring="all_or_nothing")
    assert result == GradeResult(questions=(), percent=0, passed=True)


# --- attempt_order -----------------------------------------------------------------------


def test_attempt_order_identity_without_shuffle() -> None:
    assert attempt_order(QUIZ, shuffle=False, seed="anything") == [
        ("idea", ["1", "2", "3"]),
        ("sun", ["1", "2"]),
        ("steps", ["1", "2", "3", "4", "5"]),
        ("half", []),
    ]


def test_attempt_order_is_deterministic_per_seed() -> None:
    first = attempt_order(QUIZ, shuffle=True, seed="attempt-17")
    assert attempt_order(QUIZ, shuffle=True, seed="attempt-17") == first
    # The same questions and options, only reordered.
    assert sorted(key for key, _ in first) == ["half", "idea", "steps", "sun"]
    originals = {q["key"]: [o["key"] for o in q["options"]] for q in QUIZ}
    for key, options in first:
        assert sorted(options) == originals[key]


def test_attempt_order_differs_between_seeds() -> None:
    orders = [attempt_order(QUIZ, shuffle=True, seed=f"seed-{n}") for n in range(20)]
    assert len({tuple(key for key, _ in order) for order in orders}) > 1
    assert len({tuple(dict(order)["steps"]) for order in orders}) > 1


def test_attempt_order_never_shuffles_true_false() -> None:
    for n in range(30):
        assert dict(attempt_order(QUIZ, shuffle=True, seed=str(n)))["sun"] == ["1", "2"]


def test_attempt_order_does_not_mutate_questions() -> None:
    before = repr(QUIZ)
    attempt_order(QUIZ, shuffle=True, seed="x")
    assert repr(QUIZ) == before


# --- feedback and best attempt -----------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "passed", "shown"),
    [
        ("after_attempt", False, True),
        ("after_attempt", True, True),
        ("after_pass", False, False),
        ("after_pass", True, True),
        ("never", True, False),
        ("never", False, False),
    ],
)
def test_feedback_to_show(setting: str, passed: bool, shown: bool) -> None:
    assert feedback_to_show(setting, passed) is shown


def test_feedback_to_show_rejects_unknown_setting() -> None:
    with pytest.raises(ValueError, match="show_answers"):
        feedback_to_show("sometimes", True)


def test_best_attempt() -> None:
    assert best_attempt([40, 85, 70]) == 85
    assert best_attempt(iter([0])) == 0
    assert best_attempt([]) is None
