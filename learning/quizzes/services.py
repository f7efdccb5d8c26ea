"""Quiz, task and self-assessment operations: attempts recorded once each, task reviews,
self-assessment answers, and the facilitator's reports."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learning import audit
from learning.accounts.models import User
from learning.cohorts.models import Cohort, Membership
from learning.courses.models import Course, Lesson, Module, Quiz
from learning.db import db, utcnow
from learning.errors import DomainError, format_count
from learning.mail import queue_mail
from learning.markup import RENDERER_VERSION, clean_block, render_markdown
from learning.quizzes import grading
from learning.quizzes.analysis import item_analysis, score_summary
from learning.quizzes.models import QuizAttempt, SelfAssessmentResponse, TaskSubmission

TASK_MAX_CHARS = 20_000
MIN_AGGREGATE_RESPONDENTS = 5


class QuizError(DomainError):
    pass


# --- Quizzes -------------------------------------------------------------------------------


def get_quiz(cohort: Cohort, quiz_id: int) -> Quiz | None:
    """A live quiz of the cohort's course."""
    return db.session.scalar(
        select(Quiz)
        .join(Module, Quiz.module_id == Module.id)
        .where(
            Quiz.id == quiz_id,
            Module.course_id == cohort.course_id,
            Quiz.archived_at.is_(None),
            Module.archived_at.is_(None),
        )
    )


def quizzes_by_module(course_id: int) -> dict[int, Quiz]:
    return {
        quiz.module_id: quiz
        for quiz in db.session.scalars(
            select(Quiz)
            .join(Module, Quiz.module_id == Module.id)
            .where(Module.course_id == course_id, Quiz.archived_at.is_(None))
        )
    }


def attempts_of(user: User, cohort: Cohort, quiz: Quiz) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.cohort_id == cohort.id,
                QuizAttempt.quiz_id == quiz.id,
            )
            .order_by(QuizAttempt.number)
        )
    )


def snapshot_of(quiz: Quiz) -> dict[str, Any]:
    """What an attempt keeps: the questions with their feedback and the grading settings."""
    return {
        "title": quiz.title,
        "version": quiz.source_hash,
        "pass_mark": quiz.pass_mark,
        "scoring": quiz.scoring,
        "show_answers": quiz.show_answers,
        "max_attempts": quiz.max_attempts,
        "questions": quiz.questions,
    }


@dataclass(frozen=True)
class AttemptForm:
    """The attempt a learner may take now: its number and its fixed question order."""

    number: int
    order: list[tuple[str, list[str]]]
    questions: dict[str, dict[str, Any]]


def attempts_left(quiz: Quiz, taken: int) -> int | None:
    """None means no limit."""
    return None if quiz.max_attempts == 0 else max(0, quiz.max_attempts - taken)


def next_attempt(user: User, cohort: Cohort, quiz: Quiz, taken: int) -> AttemptForm | None:
    """The next attempt's form, or None when the attempt limit is reached.

    The order is seeded by learner, cohort, quiz and attempt number, so reloading the page
    shows the same order and nothing needs storing before the learner submits.
    """
    left = attempts_left(quiz, taken)
    if left == 0:
        return None
    number = taken + 1
    seed = f"{user.id}:{cohort.id}:{quiz.id}:{number}:{quiz.source_hash}"
    return AttemptForm(
        number=number,
        order=grading.attempt_order(quiz.questions, quiz.shuffle, seed),
        questions={q["key"]: q for q in quiz.questions},
    )


def read_responses(quiz: Quiz, form: Mapping[str, Any]) -> dict[str, Any]:
    """Responses from a submitted form (a MultiDict): option keys, or text for short answers."""
    responses: dict[str, Any] = {}
    for question in quiz.questions:
        name = f"q-{question['key']}"
        if question["kind"] == "short":
            responses[question["key"]] = (form.get(name) or "")[:500]
        else:
            responses[question["key"]] = form.getlist(name)
    return responses


def submit_attempt(
    user: User, cohort: Cohort, quiz: Quiz, number: int, version: str, responses: dict[str, Any]
) -> tuple[QuizAttempt, bool]:
    """Record attempt `number` once; returns (attempt, is_new).

    A replayed or double-clicked submission finds the attempt already recorded and records
    nothing; parallel submissions of one attempt meet the unique constraint and only one wins,
    so the attempt limit holds too.
    """
    existing = db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.cohort_id == cohort.id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.number == number,
        )
    )
    if existing is not None:
        return existing, False
    taken = db.session.scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.cohort_id == cohort.id,
            QuizAttempt.quiz_id == quiz.id,
        )
    )
    if number != taken + 1:
        raise QuizError(_("This form is out of date: open the quiz again to see your attempts."))
    if attempts_left(quiz, taken) == 0:
        raise QuizError(_("You have used all your attempts at this quiz."))
    if version != quiz.source_hash:
        raise QuizError(_("The quiz was updated while you were answering. Please answer it again."))
    result = grading.grade(quiz.questions, responses, quiz.pass_mark, quiz.scoring)
    form = next_attempt(user, cohort, quiz, taken)
    attempt = QuizAttempt(
        quiz_id=quiz.id,
        cohort_id=cohort.id,
        user_id=user.id,
        number=number,
        snapshot=snapshot_of(quiz),
        order=[[key, options] for key, options in form.order],
        submitted_at=utcnow(),
        responses=responses,
        results=[
            {"key": r.key, "score": r.score, "is_correct": r.is_correct, "chosen": list(r.chosen)}
            for r in result.questions
        ],
        percent=result.percent,
        passed=result.passed,
    )
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request recorded this attempt a moment ago: that one counts. Nothing else
        # was written in this request before the attempt, so rolling back loses nothing.
        db.session.rollback()
        existing = db.session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.cohort_id == cohort.id,
                QuizAttempt.quiz_id == quiz.id,
                QuizAttempt.number == number,
            )
        )
        return existing, False
    return attempt, True


def get_attempt(user: User, cohort: Cohort, quiz: Quiz, attempt_id: int) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.id == attempt_id,
            QuizAttempt.user_id == user.id,
            QuizAttempt.cohort_id == cohort.id,
            QuizAttempt.quiz_id == quiz.id,
        )
    )


@dataclass(frozen=True)
class QuestionReview:
    question: dict[str, Any]
    result: dict[str, Any]
    options: list[dict[str, Any]]  # in the order the learner saw them
    feedback: list[dict[str, Any]]  # options whose feedback to show


def review(attempt: QuizAttempt) -> tuple[bool, list[QuestionReview]]:
    """The attempt as the learner took it, with the feedback the quiz setting allows."""
    snapshot = attempt.snapshot
    show = grading.feedback_to_show(snapshot["show_answers"], bool(attempt.passed))
    questions = {q["key"]: q for q in snapshot["questions"]}
    results = {r["key"]: r for r in attempt.results or []}
    reviews = []
    for key, option_order in attempt.order:
        question = questions[key]
        by_key = {o["key"]: o for o in question["options"]}
        chosen = set(results.get(key, {}).get("chosen", []))
        feedback = [
            o for o in (by_key[k] for k in option_order) if o["key"] in chosen or o["is_correct"]
        ]
        reviews.append(
            QuestionReview(
                question=question,
                result=results.get(key, {"score": 0, "is_correct": False, "chosen": []}),
                options=[by_key[k] for k in option_order],
                feedback=feedback if show else [],
            )
        )
    return show, reviews


def quiz_report(cohort: Cohort, quiz: Quiz) -> dict[str, Any]:
    """Scores and attempts per learner, and item analysis over every submitted attempt."""
    rows = db.session.execute(
        select(QuizAttempt, User)
        .join(User, QuizAttempt.user_id == User.id)
        .where(QuizAttempt.cohort_id == cohort.id, QuizAttempt.quiz_id == quiz.id)
        .order_by(User.display_name, QuizAttempt.number)
    ).all()
    learners: dict[int, dict[str, Any]] = {}
    graded = []
    for attempt, user in rows:
        entry = learners.setdefault(user.id, {"user": user, "attempts": [], "best": None})
        entry["attempts"].append(attempt)
        entry["best"] = max(entry["best"] or 0, attempt.percent or 0)
        entry["passed"] = entry.get("passed", False) or bool(attempt.passed)
        if attempt.snapshot.get("version") == quiz.source_hash:
            graded.append(
                (
                    attempt.percent or 0,
                    {
                        r["key"]: grading.QuestionResult(
                            r["key"], r["score"], r["is_correct"], tuple(r["chosen"])
                        )
                        for r in attempt.results or []
                    },
                )
            )
    best = [entry["best"] for entry in learners.values()]
    return {
        "learners": list(learners.values()),
        "summary": score_summary(best, quiz.pass_mark),
        "items": item_analysis(quiz.questions, graded),
        "attempt_count": len(rows),
    }


# --- Tasks ---------------------------------------------------------------------------------


def task_history(user: User, cohort: Cohort, lesson: Lesson) -> list[TaskSubmission]:
    return list(
        db.session.scalars(
            select(TaskSubmission)
            .where(
                TaskSubmission.user_id == user.id,
                TaskSubmission.cohort_id == cohort.id,
                TaskSubmission.lesson_id == lesson.id,
            )
            .order_by(TaskSubmission.submitted_at.desc(), TaskSubmission.id.desc())
        )
    )


def submit_task(user: User, cohort: Cohort, lesson: Lesson, body: str) -> TaskSubmission:
    if not lesson.task:
        raise QuizError(_("This lesson has no task."))
    body = clean_block(body).strip()
    if not body:
        raise QuizError(_("Write your answer before you send it."))
    if len(body) > TASK_MAX_CHARS:
        raise QuizError(
            _(
                "Your answer is longer than %(max)s characters. Shorten it.",
                max=format_count(TASK_MAX_CHARS),
            )
        )
    history = task_history(user, cohort, lesson)
    if history and history[0].status == "accepted":
        raise QuizError(_("Your task has been accepted already."))
    if history and history[0].status == "submitted" and history[0].body == body:
        return history[0]  # the same text sent twice: one submission
    submission = TaskSubmission(
        lesson_id=lesson.id,
        cohort_id=cohort.id,
        user_id=user.id,
        body=body,
        html=render_markdown(body, "post"),
        renderer_version=RENDERER_VERSION,
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def tasks_to_review(cohort: Cohort) -> list[tuple[TaskSubmission, Lesson]]:
    """Every learner's latest submission per task, newest first, pending ones first."""
    rows = db.session.execute(
        select(TaskSubmission, Lesson)
        .join(Lesson, TaskSubmission.lesson_id == Lesson.id)
        .join(
            Membership,
            (Membership.user_id == TaskSubmission.user_id) & (Membership.cohort_id == cohort.id),
        )  # fmt: skip
        .where(TaskSubmission.cohort_id == cohort.id, Membership.removed_at.is_(None))
        .order_by(TaskSubmission.submitted_at.desc(), TaskSubmission.id.desc())
    ).all()
    latest: dict[tuple[int, int], tuple[TaskSubmission, Lesson]] = {}
    for submission, lesson in rows:
        latest.setdefault((submission.user_id, lesson.id), (submission, lesson))
    return sorted(latest.values(), key=lambda pair: pair[0].status != "submitted")


def get_submission(cohort: Cohort, submission_id: int) -> TaskSubmission | None:
    return db.session.scalar(
        select(TaskSubmission).where(
            TaskSubmission.id == submission_id, TaskSubmission.cohort_id == cohort.id
        )
    )


def review_task(
    reviewer: User, submission: TaskSubmission, decision: str, comment: str, lesson: Lesson,
    cohort: Cohort,
) -> None:  # fmt: skip
    if decision not in ("accepted", "revision_requested"):
        raise QuizError(_("Choose accept or ask for a revision."))
    comment = clean_block(comment).strip()
    if decision == "revision_requested" and not comment:
        raise QuizError(_("Say what to revise: the participant sees your comment."))
    if submission.status != "submitted":
        raise QuizError(_("This submission has been reviewed already."))
    submission.status = decision
    submission.review_comment = comment[:4000]
    submission.reviewer_id = reviewer.id
    submission.reviewed_at = utcnow()
    audit.record(reviewer, f"task.{decision}", submission, cohort_id=cohort.id)
    learner = db.session.get(User, submission.user_id)
    queue_mail(
        db.session,
        learner.email,
        f"Your task in {cohort.name}: "
        + ("accepted" if decision == "accepted" else "please revise"),
        "task_reviewed",
        learner=learner,
        lesson=lesson,
        cohort=cohort,
        submission=submission,
    )


# --- Self-assessment -----------------------------------------------------------------------


def self_assessment_responses(user: User, assessment_id: str) -> list[SelfAssessmentResponse]:
    """All of a learner's answers to this self-assessment, in any course, oldest first."""
    return list(
        db.session.scalars(
            select(SelfAssessmentResponse)
            .where(
                SelfAssessmentResponse.user_id == user.id,
                SelfAssessmentResponse.assessment_id == assessment_id,
            )
            .order_by(SelfAssessmentResponse.submitted_at, SelfAssessmentResponse.id)
        )
    )


def save_self_assessment(
    user: User, cohort: Cohort, course: Course, moment: str, form: Mapping[str, Any]
) -> SelfAssessmentResponse:
    definition = course.self_assessment
    if not definition or moment not in definition["when"]:
        raise QuizError(_("There is no self-assessment here."))
    answers: dict[str, Any] = {}
    for item in definition["items"]:
        raw = (form.get(f"item-{item['id']}") or "").strip()
        if item["type"] == "text":
            answers[item["id"]] = clean_block(raw)[:2000]
        elif raw:
            if raw not in {"1", "2", "3", "4", "5"}:
                raise QuizError(_("Ratings go from 1 to 5."))
            answers[item["id"]] = int(raw)
    if not any(isinstance(v, int) for v in answers.values()):
        raise QuizError(_("Rate at least one statement."))
    response = db.session.scalar(
        select(SelfAssessmentResponse).where(
            SelfAssessmentResponse.user_id == user.id,
            SelfAssessmentResponse.cohort_id == cohort.id,
            SelfAssessmentResponse.assessment_id == definition["id"],
            SelfAssessmentResponse.moment == moment,
        )
    )
    if response is None:
        response = SelfAssessmentResponse(
            user_id=user.id, cohort_id=cohort.id, course_id=course.id,
            assessment_id=definition["id"], moment=moment, answers=answers,
        )  # fmt: skip
        db.session.add(response)
    else:
        response.answers, response.submitted_at = answers, utcnow()
    db.session.flush()
    return response


def before_and_after(
    responses: list[SelfAssessmentResponse], definition: dict[str, Any]
) -> list[tuple[str, int | None, int | None]]:
    """(statement, first rating, latest rating) per rating item; None when not answered."""
    if not responses:
        return []
    first, last = responses[0], responses[-1]
    return [
        (
            item["statement"],
            first.answers.get(item["id"]),
            last.answers.get(item["id"]) if last is not first else None,
        )
        for item in definition["items"]
        if item["type"] != "text"
    ]


def cohort_self_assessment_summary(cohort: Cohort) -> dict[str, Any]:
    """Mean rating per item and moment, only where five or more learners answered.

    Facilitators never see individual answers.
    """
    definition = cohort.course.self_assessment
    if not definition:
        return {"moments": {}}
    rows = db.session.scalars(
        select(SelfAssessmentResponse).where(
            SelfAssessmentResponse.cohort_id == cohort.id,
            SelfAssessmentResponse.assessment_id == definition["id"],
        )
    ).all()
    moments: dict[str, Any] = {}
    for moment in definition["when"]:
        answered = [row for row in rows if row.moment == moment]
        if len(answered) < MIN_AGGREGATE_RESPONDENTS:
            moments[moment] = {"respondents": len(answered), "items": None}
            continue
        items = []
        for item in definition["items"]:
            if item["type"] == "text":
                continue
            ratings = [r.answers[item["id"]] for r in answered if isinstance(
                r.answers.get(item["id"]), int)]  # fmt: skip
            mean = round(sum(ratings) / len(ratings), 1) if ratings else None
            items.append((item["statement"], mean, len(ratings)))
        moments[moment] = {"respondents": len(answered), "items": items}
    return {"moments": moments, "minimum": MIN_AGGREGATE_RESPONDENTS}
