"""Validate a courses tree: the loader's errors plus the rubric's machine-checkable warnings."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from learning.courses.loader import (
    Course,
    Lesson,
    Problem,
    Quiz,
    find_links,
    link_path,
    load_tree,
    mask_code,
    resolve_link,
)

MIN_WORDS, MAX_WORDS = 600, 1500
WORDS_PER_MINUTE = 120
MAX_SENTENCE_WORDS = 20
MAX_OUTCOMES = 3
MAX_IMAGE_BYTES = 100 * 1024
MIN_QUESTIONS, MAX_QUESTIONS = 4, 8
# (pass_mark, max_attempts): the usual check, and a mastery check.
QUIZ_SETTINGS = ((70, 3), (80, 0))

WORD_RE = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
LIST_MARKER_RE = re.compile(r"^(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
IMAGE_MARKUP_RE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
LINK_MARKUP_RE = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
NON_PROSE_RE = re.compile(
    r"<[^>\n]+>"  # HTML tags
    r"|https?://\S+"  # bare URLs
    r"|\{:[^}\n]*\}"  # attribute lists
    r"|\[\^[^\]\n]*\]"  # footnote references
)
# Lines that are not running text: tables, admonition markers, rules, link definitions.
SKIPPED_LINE_RE = re.compile(r"^(?:\||!!!|\?\?\?|[-*_=]{3,}\s*$|\[[^\]]+\]:)")


def check_tree(root: Path) -> list[Problem]:
    """Every problem in the tree: the loader's errors and warnings plus the rubric's warnings."""
    return check(root)[1]


def check(root: Path) -> tuple[list[Course], list[Problem]]:
    """The loaded courses with every problem, sorted by path then line."""
    courses, problems = load_tree(root)
    problems = problems + rubric_warnings(courses)
    return courses, sorted(problems, key=lambda p: (p.path, p.line))


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def rubric_warnings(courses: Iterable[Course]) -> list[Problem]:
    """Warnings for the rubric lines a machine can check, minus each file's rubric_exceptions."""
    problems = []
    for course in courses:
        for module in course.modules:
            for lesson in module.lessons:
                problems += _excused(lesson_warnings(course, lesson), lesson.rubric_exceptions)
            if module.quiz is not None:
                problems += _excused(
                    quiz_warnings(course, module.quiz), module.quiz.rubric_exceptions
                )
    return problems


def _excused(problems: list[Problem], exceptions: Iterable[str]) -> list[Problem]:
    codes = set(exceptions)
    return [problem for problem in problems if problem.code not in codes]


def _warning(course: Course, path: str, line: int, code: str, message: str) -> Problem:
    return Problem(path, line, f"{code}: {message}", "warning", course.slug, code)


# --- Text measures ---------------------------------------------------------------------


def _prose(text: str) -> str:
    """Inline Markdown reduced to the words a reader sees."""
    text = IMAGE_MARKUP_RE.sub(" ", text)
    text = LINK_MARKUP_RE.sub(r"\1", text)
    return NON_PROSE_RE.sub(" ", text)


def count_words(body: str) -> int:
    """Words in a Markdown body, without code, link targets and HTML tags."""
    return len(WORD_RE.findall(_prose(mask_code(body))))


def sentence_lengths(body: str) -> list[int]:
    """Word counts of the sentences of running text: headings, code, tables and markers aside."""
    blocks: list[list[str]] = [[]]
    for line in mask_code(body).split("\n"):
        text = line.strip()
        while text.startswith(">"):
            text = text[1:].lstrip()
        if not text or HEADING_RE.match(text) or SKIPPED_LINE_RE.match(text):
            blocks.append([])
            continue
        marker = LIST_MARKER_RE.match(text)
        if marker:
            # Each list item stands alone, even without a full stop.
            blocks.append([])
            text = text[marker.end() :]
        blocks[-1].append(text)
    lengths = []
    for block in blocks:
        for sentence in SENTENCE_END_RE.split(_prose(" ".join(block))):
            words = len(WORD_RE.findall(sentence))
            if words:
                lengths.append(words)
    return lengths


def heading_levels(body: str) -> list[tuple[int, int]]:
    """(line within the body, level) of each ATX heading outside code."""
    levels = []
    for number, line in enumerate(mask_code(body).split("\n"), 1):
        match = HEADING_RE.match(line)
        if match:
            levels.append((number, len(match.group(1))))
    return levels


# --- Rubric ----------------------------------------------------------------------------


def lesson_warnings(course: Course, lesson: Lesson) -> list[Problem]:
    """L1, L2, L3, L11, L13 and L14 for one lesson, before rubric_exceptions."""
    problems = []

    def warn(line: int, code: str, message: str) -> None:
        problems.append(_warning(course, lesson.path, line, code, message))

    words = count_words(lesson.body)
    if not MIN_WORDS <= words <= MAX_WORDS:
        warn(1, "L1", f"lesson body has {words} words (aim for {MIN_WORDS}-{MAX_WORDS:,})")
    reading = words / WORDS_PER_MINUTE
    low, high = 0.7 * reading, 3 * reading + 30
    if not low <= lesson.minutes <= high:
        warn(
            1,
            "L2",
            f"minutes: {lesson.minutes} does not fit {words} words: expect {low:.0f} to "
            f"{high:.0f} (one minute per {WORDS_PER_MINUTE} words plus activity time)",
        )
    if not lesson.outcomes:
        warn(1, "L3", "lesson has no outcomes: list 1 to 3 things a learner will be able to do")
    elif len(lesson.outcomes) > MAX_OUTCOMES:
        warn(1, "L3", f"lesson has {len(lesson.outcomes)} outcomes (at most {MAX_OUTCOMES})")
    lengths = sentence_lengths(lesson.body)
    if lengths:
        average = sum(lengths) / len(lengths)
        if average > MAX_SENTENCE_WORDS:
            warn(
                1,
                "L11",
                f"average sentence is {average:.1f} words long (aim for {MAX_SENTENCE_WORDS} "
                "or fewer): split long sentences",
            )
    previous = 1  # the title is the page's H1
    for number, level in heading_levels(lesson.body):
        line = lesson.body_line + number - 1
        if level == 1:
            warn(line, "L13", "H1 in the body: the title is the page's H1, start sections at '## '")
        elif level > previous + 1:
            warn(line, "L13", f"heading level skips from H{previous} to H{level}")
        previous = level
    course_dir = posixpath.dirname(lesson.path)[len(course.path) + 1 :]
    for link in find_links(lesson.body):
        path = link_path(link.url) if link.is_image else None
        asset = course.assets.get(resolve_link(course_dir, path)) if path else None
        if asset is not None and asset.size > MAX_IMAGE_BYTES:
            warn(
                lesson.body_line + link.line - 1,
                "L14",
                f"image {link.url!r} is {asset.size // 1024} KB (at most "
                f"{MAX_IMAGE_BYTES // 1024} KB): compress or resize it",
            )
    return problems


def quiz_warnings(course: Course, quiz: Quiz) -> list[Problem]:
    """Q1, Q2 and Q5 for one quiz, before rubric_exceptions."""
    problems = []

    def warn(line: int, code: str, message: str) -> None:
        problems.append(_warning(course, quiz.path, line, code, message))

    count = len(quiz.questions)
    if not MIN_QUESTIONS <= count <= MAX_QUESTIONS:
        warn(1, "Q1", f"quiz has {count} questions (aim for {MIN_QUESTIONS}-{MAX_QUESTIONS})")
    for question in quiz.questions:
        if question.kind == "short" and not question.feedback:
            warn(question.line, "Q2", "short-answer question has no '> feedback' after its answers")
        for option in question.options:
            if not option.feedback:
                warn(option.line, "Q2", f"option {option.text!r} has no feedback")
    if (quiz.pass_mark, quiz.max_attempts) not in QUIZ_SETTINGS or not quiz.shuffle:
        warn(
            1,
            "Q5",
            f"settings pass_mark {quiz.pass_mark}, max_attempts {quiz.max_attempts}, shuffle "
            f"{str(quiz.shuffle).lower()}: the rubric asks for 70, 3, true (80, 0, true for a "
            "mastery check)",
        )
    return problems
