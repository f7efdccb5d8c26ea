"""Builds small course trees in a temporary folder for sync and reader tests."""

from pathlib import Path

BODY = "## Why it matters\n\nA short lesson body with a [link to the next](02-second.md).\n"

QUIZ = """---
title: Check
pass_mark: 70
max_attempts: 3
shuffle: true
rubric_exceptions: {Q1: "test fixture"}
---
## Pick one

Which one?

- [x] Right
  > Because it is right.
- [ ] Wrong
  > Because it is wrong.
"""


def lesson(title: str, body: str = BODY, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\nminutes: 5\noutcomes:\n  - Explain {title.lower()}\n{extra}"
        f"rubric_exceptions: {{L1: fixture, L2: fixture}}\n---\n{body}"
    )


def write_course(root: Path, slug: str = "demo", lessons: dict | None = None, quiz: bool = True):
    """A course with one module; `lessons` maps file names to file texts."""
    course = root / slug
    module = course / "01-basics"
    module.mkdir(parents=True, exist_ok=True)
    (course / "course.md").write_text(
        f"---\ntitle: Course {slug}\nsummary: A test course.\naudience: [participant]\n"
        "phase: pre\n---\nThe overview.\n"
    )
    (module / "module.md").write_text("---\ntitle: Basics\nsummary: The basics.\n---\nIntro.\n")
    if lessons is None:
        lessons = {"01-first.md": lesson("First"), "02-second.md": lesson("Second")}
    for name, text in lessons.items():
        (module / name).write_text(text)
    if quiz:
        (module / "quiz.md").write_text(QUIZ)
    return course
