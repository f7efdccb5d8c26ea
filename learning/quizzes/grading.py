"""Grade quiz responses against stored question snapshots: pure, no database and no Flask."""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

SCORINGS = ("all_or_nothing", "partial")
CHOICE_KINDS = ("single", "multiple", "true_false")

Response = Sequence[str] | str | None

_DECIMAL_COMMA_RE = re.compile(r"(?<=\d),(?=\d)")


class InvalidResponse(ValueError):
    """A response that the quiz form could not have produced: tampered or stale."""


@dataclass(frozen=True)
class QuestionResult:
    """One graded question: `chosen` holds option keys, or the normalised text of a short answer."""

    key: str
    score: float
    is_correct: bool
    chosen: tuple[str, ...]


@dataclass(frozen=True)
class GradeResult:
    questions: tuple[QuestionResult, ...]
    percent: int
    passed: bool


def normalise_short_answer(text: str) -> str:
    """Fold a short answer so that trivial differences do not decide the grade.

    Compatibility-normalises (NFKC: full-width digits become ASCII, but accented and Devanagari
    letters stay composed), casefolds, collapses every run of whitespace to one space, trims,
    turns a comma between two digits into a point ("3,5" == "3.5"; "1,000" therefore reads as
    "1.000": thousands separators are not special), and drops trailing full stops.
    """
    # Casefolding can decompose characters ("İ"), so normalise again afterwards.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    collapsed = " ".join(folded.split())
    return _DECIMAL_COMMA_RE.sub(".", collapsed).rstrip(".").rstrip()


def grade_question(
    question: Mapping[str, Any], response: Response, scoring: str = "all_or_nothing"
) -> QuestionResult:
    """Grade one question; raises InvalidResponse for option keys the question does not have.

    Single choice and true/false take at most one option key. Multiple choice under
    "all_or_nothing" scores 1 only for exactly the correct set; under "partial" it scores
    (correct options chosen - wrong options chosen) / number of correct options, floored at 0,
    the usual "right minus wrong" rule, so that ticking every box gains nothing. A short answer
    is correct when its normalised text equals any normalised accepted answer. An empty or
    missing response is unanswered and scores 0.
    """
    return _grade_question(question, response, scoring)[0]


def grade(
    questions: Sequence[Mapping[str, Any]],
    responses: Mapping[str, Response],
    pass_mark: int,
    scoring: str,
) -> GradeResult:
    """Grade a whole attempt; questions without a response are unanswered and score 0.

    The percent is the mean question score times 100, rounded half up, computed exactly so that
    a 62.5 does not become 62 through floating-point error.
    """
    known = {question["key"] for question in questions}
    unknown = sorted(set(responses) - known)
    if unknown:
        raise InvalidResponse(f"no such question: {', '.join(unknown)}")
    graded = [_grade_question(q, responses.get(q["key"]), scoring) for q in questions]
    total = sum((score for _, score in graded), Fraction(0))
    percent = _round_half_up(total * 100 / len(graded)) if graded else 0
    return GradeResult(
        questions=tuple(result for result, _ in graded),
        percent=percent,
        passed=percent >= pass_mark,
    )


def attempt_order(
    questions: Sequence[Mapping[str, Any]], shuffle: bool, seed: str
) -> list[tuple[str, list[str]]]:
    """The question keys and, per question, option keys in the order one attempt shows them.

    The same seed always gives the same order, so a reloaded attempt page does not reshuffle.
    True/false options keep their authored order even when shuffling: a shuffled "False, True"
    only slows people down.
    """
    order = [
        (question["key"], [option["key"] for option in question.get("options", [])])
        for question in questions
    ]
    if not shuffle:
        return order
    rng = random.Random(seed)
    rng.shuffle(order)
    kinds = {question["key"]: question["kind"] for question in questions}
    for key, options in order:
        if kinds[key] != "true_false":
            rng.shuffle(options)
    return order


def feedback_to_show(show_answers: str, passed: bool) -> bool:
    """Whether an attempt's answers and feedback may be shown, per the quiz's `show_answers`."""
    if show_answers == "after_attempt":
        return True
    if show_answers == "after_pass":
        return passed
    if show_answers == "never":
        return False
    raise ValueError(f"unknown show_answers setting: {show_answers!r}")


def best_attempt(percents: Iterable[int]) -> int | None:
    """The best percent among a learner's attempts, or None before the first attempt."""
    return max(percents, default=None)


# --- Internals ----------------------------------------------------------------------------


def _grade_question(
    question: Mapping[str, Any], response: Response, scoring: str
) -> tuple[QuestionResult, Fraction]:
    if scoring not in SCORINGS:
        raise ValueError(f"unknown scoring: {scoring!r}")
    kind = question["kind"]
    if kind == "short":
        chosen, score = _grade_short(question, response)
    elif kind in CHOICE_KINDS:
        chosen, score = _grade_choice(question, response, scoring)
    else:
        raise ValueError(f"unknown question kind: {kind!r}")
    result = QuestionResult(
        key=question["key"], score=float(score), is_correct=score == 1, chosen=chosen
    )
    return result, score


def _grade_short(
    question: Mapping[str, Any], response: Response
) -> tuple[tuple[str, ...], Fraction]:
    # A view that reads every field with getlist() hands over a one-item list: accept it.
    if response is not None and not isinstance(response, str):
        if len(response) > 1:
            raise InvalidResponse(f"several answers for short-answer question {question['key']}")
        response = response[0] if response else None
    given = normalise_short_answer(response or "")
    if not given:
        return (), Fraction(0)
    accepted = {normalise_short_answer(answer) for answer in question.get("answers", [])}
    return (given,), Fraction(int(given in accepted))


def _grade_choice(
    question: Mapping[str, Any], response: Response, scoring: str
) -> tuple[tuple[str, ...], Fraction]:
    keys = [response] if isinstance(response, str) else list(response or [])
    # Keep the first occurrence of each key so `chosen` follows the learner's order.
    chosen = tuple(dict.fromkeys(key for key in keys if key))
    options = {option["key"]: option for option in question["options"]}
    unknown = [key for key in chosen if key not in options]
    if unknown:
        raise InvalidResponse(f"no such option for question {question['key']}: {unknown[0]}")
    if question["kind"] != "multiple" and len(chosen) > 1:
        raise InvalidResponse(f"several options for single-choice question {question['key']}")
    correct = {key for key, option in options.items() if option["is_correct"]}
    picked = set(chosen)
    if not picked or not correct:
        return chosen, Fraction(0)
    if question["kind"] != "multiple" or scoring == "all_or_nothing":
        return chosen, Fraction(int(picked == correct))
    right = len(picked & correct)
    wrong = len(picked - correct)
    return chosen, max(Fraction(right - wrong, len(correct)), Fraction(0))


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))
