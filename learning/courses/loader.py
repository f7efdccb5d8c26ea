"""Read a courses tree into frozen dataclasses, reporting every problem with its file and line."""

from __future__ import annotations

import difflib
import hashlib
import html
import os
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import unquote

import yaml

# Checked before reading, so a stray video or dump never gets loaded into memory.
MAX_FILE_SIZE = 1024 * 1024

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_RE = re.compile(rf"^{SLUG}$")
ID_RE = re.compile(rf"^{SLUG}(?:/{SLUG})*$")
NUMBERED_RE = re.compile(rf"^(\d+)-({SLUG})$")
TRANSLATION_RE = re.compile(r"^(.+)\.([a-z]{2,3}(?:-[a-z0-9]{2,8})?)\.md$")
HASH_RE = re.compile(r"^[0-9a-f]{12,64}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")

AUDIENCES = ("participant", "contact", "facilitator")
PHASES = ("pre", "post", "any")
REFLECTION_MODES = ("open", "post-first")
SCORINGS = ("all_or_nothing", "partial")
SHOW_ANSWERS = ("after_attempt", "after_pass", "never")
WHEN = ("start", "end")
ITEM_TYPES = ("rating", "text")
IMAGE_EXTENSIONS = ("gif", "jpeg", "jpg", "png", "svg", "webp")
RUBRIC_CODES = frozenset({f"L{n}" for n in range(1, 19)} | {f"Q{n}" for n in range(1, 8)} | {"T1"})

EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str
    course: str | None
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Option:
    text: str
    is_correct: bool
    feedback: str
    line: int = 1


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    stem: str
    kind: str
    options: tuple[Option, ...]
    answers: tuple[str, ...]
    feedback: str
    line: int


@dataclass(frozen=True)
class Translation:
    lang: str
    path: str
    title: str
    body: str
    front_matter: Mapping[str, Any]
    source_hash_recorded: str
    is_stale: bool
    quiz: Quiz | None = None
    body_line: int = 1


@dataclass(frozen=True)
class Quiz:
    id: str
    path: str
    title: str
    pass_mark: int
    max_attempts: int
    shuffle: bool
    scoring: str
    show_answers: str
    questions: tuple[Question, ...]
    source_hash: str
    translations: Mapping[str, Translation]
    body: str = ""
    body_line: int = 1
    rubric_exceptions: Mapping[str, str] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class Lesson:
    id: str
    slug: str
    position: int
    path: str
    title: str
    minutes: int
    outcomes: tuple[str, ...]
    body: str
    reflection: str | None
    reflection_mode: str
    task: str | None
    rubric_exceptions: Mapping[str, str]
    source_hash: str
    translations: Mapping[str, Translation]
    body_line: int = 1


@dataclass(frozen=True)
class Module:
    id: str
    slug: str
    position: int
    path: str
    title: str
    summary: str
    body: str
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None
    source_hash: str
    translations: Mapping[str, Translation]


@dataclass(frozen=True)
class SelfAssessmentItem:
    id: str
    statement: str
    type: str


@dataclass(frozen=True)
class SelfAssessment:
    id: str
    path: str
    title: str
    when: tuple[str, ...]
    scale: tuple[str, ...]
    items: tuple[SelfAssessmentItem, ...]
    body: str
    source_hash: str
    translations: Mapping[str, Translation] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class Asset:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Course:
    slug: str
    path: str
    title: str
    summary: str
    body: str
    language: str
    audience: tuple[str, ...]
    phase: str
    version: str
    estimated_hours: float | None
    modules: tuple[Module, ...]
    self_assessment: SelfAssessment | None
    assets: Mapping[str, Asset]
    source_hash: str
    translations: Mapping[str, Translation]

    @property
    def id(self) -> str:
        return self.slug


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def unique_key(title: str, taken: set[str]) -> str:
    """A slug of the title, suffixed -2, -3 ... until it is not in `taken` (which it joins)."""
    base = slugify(title) or "question"
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    taken.add(key)
    return key


# --- Markdown scanning shared with the validator -------------------------------------------

FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
INLINE_CODE_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LINK_TEXT = r"(?:[^\[\]\\\n]|\\.|\[(?:[^\[\]\\\n]|\\.)*\])*"
_DESTINATION = r"<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*"
_TITLE = r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?"
# Images and links are found in two passes so that an image inside a link's text is seen too.
IMAGE_RE = re.compile(rf"!\[({_LINK_TEXT})\]\(\s*({_DESTINATION}){_TITLE}\s*\)")
LINK_RE = re.compile(rf"(?<![!\\])\[({_LINK_TEXT})\]\(\s*({_DESTINATION}){_TITLE}\s*\)")
REFERENCE_IMAGE_RE = re.compile(rf"!\[({_LINK_TEXT})\]\[[^\]\n]*\]")
REFERENCE_DEFINITION_RE = re.compile(r"^ {0,3}\[([^\]\^\n][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.M)


class Link(NamedTuple):
    is_image: bool
    text: str
    url: str
    line: int  # 1-based, within the text that was scanned


def fenced_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (fence lines included)."""
    flags = []
    fence: str | None = None
    for line in lines:
        match = FENCE_RE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
            flags.append(fence is not None)
            continue
        flags.append(True)
        closing = match.group(1) if match else ""
        # A closing fence is only fence characters, at least as many as the opening one.
        is_closing = closing and closing[0] == fence[0] and len(closing) >= len(fence)
        if is_closing and line.strip() == closing:
            fence = None
    return flags


def mask_code(text: str) -> str:
    """Blank out fenced code, inline code and HTML comments, keeping every offset and line break."""
    lines = text.split("\n")
    flags = fenced_lines(lines)
    masked = "\n".join(
        " " * len(line) if flag else line for line, flag in zip(lines, flags, strict=True)
    )

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    masked = INLINE_CODE_RE.sub(blank, masked)
    return HTML_COMMENT_RE.sub(blank, masked)


def find_links(text: str) -> list[Link]:
    """Markdown links and images outside code, in order; reference definitions count as links."""
    masked = mask_code(text)
    links = []
    for is_image, pattern in ((True, IMAGE_RE), (False, LINK_RE)):
        for match in pattern.finditer(masked):
            line = masked.count("\n", 0, match.start()) + 1
            url = match.group(2).strip()
            if url.startswith("<") and url.endswith(">"):
                url = url[1:-1]
            links.append(Link(is_image, match.group(1), url, line))
    for match in REFERENCE_IMAGE_RE.finditer(masked):
        line = masked.count("\n", 0, match.start()) + 1
        links.append(Link(True, match.group(1), "", line))
    for match in REFERENCE_DEFINITION_RE.finditer(masked):
        line = masked.count("\n", 0, match.start()) + 1
        links.append(Link(False, match.group(1), match.group(2).strip("<>"), line))
    return sorted(links, key=lambda link: link.line)


def link_path(url: str) -> str | None:
    """The file part of a relative link, or None for what is not checked (URLs, anchors)."""
    # Markdown decodes entities in URLs, so "&#106;avascript:" is a scheme, not a file name.
    url = html.unescape(url).strip()
    if not url or url.startswith("#") or url.startswith("//") or SCHEME_RE.match(url):
        return None
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    return path or None


def resolve_link(from_dir: str, path: str) -> str:
    """Course-relative target of a relative link; it starts with '../' when it leaves the course."""
    return posixpath.normpath(posixpath.join(from_dir, path))


# --- Front matter ------------------------------------------------------------------------

# PyYAML's wording for the two mistakes authors make most, with what to do about them.
YAML_HINTS = {
    "mapping values are not allowed here": "put text that contains ': ' in quotes",
    "found character '\\t'": "indent with spaces, not tabs",
}
NULL_TAG = "tag:yaml.org,2002:null"
Report = Callable[[yaml.Node, str], None]
Checker = Callable[[yaml.Node, Any, Report], Any]


class Field(NamedTuple):
    required: bool
    check: Checker


@dataclass
class _Doc:
    """A Markdown file split into its front matter (nodes kept for line numbers) and body."""

    rel: str
    raw: bytes
    nodes: dict[str, yaml.Node]
    values: dict[str, Any]
    lines: dict[str, int]
    body: str
    body_line: int

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def _line(node: yaml.Node) -> int:
    # Front matter starts on line 2 of the file, after the opening '---'.
    return node.start_mark.line + 2


def _scalar(node: yaml.Node) -> str | None:
    """The text of a scalar as written ('No' stays 'No', '1.10' stays '1.10'); None for null."""
    if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG:
        return node.value
    return None


def _show(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    text = _scalar(node)
    return "nothing" if text is None else repr(text)


def _check_text(node: yaml.Node, value: Any, report: Report) -> str | None:
    text = _scalar(node)
    if text is None or not text.strip():
        report(node, f"must be non-empty text, got {_show(node)}")
        return None
    return text.strip()


def _check_id(node: yaml.Node, value: Any, report: Report) -> str | None:
    text = _check_text(node, value, report)
    if text is not None and not ID_RE.match(text):
        report(
            node, f"must be lowercase a-z, 0-9 and hyphens, parts separated by '/', got {text!r}"
        )
        return None
    return text


def _check_slug(node: yaml.Node, value: Any, report: Report) -> str | None:
    text = _check_text(node, value, report)
    if text is not None and not SLUG_RE.match(text):
        report(node, f"must be a slug (lowercase a-z, 0-9 and hyphens), got {text!r}")
        return None
    return text


def _check_language(node: yaml.Node, value: Any, report: Report) -> str | None:
    text = _check_text(node, value, report)
    if text is not None and not LANGUAGE_RE.match(text):
        report(node, f"must be a language code such as en, nb, fr, got {text!r}")
        return None
    return text


def _check_positive_int(node: yaml.Node, value: Any, report: Report) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        report(node, f"must be a whole number above 0, got {_show(node)}")
        return None
    return value


def _check_non_negative_int(node: yaml.Node, value: Any, report: Report) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        report(node, f"must be a whole number, 0 or more, got {_show(node)}")
        return None
    return value


def _check_percent(node: yaml.Node, value: Any, report: Report) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        report(node, f"must be a whole number from 0 to 100, got {_show(node)}")
        return None
    return value


def _check_hours(node: yaml.Node, value: Any, report: Report) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        report(node, f"must be a number above 0, got {_show(node)}")
        return None
    return float(value)


def _check_bool(node: yaml.Node, value: Any, report: Report) -> bool | None:
    if not isinstance(value, bool):
        report(node, f"must be true or false, got {_show(node)}")
        return None
    return value


def _choice(*allowed: str) -> Checker:
    def check(node: yaml.Node, value: Any, report: Report) -> str | None:
        text = _scalar(node)
        if text not in allowed:
            report(node, f"must be one of {', '.join(allowed)}, got {_show(node)}")
            return None
        return text

    return check


def _sequence(node: yaml.Node, report: Report) -> list[yaml.Node] | None:
    if not isinstance(node, yaml.SequenceNode):
        report(node, f"must be a list, got {_show(node)}")
        return None
    return node.value


def _choice_list(*allowed: str) -> Checker:
    def check(node: yaml.Node, value: Any, report: Report) -> tuple[str, ...] | None:
        items = _sequence(node, report)
        if items is None:
            return None
        if not items:
            report(node, f"must list at least one of {', '.join(allowed)}")
            return None
        chosen: list[str] = []
        for item in items:
            text = _scalar(item)
            if text not in allowed:
                report(item, f"must only hold {', '.join(allowed)}, got {_show(item)}")
                return None
            if text not in chosen:
                chosen.append(text)
        return tuple(chosen)

    return check


def _check_text_list(node: yaml.Node, value: Any, report: Report) -> tuple[str, ...] | None:
    items = _sequence(node, report)
    if items is None:
        return None
    texts = []
    for item in items:
        text = _scalar(item)
        if text is None or not text.strip():
            report(item, f"must only hold non-empty text, got {_show(item)}")
            return None
        texts.append(text.strip())
    return tuple(texts)


def _check_scale(node: yaml.Node, value: Any, report: Report) -> tuple[str, ...] | None:
    texts = _check_text_list(node, value, report)
    if texts is not None and len(texts) != 5:
        report(node, f"must hold exactly 5 labels (for 1 to 5), got {len(texts)}")
        return None
    return texts


def _check_rubric_exceptions(
    node: yaml.Node, value: Any, report: Report
) -> Mapping[str, str] | None:
    if not isinstance(node, yaml.MappingNode):
        report(
            node,
            f"must be a mapping of rubric code to reason, e.g. {{L1: reason}}, got {_show(node)}",
        )
        return None
    reasons = {}
    for key_node, reason_node in node.value:
        code = _scalar(key_node)
        if code not in RUBRIC_CODES:
            report(
                key_node, f"has an unknown rubric code {_show(key_node)} (codes: L1-L18, Q1-Q7, T1)"
            )
            continue
        reason = _scalar(reason_node)
        if reason is None or not reason.strip():
            report(reason_node, f"needs a written reason for {code}")
            continue
        reasons[code] = reason.strip()
    return MappingProxyType(reasons)


def _check_source_hash(node: yaml.Node, value: Any, report: Report) -> str | None:
    # The raw scalar, because an all-digit hash would otherwise load as an integer.
    text = (_scalar(node) or "").strip().lower()
    if not HASH_RE.match(text):
        report(
            node, f"must be the first 12 hex characters of the original's sha256, got {_show(node)}"
        )
        return None
    return text


ITEM_KEYS = ("id", "statement", "type")


def _check_items(
    node: yaml.Node, value: Any, report: Report
) -> tuple[SelfAssessmentItem, ...] | None:
    entries = _sequence(node, report)
    if entries is None:
        return None
    if not entries:
        report(node, "must list at least one item")
        return None
    items: list[SelfAssessmentItem] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, yaml.MappingNode):
            report(
                entry, f"item {number} must be a mapping with id and statement, got {_show(entry)}"
            )
            continue
        fields: dict[str, yaml.Node] = {}
        for key_node, item_node in entry.value:
            key = _scalar(key_node) or ""
            if key not in ITEM_KEYS:
                report(
                    key_node,
                    f"item {number} has an unknown key {key!r} (allowed: id, statement, type)",
                )
            else:
                fields[key] = item_node
        missing = [key for key in ("id", "statement") if key not in fields]
        if missing:
            report(entry, f"item {number} is missing {' and '.join(missing)}")
            continue
        item_id = _scalar(fields["id"]) or ""
        if not SLUG_RE.match(item_id):
            report(
                fields["id"],
                f"item {number} id must be a slug (a-z, 0-9, hyphens), got {item_id!r}",
            )
            continue
        if item_id in seen:
            report(
                fields["id"], f"item {number} repeats the id {item_id!r}: item ids must be unique"
            )
            continue
        seen.add(item_id)
        statement = _scalar(fields["statement"])
        if statement is None or not statement.strip():
            report(fields["statement"], f"item {number} needs a non-empty statement")
            continue
        item_type = "rating"
        if "type" in fields:
            item_type = _scalar(fields["type"]) or ""
            if item_type not in ITEM_TYPES:
                report(
                    fields["type"],
                    f"item {number} has an unknown type {item_type!r} (rating or text)",
                )
                continue
        items.append(SelfAssessmentItem(item_id, statement.strip(), item_type))
    return tuple(items)


COURSE_FIELDS = {
    "title": Field(True, _check_text),
    "summary": Field(True, _check_text),
    "audience": Field(True, _choice_list(*AUDIENCES)),
    "phase": Field(True, _choice(*PHASES)),
    "language": Field(False, _check_language),
    "version": Field(False, _check_text),  # as written: 1.10 stays "1.10"
    "estimated_hours": Field(False, _check_hours),
}
MODULE_FIELDS = {
    "title": Field(True, _check_text),
    "summary": Field(False, _check_text),
    "id": Field(False, _check_id),
}
LESSON_FIELDS = {
    "title": Field(True, _check_text),
    "minutes": Field(True, _check_positive_int),
    "outcomes": Field(True, _check_text_list),
    "id": Field(False, _check_id),
    "reflection": Field(False, _check_text),
    "reflection_mode": Field(False, _choice(*REFLECTION_MODES)),
    "task": Field(False, _check_text),
    "rubric_exceptions": Field(False, _check_rubric_exceptions),
}
QUIZ_FIELDS = {
    "title": Field(True, _check_text),
    "pass_mark": Field(False, _check_percent),
    "max_attempts": Field(False, _check_non_negative_int),
    "shuffle": Field(False, _check_bool),
    "scoring": Field(False, _choice(*SCORINGS)),
    "show_answers": Field(False, _choice(*SHOW_ANSWERS)),
    "rubric_exceptions": Field(False, _check_rubric_exceptions),
}
SELF_ASSESSMENT_FIELDS = {
    "id": Field(True, _check_slug),
    "title": Field(False, _check_text),
    "when": Field(False, _choice_list(*WHEN)),
    "scale": Field(False, _check_scale),
    "items": Field(True, _check_items),
}


def _translation_fields(fields: Mapping[str, Field]) -> dict[str, Field]:
    # Only the title stays required: keys a translation leaves out fall back to the original.
    spec = {key: Field(key == "title" and f.required, f.check) for key, f in fields.items()}
    # Not marked required: a missing source_hash gets its own message, with the value to use.
    spec["source_hash"] = Field(False, _check_source_hash)
    spec.setdefault("rubric_exceptions", Field(False, _check_rubric_exceptions))
    return spec


# --- Quiz body ---------------------------------------------------------------------------

QUESTION_RE = re.compile(r"^##(?!#)(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
OPTION_RE = re.compile(r"^[-*+] \[([ xX])\](?:[ \t]+(.*))?$")
ANSWER_RE = re.compile(r"^=[ \t]+(\S.*)$")


def _unquote(line: str) -> str:
    """The text of a blockquote line without its '>' marker."""
    text = line.lstrip()[1:]
    return text[1:] if text.startswith(" ") else text


def _trim(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


@dataclass
class _OptionDraft:
    text: list[str]
    is_correct: bool
    line: int
    feedback: list[str] = field(default_factory=list)


def parse_quiz_body(
    body: str, body_line: int, error: Callable[[int, str], None]
) -> tuple[str, tuple[Question, ...]]:
    """Split a quiz body into its introduction and questions, reporting through `error`."""
    lines = body.split("\n")
    flags = fenced_lines(lines)
    intro: list[str] = []
    sections: list[tuple[int, str, list[tuple[int, str]]]] = []
    for index, (line, in_code) in enumerate(zip(lines, flags, strict=True)):
        number = body_line + index
        match = None if in_code else QUESTION_RE.match(line)
        if match:
            sections.append((number, (match.group(1) or "").strip(), []))
        elif sections:
            sections[-1][2].append((number, line))
        else:
            intro.append(line)
            if not in_code and (OPTION_RE.match(line) or ANSWER_RE.match(line)):
                error(
                    number,
                    "answer option before the first question: start each question with '## '",
                )
    if not sections:
        error(body_line, "quiz has no questions: start each question with a '## ' heading")
    keys: set[str] = set()
    questions = []
    for number, title, section in sections:
        questions.append(_parse_question(unique_key(title, keys), title, number, section, error))
    return _trim(intro), tuple(questions)


def _parse_question(
    key: str,
    title: str,
    line: int,
    section: list[tuple[int, str]],
    error: Callable[[int, str], None],
) -> Question:
    if not title:
        error(line, "question heading is empty: write the question after '## '")
    stem: list[str] = []
    options: list[_OptionDraft] = []
    answers: list[str] = []
    feedback: list[str] = []
    mixed = False
    blank_before = False
    flags = fenced_lines([text for _, text in section])
    for (number, text), in_code in zip(section, flags, strict=True):
        option = None if in_code else OPTION_RE.match(text)
        answer = None if in_code else ANSWER_RE.match(text)
        if not options and not answers and not (option or answer):
            stem.append(text)
            continue
        if option or answer:
            if (option and answers) or (answer and options):
                if not mixed:
                    error(
                        number,
                        "question mixes an option list with '= ' answers: use one or the other",
                    )
                mixed = True
                continue
            if option:
                checked = option.group(1) != " "
                options.append(_OptionDraft([(option.group(2) or "").strip()], checked, number))
            else:
                answers.append(answer.group(1).strip())
            blank_before = False
            continue
        if not text.strip():
            blank_before = True
            continue
        if options and text[:1] in (" ", "\t"):
            current = options[-1]
            stripped = text.lstrip()
            if stripped.startswith(">"):
                if blank_before and current.feedback:
                    current.feedback.append("")
                current.feedback.append(_unquote(stripped))
            elif current.feedback:
                current.feedback.append(stripped)  # a lazy continuation of the feedback
            else:
                current.text.append(stripped)
        elif options and text.startswith(">"):
            error(number, "feedback must be indented under its option: start the line with '  >'")
        elif answers and text.startswith(">"):
            if blank_before and feedback:
                feedback.append("")
            feedback.append(_unquote(text))
        else:
            error(
                number,
                "unexpected text after the answers: indent it under an option, or move it up "
                "into the stem",
            )
        blank_before = False
    for draft in options:
        if not _trim(draft.text):
            error(draft.line, "option has no text")
    return Question(
        key=key,
        title=title,
        stem=_trim(stem),
        kind=_question_kind(line, options, answers, mixed, error),
        options=tuple(
            Option(_trim(d.text), d.is_correct, _trim(d.feedback), d.line) for d in options
        ),
        answers=tuple(answers),
        feedback=_trim(feedback),
        line=line,
    )


def _question_kind(
    line: int,
    options: list[_OptionDraft],
    answers: list[str],
    mixed: bool,
    error: Callable[[int, str], None],
) -> str:
    if answers and not options:
        return "short"
    if not options:
        if not mixed:
            error(line, "question has no options ('- [x]' / '- [ ]') and no '= ' answers")
        return "single"
    correct = sum(draft.is_correct for draft in options)
    texts = sorted(_trim(draft.text).lower() for draft in options)
    if texts == ["false", "true"]:
        if correct != 1:
            error(line, "a true/false question needs exactly one correct option")
        return "true_false"
    if len(options) < 2:
        error(line, "question needs at least two options")
    if correct == 0:
        error(line, "question has no correct option: mark at least one with '- [x]'")
    return "multiple" if correct > 1 else "single"


def _same_shape(original: Question, translated: Question) -> bool:
    return original.kind == translated.kind and [o.is_correct for o in original.options] == [
        o.is_correct for o in translated.options
    ]


# --- The tree ----------------------------------------------------------------------------


def load_tree(root: Path) -> tuple[list[Course], list[Problem]]:
    """Load every course folder under `root`; problems are errors and stale-translation warnings."""
    return _TreeLoader(Path(root)).load()


class _TreeLoader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.course: str | None = None
        self.files: set[str] = set()  # regular files of the current course, course-relative
        self.claims: list[tuple[str, str, int, str]] = []  # (id, path, line, course)

    def error(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message, "error", self.course))

    def warning(self, path: str, line: int, message: str, code: str) -> None:
        self.problems.append(
            Problem(path, line, f"{code}: {message}", "warning", self.course, code)
        )

    def load(self) -> tuple[list[Course], list[Problem]]:
        if not self.root.is_dir():
            self.error(".", 1, f"courses folder not found: {self.root}")
            return [], self.problems
        courses = []
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            self.course = None
            if entry.is_symlink():
                self.error(entry.name, 1, "symbolic links are not allowed (refused, not followed)")
            elif entry.is_dir(follow_symlinks=False):
                course = self._load_course(Path(entry.path))
                if course is not None:
                    courses.append(course)
        self.course = None
        self._check_duplicate_ids()
        return courses, sorted(self.problems, key=lambda p: (p.path, p.line))

    def _check_duplicate_ids(self) -> None:
        by_id: dict[str, list[tuple[str, str, int, str]]] = {}
        for claim in self.claims:
            by_id.setdefault(claim[0], []).append(claim)
        for claim_id, claims in by_id.items():
            for _, path, line, course in claims:
                if len(claims) > 1:
                    others = ", ".join(other[1] for other in claims if other[1] != path)
                    self.course = course
                    self.error(path, line, f"duplicate id {claim_id!r}: also used by {others}")
        self.course = None

    def _scan(self, course_dir: Path) -> tuple[set[str], set[str]]:
        """Regular files and folders of a course, course-relative; symlinks are reported."""
        files: set[str] = set()
        folders: set[str] = set()
        pending = [""]
        while pending:
            folder = pending.pop()
            with os.scandir(course_dir / folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    rel = f"{folder}/{entry.name}" if folder else entry.name
                    if entry.is_symlink():
                        self.error(
                            f"{self.course}/{rel}",
                            1,
                            "symbolic links are not allowed (refused, not followed)",
                        )
                    elif entry.is_dir(follow_symlinks=False):
                        folders.add(rel)
                        pending.append(rel)
                    elif entry.is_file(follow_symlinks=False):
                        files.add(rel)
        return files, folders

    def _read(self, rel: str) -> _Doc | None:
        """Read and split one Markdown file, or report why it cannot be used."""
        path = self.root / rel
        size = os.lstat(path).st_size
        if size > MAX_FILE_SIZE:
            self.error(rel, 1, f"file is larger than 1 MB ({size} bytes): split or shorten it")
            return None
        if size == 0:
            self.error(rel, 1, "file is empty")
            return None
        raw = path.read_bytes()
        if b"\0" in raw:
            self.error(rel, 1, "binary file (it contains NUL bytes), expected Markdown text")
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.error(rel, line, "file is not UTF-8 text: save it with UTF-8 encoding")
            return None
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if lines[0].rstrip() != "---":
            self.error(rel, 1, "missing front matter: the file must start with a '---' line")
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
        if end is None:
            self.error(rel, 1, "front matter is not closed: add a '---' line after it")
            return None
        doc = _Doc(rel, raw, {}, {}, {}, "\n".join(lines[end + 1 :]), end + 2)
        if self._parse_front_matter(doc, "\n".join(lines[1:end])):
            return doc
        return None

    def _parse_front_matter(self, doc: _Doc, text: str) -> bool:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return True  # empty front matter: the missing keys get reported
            if not isinstance(node, yaml.MappingNode):
                self.error(
                    doc.rel, _line(node), "front matter must be a mapping of 'key: value' lines"
                )
                return False
            for key_node, value_node in node.value:
                key = _scalar(key_node) or ""
                if key in doc.nodes:
                    self.error(doc.rel, _line(key_node), f"duplicate key {key!r}")
                    continue
                doc.nodes[key] = value_node
                doc.lines[key] = _line(key_node)
                doc.values[key] = loader.construct_object(value_node, deep=True)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 2 if mark else 2
            message = f"bad YAML in front matter: {exc.problem or exc.context}"
            # The real mistake often sits earlier, where the unfinished value started.
            if exc.context and exc.context_mark and exc.context_mark.line + 2 != line:
                message += f" ({exc.context} on line {exc.context_mark.line + 2})"
            for clue, hint in YAML_HINTS.items():
                if clue in message:
                    message += f": {hint}"
            self.error(doc.rel, line, message)
            return False
        except yaml.YAMLError as exc:
            self.error(doc.rel, 2, f"bad YAML in front matter: {exc}")
            return False
        finally:
            loader.dispose()
        return True

    def _fields(self, doc: _Doc, spec: Mapping[str, Field]) -> dict[str, Any]:
        """Check front matter against a spec; the result holds only the keys that passed."""
        values: dict[str, Any] = {}
        for key, node in doc.nodes.items():
            spec_field = spec.get(key)
            if spec_field is None:
                close = difflib.get_close_matches(key, spec, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(spec)}"
                self.error(doc.rel, doc.lines[key], f"unknown key {key!r} ({hint})")
                continue

            def report(bad: yaml.Node, message: str, key: str = key) -> None:
                self.error(doc.rel, _line(bad), f"{key!r} {message}")

            value = spec_field.check(node, doc.values[key], report)
            if value is not None:
                values[key] = value
        for key, spec_field in spec.items():
            if spec_field.required and key not in doc.nodes:
                self.error(doc.rel, 1, f"missing required key {key!r}")
        return values

    def _check_links(self, doc: _Doc) -> None:
        course_rel = doc.rel.split("/", 1)[1] if "/" in doc.rel else ""
        from_dir = posixpath.dirname(course_rel)
        for link in find_links(doc.body):
            line = doc.body_line + link.line - 1
            kind = "image" if link.is_image else "link"
            if link.is_image and not link.text.strip():
                self.error(
                    doc.rel, line, "image without alt text: describe it between the brackets"
                )
            path = link_path(link.url)
            if path is None:
                continue
            if path.startswith("/"):
                self.error(
                    doc.rel,
                    line,
                    f"{kind} {link.url!r} is absolute: use a path relative to this file",
                )
                continue
            target = resolve_link(from_dir, path)
            if target == ".." or target.startswith("../"):
                self.error(doc.rel, line, f"{kind} {link.url!r} points outside the course folder")
            elif target not in self.files:
                self.error(doc.rel, line, f"broken {kind}: {link.url!r} does not exist")
            elif not target.endswith(".md") and not target.startswith("assets/"):
                self.error(
                    doc.rel,
                    line,
                    f"{kind} {link.url!r} is not in assets/: only assets are published",
                )
            elif link.is_image and target.rsplit(".", 1)[-1].lower() not in IMAGE_EXTENSIONS:
                self.error(
                    doc.rel, line, f"image {link.url!r} is not a png, jpg, gif, svg or webp file"
                )

    def _claim(self, claim_id: str, path: str, line: int) -> None:
        self.claims.append((claim_id, path, line, self.course or ""))

    # -- courses and their parts ----------------------------------------------------------

    def _load_course(self, course_dir: Path) -> Course | None:
        slug = course_dir.name
        self.course = slug
        if not SLUG_RE.match(slug):
            self.error(slug, 1, "course folder name must be a slug: lowercase a-z, 0-9 and hyphens")
        self.files, folders = self._scan(course_dir)
        root_names = sorted(f for f in self.files if "/" not in f)
        module_dirs = sorted(f for f in folders if "/" not in f and f != "assets")
        for folder in sorted(folders):
            parts = folder.split("/")
            if len(parts) == 2 and parts[0] != "assets":
                self.error(f"{slug}/{folder}", 1, "unexpected folder inside a module folder")
        self._check_root_names(slug, root_names)
        modules = []
        for folder in module_dirs:
            names = sorted(f.split("/", 1)[1] for f in self.files if f.startswith(f"{folder}/"))
            module = self._load_module(slug, folder, [n for n in names if "/" not in n])
            if module is not None:
                modules.append(module)
        assets = self._load_assets(slug)
        if "course.md" not in root_names:
            self.error(slug, 1, "course folder has no course.md")
            return None
        doc = self._read(f"{slug}/course.md")
        if doc is None:
            return None
        values = self._fields(doc, COURSE_FIELDS)
        self._check_links(doc)
        translations = self._translations(slug, "course.md", root_names, doc, COURSE_FIELDS)
        self_assessment = None
        if "self-assessment.md" in root_names:
            self_assessment = self._load_self_assessment(slug, root_names)
        return Course(
            slug=slug,
            path=slug,
            title=values.get("title", slug),
            summary=values.get("summary", ""),
            body=doc.body,
            language=values.get("language", "en"),
            audience=values.get("audience", ()),
            phase=values.get("phase", "any"),
            version=values.get("version", ""),
            estimated_hours=values.get("estimated_hours"),
            modules=tuple(sorted(modules, key=lambda m: (m.position, m.slug))),
            self_assessment=self_assessment,
            assets=MappingProxyType(assets),
            source_hash=file_hash(doc.raw),
            translations=translations,
        )

    def _check_root_names(self, slug: str, names: list[str]) -> None:
        originals = {"course.md", "self-assessment.md"}
        for name in names:
            if not name.endswith(".md") or name in originals or TRANSLATION_RE.match(name):
                continue
            if NUMBERED_RE.match(name[:-3]):
                self.error(
                    f"{slug}/{name}", 1, "lesson outside a module: move it into a NN-module folder"
                )
            elif name == "quiz.md":
                self.error(
                    f"{slug}/{name}", 1, "quiz outside a module: move it into a NN-module folder"
                )
            else:
                self.error(
                    f"{slug}/{name}",
                    1,
                    "unexpected file: a course folder holds course.md, self-assessment.md, "
                    "module folders and assets/",
                )
        self._check_orphans(slug, names)

    def _check_orphans(self, folder: str, names: list[str]) -> None:
        for name in names:
            match = TRANSLATION_RE.match(name)
            if match and f"{match.group(1)}.md" not in names:
                self.error(
                    f"{folder}/{name}",
                    1,
                    f"translation without an original: {match.group(1)}.md does not exist",
                )

    def _load_assets(self, slug: str) -> dict[str, Asset]:
        assets = {}
        for name in sorted(f for f in self.files if f.startswith("assets/")):
            rel = f"{slug}/{name}"
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if extension not in IMAGE_EXTENSIONS:
                allowed = ", ".join(IMAGE_EXTENSIONS)
                self.error(rel, 1, f"unsupported asset type {extension!r} (allowed: {allowed})")
                continue
            size = os.lstat(self.root / rel).st_size
            if size > MAX_FILE_SIZE:
                self.error(
                    rel, 1, f"file is larger than 1 MB ({size} bytes): compress or resize it"
                )
                continue
            if size == 0:
                self.error(rel, 1, "file is empty")
                continue
            data = (self.root / rel).read_bytes()
            # SVGs are served from our own origin, where a script inside one would run.
            if extension == "svg" and re.search(rb"<script|\bon\w+\s*=|javascript:", data, re.I):
                self.error(rel, 1, "SVG contains a script, an event handler or a javascript: URL")
                continue
            assets[name] = Asset(name, file_hash(data), size)
        return assets

    def _load_module(self, slug: str, folder: str, names: list[str]) -> Module | None:
        rel_dir = f"{slug}/{folder}"
        match = NUMBERED_RE.match(folder)
        if match:
            position, module_slug = int(match.group(1)), match.group(2)
        else:
            self.error(
                rel_dir, 1, "module folder name must look like NN-slug, e.g. 01-your-exchange"
            )
            position, module_slug = 0, slugify(folder) or "module"
        self._check_orphans(rel_dir, names)
        lesson_names = []
        for name in names:
            if not name.endswith(".md") or name in ("module.md", "quiz.md"):
                continue
            if TRANSLATION_RE.match(name):
                continue
            if NUMBERED_RE.match(name[:-3]):
                lesson_names.append(name)
            else:
                self.error(
                    f"{rel_dir}/{name}",
                    1,
                    "unexpected file: lessons are named NN-slug.md, e.g. 02-rights-and-duties.md",
                )
        if "module.md" not in names:
            self.error(rel_dir, 1, "module folder has no module.md")
            doc = None
        else:
            doc = self._read(f"{rel_dir}/module.md")
        values = self._fields(doc, MODULE_FIELDS) if doc else {}
        module_id = values.get("id") or f"{slug}/{module_slug}"
        if doc:
            self._claim(module_id, doc.rel, doc.line("id"))
            self._check_links(doc)
        lessons = [
            self._load_lesson(slug, module_slug, rel_dir, name, names) for name in lesson_names
        ]
        quiz = self._load_quiz(module_id, rel_dir, names) if "quiz.md" in names else None
        if doc is None:
            return None
        return Module(
            id=module_id,
            slug=module_slug,
            position=position,
            path=rel_dir,
            title=values.get("title", module_slug),
            summary=values.get("summary", ""),
            body=doc.body,
            lessons=tuple(
                sorted((x for x in lessons if x is not None), key=lambda x: (x.position, x.slug))
            ),
            quiz=quiz,
            source_hash=file_hash(doc.raw),
            translations=self._translations(rel_dir, "module.md", names, doc, MODULE_FIELDS),
        )

    def _load_lesson(
        self, slug: str, module_slug: str, rel_dir: str, name: str, names: list[str]
    ) -> Lesson | None:
        match = NUMBERED_RE.match(name[:-3])
        assert match is not None  # the caller only passes NN-slug.md names
        doc = self._read(f"{rel_dir}/{name}")
        if doc is None:
            return None
        values = self._fields(doc, LESSON_FIELDS)
        lesson_id = values.get("id") or f"{slug}/{module_slug}/{match.group(2)}"
        self._claim(lesson_id, doc.rel, doc.line("id"))
        self._check_links(doc)
        return Lesson(
            id=lesson_id,
            slug=match.group(2),
            position=int(match.group(1)),
            path=doc.rel,
            title=values.get("title", match.group(2)),
            minutes=values.get("minutes", 1),
            outcomes=values.get("outcomes", ()),
            body=doc.body,
            reflection=values.get("reflection"),
            reflection_mode=values.get("reflection_mode", "open"),
            task=values.get("task"),
            rubric_exceptions=values.get("rubric_exceptions", EMPTY),
            source_hash=file_hash(doc.raw),
            translations=self._translations(rel_dir, name, names, doc, LESSON_FIELDS),
            body_line=doc.body_line,
        )

    def _load_quiz(self, module_id: str, rel_dir: str, names: list[str]) -> Quiz | None:
        doc = self._read(f"{rel_dir}/quiz.md")
        if doc is None:
            return None
        values = self._fields(doc, QUIZ_FIELDS)
        quiz_id = f"{module_id}/quiz"
        self._claim(quiz_id, doc.rel, 1)
        self._check_links(doc)
        intro, questions = parse_quiz_body(
            doc.body, doc.body_line, lambda line, message: self.error(doc.rel, line, message)
        )
        quiz = Quiz(
            id=quiz_id,
            path=doc.rel,
            title=values.get("title", "Quiz"),
            pass_mark=values.get("pass_mark", 70),
            max_attempts=values.get("max_attempts", 3),
            shuffle=values.get("shuffle", True),
            scoring=values.get("scoring", "all_or_nothing"),
            show_answers=values.get("show_answers", "after_attempt"),
            questions=questions,
            source_hash=file_hash(doc.raw),
            translations=EMPTY,
            body=intro,
            body_line=doc.body_line,
            rubric_exceptions=values.get("rubric_exceptions", EMPTY),
        )
        translations = {}
        for lang, translation in self._translations(
            rel_dir, "quiz.md", names, doc, QUIZ_FIELDS
        ).items():
            translations[lang] = replace(translation, quiz=self._translated_quiz(quiz, translation))
        return replace(quiz, translations=MappingProxyType(translations))

    def _translated_quiz(self, quiz: Quiz, translation: Translation) -> Quiz:
        """The translated quiz: its own text, the original's settings and id."""
        intro, questions = parse_quiz_body(
            translation.body,
            translation.body_line,
            lambda line, message: self.error(translation.path, line, message),
        )
        # A stale translation may lag behind; a fresh one must grade exactly like the original.
        if not translation.is_stale:
            if len(questions) != len(quiz.questions):
                self.error(
                    translation.path,
                    1,
                    f"translated quiz has {len(questions)} questions, the original has "
                    f"{len(quiz.questions)}",
                )
            for original, translated in zip(quiz.questions, questions, strict=False):
                if not _same_shape(original, translated):
                    self.error(
                        translation.path,
                        translated.line,
                        "translated question does not match the original's kind and correct "
                        f"options (quiz.md line {original.line})",
                    )
        return replace(
            quiz,
            path=translation.path,
            title=translation.title,
            questions=questions,
            body=intro,
            body_line=translation.body_line,
            translations=EMPTY,
        )

    def _load_self_assessment(self, slug: str, names: list[str]) -> SelfAssessment | None:
        doc = self._read(f"{slug}/self-assessment.md")
        if doc is None:
            return None
        values = self._fields(doc, SELF_ASSESSMENT_FIELDS)
        self._check_links(doc)
        items = values.get("items", ())
        translations = self._translations(
            slug, "self-assessment.md", names, doc, SELF_ASSESSMENT_FIELDS
        )
        item_ids = {item.id for item in items}
        for translation in translations.values():
            for item in translation.front_matter.get("items", ()):
                if item.id not in item_ids:
                    self.error(
                        translation.path,
                        1,
                        f"translated item {item.id!r} is not in self-assessment.md",
                    )
        return SelfAssessment(
            id=values.get("id", slug),
            path=doc.rel,
            title=values.get("title", "Self-assessment"),
            when=values.get("when", WHEN),
            scale=values.get("scale", ()),
            items=items,
            body=doc.body,
            source_hash=file_hash(doc.raw),
            translations=translations,
        )

    def _translations(
        self,
        rel_dir: str,
        original_name: str,
        names: list[str],
        original: _Doc,
        spec: Mapping[str, Field],
    ) -> Mapping[str, Translation]:
        base = original_name[:-3]
        current = file_hash(original.raw)
        original_title = original.values.get("title")
        translations = {}
        for name in names:
            match = TRANSLATION_RE.match(name)
            if not match or match.group(1) != base:
                continue
            doc = self._read(f"{rel_dir}/{name}")
            if doc is None:
                continue
            values = self._fields(doc, _translation_fields(spec))
            self._check_links(doc)
            recorded = values.get("source_hash")
            if "source_hash" not in doc.nodes:
                self.error(
                    doc.rel,
                    1,
                    f"translation is missing source_hash: the original's is now {current[:12]}",
                )
            is_stale = recorded is None or not current.startswith(recorded)
            is_excused = "T1" in values.get("rubric_exceptions", EMPTY)
            if recorded is not None and is_stale and not is_excused:
                self.warning(
                    doc.rel,
                    doc.line("source_hash"),
                    f"stale translation: {original_name} changed since source_hash {recorded} "
                    f"(now {current[:12]}); update the text, then source_hash",
                    "T1",
                )
            title = values.get("title") or (
                original_title if isinstance(original_title, str) else ""
            )
            translations[match.group(2)] = Translation(
                lang=match.group(2),
                path=doc.rel,
                title=title,
                body=doc.body,
                front_matter=MappingProxyType(values),
                source_hash_recorded=recorded or "",
                is_stale=is_stale,
                body_line=doc.body_line,
            )
        return MappingProxyType(translations)
