"""Item analysis and score summaries for facilitators: pure, no database and no Flask."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

TOO_EASY = 0.95
TOO_HARD = 0.30
GROUP_SHARE = Fraction(27, 100)


class GradedQuestion(Protocol):
    """What the analysis needs from a graded question (grading.QuestionResult fits)."""

    @property
    def is_correct(self) -> bool: ...

    @property
    def chosen(self) -> tuple[str, ...]: ...


Attempt = tuple[int, Mapping[str, GradedQuestion]]


@dataclass(frozen=True)
class ItemStats:
    key: str
    title: str
    responses: int
    facility: float | None
    discrimination: float | None
    option_counts: dict[str, int]
    flags: tuple[str, ...]


def item_analysis(
    questions: Sequence[Mapping[str, Any]],
    attempts: Sequence[Attempt],
    min_responses: int = 5,
) -> list[ItemStats]:
    """Facility, discrimination, option counts and warning flags for each question.

    The function analyses exactly the attempts it is given: passing each learner's best
    attempt, or every attempt, is the caller's decision. An attempt counts as a response to a
    question when its results include that question's key; the grader records every question,
    so a skipped question counts as a response that was not correct (as in classical item
    analysis). Attempts from another version of the quiz that lack the key are left out.

    - facility: share of responses that were correct.
    - discrimination: the upper-lower index. Rank the responding attempts by total percent
      (ties keep the order given), take the top and bottom max(1, round(27% of n)) attempts,
      and subtract the share correct in the bottom group from the share in the top group.
      None unless each group holds at least 2 attempts (n >= 6).
    - option_counts: for choice questions, how often each option key was chosen (options no
      one chose included, keys the question does not have ignored); for short answers, how
      often each distinct normalised answer was given, most frequent first.
    - flags, only once there are at least `min_responses` responses: "too easy" (facility
      above 0.95), "too hard" (below 0.30), "unused distractor: <option text>" for each wrong
      option nobody chose, and "negative discrimination".
    """
    return [_item_stats(question, attempts, min_responses) for question in questions]


def score_summary(percents: Sequence[int], pass_mark: int) -> dict[str, Any]:
    """n, mean (one decimal, half up), median, pass rate (0..1), min and max of the percents.

    Everything except n is None when there are no percents, so a template can print a dash.
    """
    n = len(percents)
    if not n:
        return {"n": 0, "mean": None, "median": None, "pass_rate": None, "min": None, "max": None}
    mean = Fraction(sum(percents), n)
    return {
        "n": n,
        "mean": math.floor(mean * 10 + Fraction(1, 2)) / 10,
        "median": statistics.median(percents),
        "pass_rate": sum(percent >= pass_mark for percent in percents) / n,
        "min": min(percents),
        "max": max(percents),
    }


# --- Internals ----------------------------------------------------------------------------


def _item_stats(
    question: Mapping[str, Any], attempts: Sequence[Attempt], min_responses: int
) -> ItemStats:
    key = question["key"]
    answered = [(percent, results[key]) for percent, results in attempts if key in results]
    responses = len(answered)
    correct = sum(result.is_correct for _, result in answered)
    facility = correct / responses if responses else None
    discrimination = _discrimination(answered)
    is_choice = question["kind"] != "short"
    counts = _option_counts(question, [result.chosen for _, result in answered], is_choice)

    flags: list[str] = []
    if responses >= min_responses and facility is not None:
        if facility > TOO_EASY:
            flags.append("too easy")
        if facility < TOO_HARD:
            flags.append("too hard")
        if question["kind"] in ("single", "multiple"):
            flags.extend(
                f"unused distractor: {option['text']}"
                for option in question["options"]
                if not option["is_correct"] and not counts[option["key"]]
            )
        if discrimination is not None and discrimination < 0:
            flags.append("negative discrimination")
    return ItemStats(
        key=key,
        title=question.get("title", ""),
        responses=responses,
        facility=facility,
        discrimination=discrimination,
        option_counts=counts,
        flags=tuple(flags),
    )


def _discrimination(answered: list[tuple[int, GradedQuestion]]) -> float | None:
    n = len(answered)
    size = max(1, math.floor(GROUP_SHARE * n + Fraction(1, 2)))
    if size < 2:
        return None
    # sorted() is stable, so equal percents keep the order the caller gave.
    ranked = sorted(answered, key=lambda pair: pair[0], reverse=True)
    upper = sum(result.is_correct for _, result in ranked[:size])
    lower = sum(result.is_correct for _, result in ranked[-size:])
    return (upper - lower) / size


def _option_counts(
    question: Mapping[str, Any], chosen: list[tuple[str, ...]], is_choice: bool
) -> dict[str, int]:
    tally = Counter(answer for answers in chosen for answer in answers)
    if not is_choice:
        return dict(tally.most_common())
    return {option["key"]: tally[option["key"]] for option in question["options"]}
