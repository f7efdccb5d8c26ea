"""Tests for item analysis and score summaries on a small example worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from learning.quizzes.analysis import ItemStats, item_analysis, score_summary
from learning.quizzes.grading import QuestionResult


def option(key: str, text: str, is_correct: bool = False) -> dict[str, Any]:
    return {"key": key, "text": text, "html": text, "is_correct": is_correct, "feedback_html": ""}


def question(key: str, kind: str, options=(), answers=()) -> dict[str, Any]:
    return {
        "key": key,
        "title": key.title(),
        "stem_html": "",
        "kind": kind,
        "options": list(options),
        "answers": list(answers),
        "feedback_html": "",
    }


def r(key: str, correct: bool, *chosen: str) -> QuestionResult:
    return QuestionResult(key=key, score=float(correct), is_correct=correct, chosen=chosen)


QUESTIONS = [
    question("idea", "single", [option("1", "A"), option("2", "B", True), option("3", "C")]),
    question("sun", "true_false", [option("1", "True", True), option("2", "False")]),
    question("easy", "single", [option("1", "Always", True), option("2", "Never")]),
    question("half", "short", answers=["3.5"]),
    question("new", "single", [option("1", "Yes", True), option("2", "No")]),
    question("unseen", "single", [option("1", "Yes", True), option("2", "No")]),
]

# Six attempts, best first. Correct answers: idea 2, sun 1, easy 1, half "3.5", new 1.
#
#   attempt  percent  idea     sun      easy    half          new
#   A        100      2 ok     2 wrong  1 ok    "3.5" ok      1 ok
#   B         90      2 ok     2 wrong  1 ok    "3" wrong     2 wrong
#   C         70      1 wrong  1 ok     1 ok    "3" wrong     2 wrong
#   D         50      2 ok     1 ok     1 ok    "35" wrong    (older quiz version: no "new")
#   E         30      1 wrong  1 ok     1 ok    "3" wrong
#   F         10      - none   1 ok     1 ok    - none
#
# With n = 6 the upper and lower groups hold max(1, round(0.27 * 6)) = round(1.62) = 2
# attempts: upper = A, B; lower = E, F.
#
#   idea: 3 of 6 correct (A, B, D): facility 0.5. Upper 2/2, lower 0/2: discrimination 1.0.
#         Chosen: "1" by C and E (2), "2" by A, B, D (3), "3" by nobody: unused distractor C.
#   sun:  4 of 6 correct: facility 4/6. Upper 0/2, lower 2/2: discrimination -1.0.
#         A true/false question never reports an unused distractor.
#   easy: 6 of 6: facility 1.0 > 0.95, too easy. Discrimination 1 - 1 = 0. "Never" unused.
#   half: 1 of 6: facility 1/6 < 0.30, too hard. Upper 1/2, lower 0/2: discrimination 0.5.
#         Answers: "3" three times, "3.5" once, "35" once.
#   new:  3 responses (A, B, C): 1 correct. Below 5 responses: no flags. Groups would be
#         max(1, round(0.81)) = 1 attempt, so no discrimination.
#   unseen: no responses at all.
ATTEMPTS = [
    (
        100,
        {
            "idea": r("idea", True, "2"),
            "sun": r("sun", False, "2"),
            "easy": r("easy", True, "1"),
            "half": r("half", True, "3.5"),
            "new": r("new", True, "1"),
        },
    ),
    (
        90,
        {
            "idea": r("idea", True, "2"),
            "sun": r("sun", False, "2"),
            "easy": r("easy", True, "1"),
            "half": r("half", False, "3"),
            "new": r("new", False, "2"),
        },
    ),
    (
        70,
        {
            "idea": r("idea", False, "1"),
            "sun": r("sun", True, "1"),
            "easy": r("easy", True, "1"),
            "half": r("half", False, "3"),
            "new": r("new", False, "2"),
        },
    ),
    (
        50,
        {
            "idea": r("idea", True, "2"),
            "sun": r("sun", True, "1"),
            "easy": r("easy", True, "1"),
            "half": r("half", False, "35"),
        },
    ),
    (
        30,
        {
            "idea": r("idea", False, "1"),
            "sun": r("sun", True, "1"),
            "easy": r("easy", True, "1"),
            "half": r("half", False, "3"),
        },
    ),
    (
        10,
        {
            "idea": r("idea", False),
            "sun": r("sun", True, "1"),
            "easy": r("easy", True, "1"),
            "half": r("half", False),
        },
    ),
]


@pytest.fixture
def stats() -> dict[str, ItemStats]:
    return {item.key: item for item in item_analysis(QUESTIONS, ATTEMPTS)}


def test_one_result_per_question_in_order() -> None:
    keys = [item.key for item in item_analysis(QUESTIONS, ATTEMPTS)]
    assert keys == ["idea", "sun", "easy", "half", "new", "unseen"]


def test_single_choice_item(stats: dict[str, ItemStats]) -> None:
    assert stats["idea"] == ItemStats(
        key="idea",
        title="Idea",
        responses=6,
        facility=0.5,
        discrimination=1.0,
        option_counts={"1": 2, "2": 3, "3": 0},
        flags=("unused distractor: C",),
    )


def test_negative_discrimination(stats: dict[str, ItemStats]) -> None:
    sun = stats["sun"]
    assert sun.facility == pytest.approx(4 / 6)
    assert sun.discrimination == -1.0
    assert sun.option_counts == {"1": 4, "2": 2}
    assert sun.flags == ("negative discrimination",)


def test_too_easy_and_unused_distractor(stats: dict[str, ItemStats]) -> None:
    easy = stats["easy"]
    assert easy.facility == 1.0
    assert easy.discrimination == 0.0
    assert easy.flags == ("too easy", "unused distractor: Never")


def test_too_hard_short_answer(stats: dict[str, ItemStats]) -> None:
    half = stats["half"]
    assert half.facility == pytest.approx(1 / 6)
    assert half.discrimination == 0.5
    assert list(half.option_counts.items()) == [("3", 3), ("3.5", 1), ("35", 1)]
    assert half.flags == ("too hard",)


def test_few_responses_give_no_flags_and_no_discrimination(stats: dict[str, ItemStats]) -> None:
    new = stats["new"]
    assert new.responses == 3
    assert new.facility == pytest.approx(1 / 3)
    assert new.discrimination is None
    assert new.option_counts == {"1": 1, "2": 2}
    assert new.flags == ()


def test_no_responses(stats: dict[str, ItemStats]) -> None:
    unseen = stats["unseen"]
    assert (unseen.responses, unseen.facility, unseen.discrimination) == (0, None, None)
    assert unseen.option_counts == {"1": 0, "2": 0}
    assert unseen.flags == ()


def test_min_responses_threshold() -> None:
    strict = {item.key: item for item in item_analysis(QUESTIONS, ATTEMPTS, min_responses=7)}
    assert all(item.flags == () for item in strict.values())
    assert strict["idea"].facility == 0.5  # the numbers themselves do not depend on it
    # Attempt A alone, with the threshold at 1: "idea" was answered correctly by everyone.
    (idea,) = item_analysis(QUESTIONS[:1], ATTEMPTS[:1], min_responses=1)
    assert idea.flags == ("too easy", "unused distractor: A", "unused distractor: C")
    assert idea.discrimination is None


def test_discrimination_needs_two_attempts_per_group() -> None:
    five = item_analysis(QUESTIONS[:1], ATTEMPTS[:5])
    assert five[0].discrimination is None  # round(0.27 * 5) = 1
    assert five[0].responses == 5


def test_unused_distractor_for_multiple_choice() -> None:
    multiple = question(
        "steps",
        "multiple",
        [option("1", "Ask", True), option("2", "Check", True), option("3", "Shout")],
    )
    attempts = [(80, {"steps": r("steps", True, "1", "2")}) for _ in range(5)]
    (item,) = item_analysis([multiple], attempts)
    assert item.option_counts == {"1": 5, "2": 5, "3": 0}
    assert item.flags == ("too easy", "unused distractor: Shout")


def test_unknown_chosen_keys_are_ignored() -> None:
    (item,) = item_analysis(QUESTIONS[:1], [(50, {"idea": r("idea", False, "9")})])
    assert item.option_counts == {"1": 0, "2": 0, "3": 0}


def test_ties_keep_the_given_order() -> None:
    # Eight attempts all at 50%: groups of round(2.16) = 2. The first two given are "upper".
    results = [True, True, False, False, False, False, False, False]
    attempts = [(50, {"idea": r("idea", ok, "2" if ok else "1")}) for ok in results]
    (item,) = item_analysis(QUESTIONS[:1], attempts)
    assert item.discrimination == 1.0


# --- score_summary -----------------------------------------------------------------------


def test_score_summary() -> None:
    # 100 + 90 + 70 + 50 + 30 + 10 = 350; 350 / 6 = 58.33; median (70 + 50) / 2 = 60.
    # Three of six reach the pass mark of 70.
    assert score_summary([100, 90, 70, 50, 30, 10], pass_mark=70) == {
        "n": 6,
        "mean": 58.3,
        "median": 60,
        "pass_rate": 0.5,
        "min": 10,
        "max": 100,
    }


def test_score_summary_rounds_the_mean_half_up() -> None:
    assert score_summary([2, 2, 2, 3], pass_mark=0)["mean"] == 2.3  # 2.25, not banker's 2.2
    assert score_summary([7], pass_mark=70) == {
        "n": 1,
        "mean": 7.0,
        "median": 7,
        "pass_rate": 0.0,
        "min": 7,
        "max": 7,
    }


def test_score_summary_empty() -> None:
    assert score_summary([], pass_mark=70) == {
        "n": 0,
        "mean": None,
        "median": None,
        "pass_rate": None,
        "min": None,
        "max": None,
    }
