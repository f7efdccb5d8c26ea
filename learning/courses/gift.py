"""Convert Moodle GIFT question files into our quiz.md syntax."""

from __future__ import annotations

import re
from dataclasses import replace

from learning.courses.loader import (
    ANSWER_RE,
    OPTION_RE,
    QUESTION_RE,
    Option,
    Problem,
    Question,
    unique_key,
)

# GIFT escapes become private-use characters while parsing, so '\=' never reads as an answer.
ESCAPES = {
    "\\:": "\ue001",
    "\\=": "\ue002",
    "\\~": "\ue003",
    "\\#": "\ue004",
    "\\{": "\ue005",
    "\\}": "\ue006",
    "\\n": "\ue007",
}
BACKSLASH = "\ue000"
RESTORED = {
    BACKSLASH: "\\",
    "\ue001": ":",
    "\ue002": "=",
    "\ue003": "~",
    "\ue004": "#",
    "\ue005": "{",
    "\ue006": "}",
    "\ue007": "\n",
}
WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
FORMAT_RE = re.compile(r"^\s*\[(?:markdown|html|plain|moodle)\]", re.I)
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
BLANK = r"\_\_\_"  # escaped, so Markdown shows the underscores instead of emphasis
MAX_HEADING = 120


def _protect(text: str) -> str:
    text = text.replace("\\\\", BACKSLASH)
    for escape, placeholder in ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text


def _clean(text: str, *, one_line: bool = False) -> str:
    """Text as an author meant it: format prefix dropped, escapes restored."""
    text = FORMAT_RE.sub("", text)
    for placeholder, char in RESTORED.items():
        text = text.replace(placeholder, char)
    if one_line:
        return " ".join(text.split())
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions as (first line, text); blank lines separate them, '//' lines are comments."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


class _Skip(Exception):
    """A question that cannot be converted, with the reason."""


def parse_gift(text: str, path: str = "quiz.gift") -> tuple[list[Question], list[Problem]]:
    """Questions from a GIFT file, and a problem for each one that could not be converted."""
    questions: list[Question] = []
    problems: list[Problem] = []
    keys: set[str] = set()
    for line, block in _blocks(text):
        block = _protect(block).strip()
        if block.startswith("$CATEGORY:"):
            continue
        notes: list[str] = []
        try:
            question = _parse_question(block, line, len(questions) + 1, notes)
        except _Skip as exc:
            problems.append(Problem(path, line, f"{exc}: not imported", "error", None))
            continue
        for note in notes:
            problems.append(Problem(path, line, note, "warning", None))
        questions.append(replace(question, key=unique_key(question.title, keys)))
    return questions, problems


def _parse_question(block: str, line: int, number: int, notes: list[str]) -> Question:
    title = ""
    if block.startswith("::"):
        end = block.find("::", 2)
        if end != -1:
            title = _clean(block[2:end], one_line=True)
            block = block[end + 2 :].strip()
        else:
            block = block[2:]
    start = block.find("{")
    end = block.find("}", start + 1)
    if start == -1 and end == -1:
        raise _Skip("description-only item (no answer in braces)")
    answer = block[start + 1 : end].strip()
    before, after = block[:start], block[end + 1 :]
    if start == -1 or end == -1 or "}" in before or "{" in after or "}" in after:
        raise _Skip("unbalanced braces: escape a literal brace as \\{ or \\}")
    # Text after the braces makes it a missing-word question: the blank shows where the answer goes.
    stem = _clean(before + BLANK + after if after.strip() else before)
    general = ""
    if "####" in answer:
        answer, general = answer.rsplit("####", 1)
        answer, general = answer.strip(), _clean(general)
    if not answer:
        raise _Skip("essay question (empty braces) is not supported")
    if answer.startswith("#"):
        raise _Skip("numerical question is not supported")
    if "=" in answer and "->" in answer and "~" not in answer:
        raise _Skip("matching question is not supported")
    if not title:
        title, stem = (stem, "") if "\n" not in stem and len(stem) <= MAX_HEADING else ("", stem)
        title = title or f"Question {number}"
    if "~" in answer:
        kind, options, answers, feedback = _choice(answer, notes)
    elif answer.split("#", 1)[0].strip() in TRUE_FALSE:
        kind, options, answers, feedback = _true_false(answer)
    else:
        kind, options, answers, feedback = _short(answer, notes)
    # quiz.md has question-level feedback for short answers only.
    if general and kind == "short":
        feedback = "\n\n".join(part for part in (feedback, general) if part)
    elif general:
        notes.append("general feedback (after ####) was dropped: add it to the options' feedback")
    return Question("", title, stem, kind, options, answers, feedback, line)


def _weight(part: str) -> tuple[float | None, str]:
    match = WEIGHT_RE.match(part)
    if match is None:
        return None, part
    return float(match.group(1)), part[match.end() :]


def _choice(answer: str, notes: list[str]) -> tuple[str, tuple[Option, ...], tuple[str, ...], str]:
    # Moodle: with an '=' answer the question is single choice and a positive weight on a
    # '~' answer is partial credit; without one, every positive weight marks a right answer.
    is_single = "=" in answer
    options = []
    for part in answer.replace("=", "~=").split("~"):
        part = part.strip()
        if not part:
            continue
        is_correct = part.startswith("=")
        weight, part = _weight(part.removeprefix("="))
        text, _, feedback = part.partition("#")
        if not _clean(text):
            raise _Skip("an answer has no text")
        text = _clean(text, one_line=True)
        if weight is not None and not is_correct:
            is_correct = weight > 0 and not is_single
            if weight > 0 and is_single:
                notes.append(f"partial credit for {text!r} was dropped: it is now a wrong option")
        options.append(Option(text, is_correct, _clean(feedback)))
    if len(options) < 2:
        raise _Skip("multiple-choice question needs at least two answers")
    correct = sum(option.is_correct for option in options)
    if correct == 0:
        raise _Skip(
            "multiple-choice question has no correct answer (none with '=' or a positive %)"
        )
    return ("single" if correct == 1 else "multiple"), tuple(options), (), ""


def _true_false(answer: str) -> tuple[str, tuple[Option, ...], tuple[str, ...], str]:
    # GIFT: {T#feedback when answered wrongly#feedback when answered rightly}
    bits = answer.split("#", 2) + ["", ""]
    is_true = TRUE_FALSE[bits[0].strip()]
    wrong, right = _clean(bits[1]), _clean(bits[2])
    options = (
        Option("True", is_true, right if is_true else wrong),
        Option("False", not is_true, wrong if is_true else right),
    )
    return "true_false", options, (), ""


def _short(answer: str, notes: list[str]) -> tuple[str, tuple[Option, ...], tuple[str, ...], str]:
    answers: list[str] = []
    feedback: list[str] = []
    for part in answer.split("="):
        weight, part = _weight(part.strip())
        text, _, note = part.partition("#")
        text = _clean(text, one_line=True)
        if not text:
            continue
        # quiz.md accepts an answer or not: answers worth less than full marks are left out.
        if weight is not None and weight < 100:
            notes.append(f"answer {text!r} worth {weight:g}% was dropped: only full marks count")
            continue
        answers.append(text)
        if _clean(note) and _clean(note) not in feedback:
            feedback.append(_clean(note))
    if not answers:
        raise _Skip("short-answer question has no accepted answer")
    return "short", (), tuple(answers), "\n\n".join(feedback)


# --- Writing quiz.md ---------------------------------------------------------------------


def _escape_line(line: str) -> str:
    """Keep a stem line from being read as a question heading, an option or an answer."""
    if QUESTION_RE.match(line) or OPTION_RE.match(line) or ANSWER_RE.match(line):
        return "\\" + line
    return line


def _quote(text: str, indent: str) -> list[str]:
    return [f"{indent}> {line}".rstrip() for line in text.split("\n")]


def render_quiz(questions: list[Question], title: str = "Imported quiz") -> str:
    """quiz.md text for the questions, with the rubric's default settings."""
    lines = ["---", f"title: {title}", "pass_mark: 70", "max_attempts: 3", "shuffle: true", "---"]
    for question in questions:
        lines += ["", f"## {question.title}", ""]
        if question.stem:
            lines += [_escape_line(line) for line in question.stem.split("\n")] + [""]
        for option in question.options:
            lines.append(f"- [{'x' if option.is_correct else ' '}] {option.text}")
            if option.feedback:
                lines += _quote(option.feedback, "  ")
        for answer in question.answers:
            lines.append(f"= {answer}")
        if question.feedback:
            lines += [""] + _quote(question.feedback, "")
    return "\n".join(lines) + "\n"


def convert_gift(text: str, path: str = "quiz.gift") -> tuple[str, list[Problem]]:
    """quiz.md text for a GIFT file, and a problem for each question that could not be converted."""
    questions, problems = parse_gift(text, path)
    return render_quiz(questions), problems
