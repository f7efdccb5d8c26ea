"""Write a generated course tree for benchmarks: N lessons of varied Markdown, valid for
the validator (zero errors and zero rubric warnings).

The layout is courses of 5 modules of 10 lessons (so the default 200 lessons make 4
courses); every module ends with a 5-question quiz. Each lesson has about 900 words with
headings, a list, a table, an admonition, a quote and a link to the next lesson. The text
comes from a seeded random generator: the same arguments always write the same bytes.

    .venv/bin/python -m bench.generate_tree /tmp/tree            # 200 lessons
    .venv/bin/python -m bench.generate_tree /tmp/tree --lessons 1000 --check
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from learning.courses.validate import count_words  # noqa: E402

LESSONS_PER_MODULE = 10
MODULES_PER_COURSE = 5
WORDS = 900

# --- Vocabulary: enough variety that no two lessons render to the same HTML ------------

COURSE_THEMES = [
    "working in a partner clinic",
    "teaching in a host school",
    "finance in a cooperative bank",
    "software in a health project",
    "farming and food security",
    "youth work in a city council",
    "legal aid for families",
    "radio and local journalism",
]
TOPICS = [
    "first impressions", "meetings", "feedback", "time and planning", "hierarchy",
    "small talk", "email and chat", "decisions", "conflict", "trust", "language learning",
    "budgets", "reporting", "safety", "wellbeing", "host families", "mentoring",
    "presenting results", "photos and stories", "saying no", "asking for help",
    "shared goals", "project handover", "community visits", "working from home",
]  # fmt: skip
PEOPLE = [
    ("Amina", "Dar es Salaam"), ("Lars", "Tromsø"), ("Priya", "Pokhara"),
    ("Kofi", "Kumasi"), ("Ingrid", "Bergen"), ("Mateo", "Cochabamba"),
    ("Sunita", "Kathmandu"), ("Jonas", "Trondheim"), ("Grace", "Nairobi"),
    ("Thanh", "Hue"), ("Ana", "Maputo"), ("Erik", "Stavanger"),
]  # fmt: skip
VERBS = [
    "notices", "asks", "writes down", "explains", "checks", "plans", "compares",
    "describes", "listens to", "prepares", "shares", "reviews",
]  # fmt: skip
OBJECTS = [
    "the weekly plan", "a short report", "the team's habits", "a colleague's question",
    "the meeting notes", "a budget line", "the visit schedule", "a first draft",
    "the safety checklist", "a list of goals", "the handover notes", "a short survey",
]  # fmt: skip
REASONS = [
    "because the team works that way", "so that nobody is surprised later",
    "before the deadline on Friday", "to understand what people expect",
    "when the manager is away", "after a long day at the office",
    "with help from a local mentor", "in the first month of the exchange",
]  # fmt: skip
OPENERS = [
    "In many workplaces", "During the first weeks", "On a busy morning", "After a meeting",
    "In a small office", "At the end of the month", "Before a field visit", "In practice",
]  # fmt: skip
ADVICE = [
    "Ask one open question before you judge a situation.",
    "Write down what you saw, not what you think it means.",
    "Check your plan with a colleague who knows the place.",
    "Keep a short diary of what surprised you each week.",
    "Thank people for their time, even when the answer is no.",
    "Agree on the next step before a meeting ends.",
    "Say what you need early, and say it plainly.",
    "Share credit for the work with the whole team.",
    "Read the feedback twice before you reply.",
    "Take a break when you feel tired or annoyed.",
]
ADMONITIONS = ["note", "tip", "warning", "important"]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass(frozen=True)
class Place:
    """Where a lesson sits: its file, relative to its course folder, and its title."""

    course: int
    module: int
    lesson: int
    topic: str
    module_folder: str
    file_name: str
    title: str

    @property
    def rel(self) -> str:
        return f"{self.module_folder}/{self.file_name}"


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, items):
        return self.rng.choice(items)

    def sentence(self) -> str:
        """One sentence of 8 to 18 words, with inline Markdown now and then."""
        name, town = self.pick(PEOPLE)
        shape = self.rng.randrange(6)
        if shape == 0:
            text = f"{self.pick(OPENERS)}, {name} {self.pick(VERBS)} {self.pick(OBJECTS)}."
        elif shape == 1:
            text = (
                f"{name} from {town} {self.pick(VERBS)} {self.pick(OBJECTS)} {self.pick(REASONS)}."
            )
        elif shape == 2:
            text = f"It helps to look at {self.pick(OBJECTS)} {self.pick(REASONS)}."
        elif shape == 3:
            text = f"**{name}** {self.pick(VERBS)} *{self.pick(OBJECTS)}* {self.pick(REASONS)}."
        elif shape == 4:
            text = f"Nobody in the team {self.pick(VERBS)} `{self.pick(TOPICS)}` the same way."
        else:
            text = self.pick(ADVICE)
        return text[0].upper() + text[1:]

    def paragraph(self, sentences: tuple[int, int] = (4, 7)) -> str:
        count = self.rng.randint(*sentences)
        return " ".join(self.sentence() for _ in range(count))

    def bullet(self) -> str:
        return f"- {self.pick(ADVICE)}"

    def table(self) -> str:
        rows = ["| Step | What you do | Why it helps |", "|---|---|---|"]
        for number in range(1, self.rng.randint(4, 6)):
            what = self.pick(VERBS).capitalize() + " " + self.pick(OBJECTS)
            rows.append(f"| {number} | {what} | {self.pick(REASONS).capitalize()} |")
        return "\n".join(rows)

    def admonition(self, topic: str) -> str:
        kind = self.pick(ADMONITIONS)
        body = self.paragraph((2, 4))
        return f'!!! {kind} "About {topic}"\n    {body}'

    def lesson(self, place: Place, topic: str, next_link: tuple[str, str] | None) -> str:
        name, town = self.pick(PEOPLE)
        minutes = self.rng.randint(10, 15)
        outcomes = [
            f"Describe how {topic} works in a host workplace",
            f"Plan one step to handle {topic} with your team",
        ]
        blocks = [
            "## Why it matters",
            f"{name} is on exchange in {town}. " + self.paragraph(),
            self.paragraph(),
            "## Key ideas",
            self.paragraph(),
            f"### {topic.capitalize()} at work",
            self.paragraph(),
            "\n".join(self.bullet() for _ in range(self.rng.randint(4, 6))),
            "## A worked example",
            self.paragraph(),
            self.table(),
            self.admonition(topic),
            "## Try it",
            "\n".join(f"{n}. {self.sentence()}" for n in range(1, self.rng.randint(4, 6))),
            f"> {self.sentence()}",
        ]
        # More running text until the body reaches the word target.
        extra = ["## Going further"]
        while count_words("\n\n".join(blocks + extra)) < WORDS - 80:
            extra.append(self.paragraph())
        blocks += extra
        blocks += ["## Key points", "\n".join(self.bullet() for _ in range(4))]
        if next_link is not None:
            title, href = next_link
            blocks.append(f"Continue with the next lesson: [{title}]({href}).")
        front = [
            "---",
            f'title: "{place.title}"',
            f"minutes: {minutes}",
            "outcomes:",
            *(f"  - {outcome}" for outcome in outcomes),
            "---",
            "",
        ]
        return "\n".join(front) + "\n\n".join(blocks) + "\n"

    def quiz(self, module_title: str) -> str:
        parts = [
            "---",
            f'title: "Check your understanding: {module_title}"',
            "pass_mark: 70",
            "max_attempts: 3",
            "shuffle: true",
            "---",
            "",
        ]
        for number in range(1, 6):
            name, town = self.pick(PEOPLE)
            topic = self.pick(TOPICS)
            parts.append(f"## Question {number}: {topic}\n")
            parts.append(f"{name} works in {town}. {self.sentence()}\n")
            if number == 5:
                parts.append("Which of these would help? Choose all that apply.\n")
                correct = {0, 2}
            else:
                parts.append("What is the most useful thing to do?\n")
                correct = {self.rng.randrange(4)}
            for option, advice in enumerate(self.rng.sample(ADVICE, 4)):
                mark = "x" if option in correct else " "
                verdict = "Yes." if option in correct else "Not the best choice."
                parts.append(f"- [{mark}] {advice}")
                parts.append(f"  > {verdict} {self.sentence()}")
            parts.append("")
        return "\n".join(parts)


def layout(lessons: int, per_module: int, per_course: int) -> list[Place]:
    """Places for `lessons` lessons, filling modules and courses in order."""
    places = []
    for index in range(lessons):
        course, rest = divmod(index, per_module * per_course)
        module, lesson = divmod(rest, per_module)
        topic = TOPICS[(course * per_course + module) % len(TOPICS)]
        title = f"{topic.capitalize()}, part {lesson + 1}"
        folder = f"{module + 1:02d}-{_slug(topic)}-{module + 1}"
        name = f"{lesson + 1:02d}-part-{lesson + 1}.md"
        places.append(Place(course, module, lesson, topic, folder, name, title))
    return places


def generate(
    root: Path,
    lessons: int = 200,
    per_module: int = LESSONS_PER_MODULE,
    per_course: int = MODULES_PER_COURSE,
    seed: int = 2026,
) -> int:
    """Write the tree into `root` (created if needed); returns the number of lessons."""
    if lessons < 1 or per_module < 1 or per_course < 1:
        raise ValueError("lessons, per_module and per_course must be at least 1")
    root.mkdir(parents=True, exist_ok=True)
    writer = _Writer(seed)
    places = layout(lessons, per_module, per_course)
    by_course: dict[int, list[Place]] = {}
    for place in places:
        by_course.setdefault(place.course, []).append(place)
    for course, course_places in by_course.items():
        theme = COURSE_THEMES[course % len(COURSE_THEMES)]
        course_dir = root / f"bench-{course + 1:02d}-{_slug(theme)}"
        course_dir.mkdir(exist_ok=True)
        modules = sorted({(p.module, p.module_folder, p.topic) for p in course_places})
        hours = round(len(course_places) * 12 / 60 + len(modules) * 0.25, 1)
        (course_dir / "course.md").write_text(
            "---\n"
            f'title: "Benchmark course {course + 1}: {theme}"\n'
            f"summary: A generated course about {theme}, for benchmarks.\n"
            "audience: [participant]\nphase: pre\nlanguage: en\nversion: 1\n"
            f"estimated_hours: {hours}\n---\n\n"
            f"## Welcome\n\n{writer.paragraph()}\n\n{writer.paragraph()}\n",
            encoding="utf-8",
        )
        for module, folder, topic in modules:
            module_title = f"{topic.capitalize()} ({module + 1})"
            (course_dir / folder).mkdir(exist_ok=True)
            (course_dir / folder / "module.md").write_text(
                f'---\ntitle: "{module_title}"\nsummary: Lessons about {topic}.\n---\n\n'
                f"{writer.paragraph()}\n",
                encoding="utf-8",
            )
            (course_dir / folder / "quiz.md").write_text(
                writer.quiz(module_title), encoding="utf-8"
            )
        for position, place in enumerate(course_places):
            following = course_places[position + 1] if position + 1 < len(course_places) else None
            if following is None:
                # The last lesson of a course points back to its first one.
                following = course_places[0] if len(course_places) > 1 else None
            next_link = None
            if following is not None:
                href = (
                    following.file_name
                    if following.module_folder == place.module_folder
                    else f"../{following.rel}"
                )
                next_link = (following.title, href)
            (course_dir / place.rel).write_text(
                writer.lesson(place, place.topic, next_link), encoding="utf-8"
            )
    return len(places)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the tree")
    parser.add_argument("--lessons", type=int, default=200, help="number of lessons (200)")
    parser.add_argument("--per-module", type=int, default=LESSONS_PER_MODULE)
    parser.add_argument("--per-course", type=int, default=MODULES_PER_COURSE, help="modules")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="empty FOLDER first")
    parser.add_argument("--check", action="store_true", help="run the validator afterwards")
    args = parser.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        if not args.force:
            parser.error(f"{args.folder} is not empty (use --force to replace its content)")
        shutil.rmtree(args.folder)
    count = generate(args.folder, args.lessons, args.per_module, args.per_course, args.seed)
    print(f"Wrote {count} lessons to {args.folder}")
    if args.check:
        from learning.courses.validate import check

        courses, problems = check(args.folder)
        for problem in problems:
            print(problem)
        errors = sum(p.severity == "error" for p in problems)
        print(f"{errors} errors, {len(problems) - errors} warnings in {len(courses)} courses")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
