"""Completion rules, pure."""

from datetime import UTC, datetime, timedelta

from learning.progress import rules

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
PAST, FUTURE = NOW - timedelta(days=1), NOW + timedelta(days=1)

ITEMS = rules.build_items(
    [
        (1, "Basics", NOW - timedelta(days=7), PAST),
        (2, "Later", FUTURE, FUTURE + timedelta(days=6)),
    ],
    [(10, 1, "First", False), (11, 1, "Plan", True), (20, 2, "Third", False)],
    {1: (100, "Check"), 2: (200, "Later check")},
)


def test_items_in_reading_order():
    assert [(i.kind, i.id) for i in ITEMS] == [
        ("lesson", 10), ("lesson", 11), ("task", 11), ("quiz", 100), ("lesson", 20), ("quiz", 200)
    ]  # fmt: skip


def test_module_needs_lessons_quiz_and_task():
    facts = rules.Facts(completed_lessons={10, 11}, passed_quizzes={100})
    assert not rules.module_complete(1, ITEMS, facts)
    facts.task_status[11] = "revision_requested"
    assert not rules.module_complete(1, ITEMS, facts)
    facts.task_status[11] = "accepted"
    assert rules.module_complete(1, ITEMS, facts)
    assert not rules.course_complete(ITEMS, facts)
    facts.completed_lessons.add(20)
    facts.passed_quizzes.add(200)
    assert rules.course_complete(ITEMS, facts)
    assert rules.percent_complete(ITEMS, facts) == 100


def test_status_behind_open_and_not_open():
    facts = rules.Facts(completed_lessons={10})
    statuses = [rules.status(i, facts, NOW) for i in ITEMS]
    assert statuses == ["done", "behind", "behind", "behind", "not open", "not open"]
    assert [i.id for i in rules.behind(ITEMS, facts, NOW)] == [11, 11, 100]
    assert rules.next_item(ITEMS, facts, NOW).id == 11
    assert rules.percent_complete(ITEMS, facts) == 17


def test_module_chart_share_of_learners():
    done = rules.Facts(completed_lessons={10, 11}, passed_quizzes={100},
                       task_status={11: "accepted"})  # fmt: skip
    assert rules.module_percentages(
        [(1, "Basics"), (2, "Later")], ITEMS, [done, rules.Facts()]
    ) == [("Basics", 50.0), ("Later", 0.0)]
    assert rules.module_percentages([(1, "Basics")], ITEMS, []) == [("Basics", 0.0)]
