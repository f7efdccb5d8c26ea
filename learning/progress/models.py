"""Progress facts: lessons marked complete, certificates, and reminders already sent.

Completion of modules and courses is computed from these facts (and from quiz attempts and
task reviews); nothing stores a percentage that could go stale.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import User
from learning.db import db, utcnow


class LessonCompletion(db.Model):
    """A learner marked a lesson complete in a cohort. Rows are only ever added."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    # What the certificate says, as it was said on the day it was issued.
    name: Mapped[str] = mapped_column(String(100))
    course_title: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class ReminderSent(db.Model):
    """One reminder per learner, cohort, module and kind ("due" or "overdue")."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id", "module_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    kind: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
