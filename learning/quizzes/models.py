"""Quiz attempts with the snapshot they were taken on, applied-task submissions, and
self-assessment responses."""

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import User
from learning.db import db, utcnow


class QuizAttempt(db.Model):
    """One attempt; `snapshot` keeps the questions, options and feedback it was taken on, so
    later edits to quiz.md never change it or its score."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("quiz_id", "cohort_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    order: Mapped[list[Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    responses: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    percent: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None]

    user: Mapped[User] = relationship()


TASK_STATUSES = ("submitted", "revision_requested", "accepted")
# A task's status as shown to people; the English value stays the stored key.
TASK_STATUS_LABELS = {
    # TRANSLATORS: the status of an applied task, sent and waiting for review.
    "submitted": _l("submitted"),
    # TRANSLATORS: the status of an applied task the facilitator asked to revise.
    "revision_requested": _l("revision requested"),
    # TRANSLATORS: the status of an applied task.
    "accepted": _l("accepted"),
}


class TaskSubmission(db.Model):
    """One submission of a lesson's applied task; a resubmission is a new row (the history)."""

    __tablename__ = "task_submissions"
    __table_args__ = (
        CheckConstraint("status IN ('submitted', 'revision_requested', 'accepted')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    renderer_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])


class SelfAssessmentResponse(db.Model):
    """A learner's answers to a self-assessment; `assessment_id` is the stable id that links
    the same self-assessment across courses (before and after the exchange)."""

    __tablename__ = "self_assessment_responses"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id", "assessment_id", "moment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    assessment_id: Mapped[str] = mapped_column(String(100), index=True)
    moment: Mapped[str] = mapped_column(String(10))  # "start" or "end"
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
