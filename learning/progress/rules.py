"""Completion rules as pure functions over plain facts (no database; Flask-Babel only for the
words people see, English outside a request).

A lesson is complete when the learner marked it so; a module when its lessons are complete,
its quiz passed (if it has one) and its tasks accepted (if any); a course when every module is.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# The statuses of status(), as shown to people. The English value stays the key, the CSS class
# (with "-" for the space) and the value in the CSV export.
STATUS_LABELS = {
    # TRANSLATORS: progress status of a lesson, quiz or task: completed.
    "done": _l("done"),
    # TRANSLATORS: progress status: due and not done.
    "behind": _l("behind"),
    # TRANSLATORS: progress status: can be done now.
    "open": _l("open"),
    # TRANSLATORS: progress status: the module does not open until later.
    "not open": _l("not open"),
}


@dataclass(frozen=True)
class Item:
    """One thing a learner does: read a lesson, pass a quiz, or have a task accepted."""

    kind: str  # "lesson" | "task" | "quiz"
    id: int  # the lesson id (lesson, task) or the quiz id
    module_id: int
    title: str
    due_at: datetime | None = None
    opens_at: datetime | None = None


@dataclass
class Facts:
    """What one learner has done in one cohort."""

    completed_lessons: set[int] = field(default_factory=set)
    passed_quizzes: set[int] = field(default_factory=set)
    best_percent: dict[int, int] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)
    task_status: dict[int, str] = field(default_factory=dict)
    last_activity: datetime | None = None

    def saw(self, moment: datetime | None) -> None:
        if moment is not None and (self.last_activity is None or moment > self.last_activity):
            self.last_activity = moment


def build_items(
    modules: Sequence[tuple[int, str, datetime | None, datetime | None]],
    lessons: Sequence[tuple[int, int, str, bool]],
    quizzes: dict[int, tuple[int, str]],
) -> list[Item]:
    """Items in reading order. `modules`: (id, title, opens_at, due_at) in order; `lessons`:
    (id, module_id, title, has_task) in order; `quizzes`: module id -> (quiz id, title)."""
    items: list[Item] = []
    for module_id, _title, opens_at, due_at in modules:
        for lesson_id, lesson_module, title, has_task in lessons:
            if lesson_module != module_id:
                continue
            items.append(Item("lesson", lesson_id, module_id, title, due_at, opens_at))
            if has_task:
                # TRANSLATORS: a lesson's applied task in the progress tables.
                task_title = _("Task: %(title)s", title=title)
                items.append(Item("task", lesson_id, module_id, task_title, due_at, opens_at))
        if module_id in quizzes:
            quiz_id, title = quizzes[module_id]
            items.append(Item("quiz", quiz_id, module_id, title, due_at, opens_at))
    return items


def is_done(item: Item, facts: Facts) -> bool:
    if item.kind == "lesson":
        return item.id in facts.completed_lessons
    if item.kind == "quiz":
        return item.id in facts.passed_quizzes
    return facts.task_status.get(item.id) == "accepted"


def status(item: Item, facts: Facts, now: datetime) -> str:
    """done, behind (due and not done), open, or not open yet. Text, never colour alone."""
    if is_done(item, facts):
        return "done"
    if item.due_at is not None and item.due_at < now:
        return "behind"
    if item.opens_at is not None and item.opens_at > now:
        return "not open"
    return "open"


def percent_complete(items: Sequence[Item], facts: Facts) -> int:
    if not items:
        return 0
    return round(100 * sum(is_done(item, facts) for item in items) / len(items))


def module_complete(module_id: int, items: Iterable[Item], facts: Facts) -> bool:
    own = [item for item in items if item.module_id == module_id]
    return bool(own) and all(is_done(item, facts) for item in own)


def course_complete(items: Sequence[Item], facts: Facts) -> bool:
    return bool(items) and all(is_done(item, facts) for item in items)


def behind(items: Iterable[Item], facts: Facts, now: datetime) -> list[Item]:
    return [item for item in items if status(item, facts, now) == "behind"]


def next_item(items: Sequence[Item], facts: Facts, now: datetime) -> Item | None:
    """The first open item not yet done: where to resume."""
    for item in items:
        if not is_done(item, facts) and (item.opens_at is None or item.opens_at <= now):
            return item
    return None


def module_percentages(
    modules: Sequence[tuple[int, str]], items: Sequence[Item], learners: Sequence[Facts]
) -> list[tuple[str, float]]:
    """Share of learners who completed each module, for the cohort chart."""
    if not learners:
        return [(title, 0.0) for _id, title in modules]
    return [
        (title, 100 * sum(module_complete(mid, items, f) for f in learners) / len(learners))
        for mid, title in modules
    ]
