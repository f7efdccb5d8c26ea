"""Course models: what `flask courses sync` stores from the Markdown tree.

Rows are keyed by the stable ids of the course format; what disappears from the tree is
archived, never deleted, so learners' progress keeps pointing at it.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.db import db, utcnow


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    phase: Mapped[str] = mapped_column(String(10), default="any")
    version: Mapped[str] = mapped_column(String(40), default="")
    estimated_hours: Mapped[float | None]
    overview_html: Mapped[str] = mapped_column(Text, default="")
    self_assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    renderer_version: Mapped[str] = mapped_column(String(20), default="")
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position"
    )


class Module(db.Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    stable_id: Mapped[str] = mapped_column(String(200), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    renderer_version: Mapped[str] = mapped_column(String(20), default="")
    archived_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position"
    )
    quiz: Mapped["Quiz | None"] = relationship(back_populates="module")


class Lesson(db.Model):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    stable_id: Mapped[str] = mapped_column(String(200), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    reflection: Mapped[str | None] = mapped_column(Text)
    reflection_mode: Mapped[str] = mapped_column(String(20), default="open")
    task: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    renderer_version: Mapped[str] = mapped_column(String(20), default="")
    archived_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship(back_populates="lessons")
    translations: Mapped[list["LessonTranslation"]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan"
    )


class LessonTranslation(db.Model):
    __tablename__ = "lesson_translations"
    __table_args__ = (UniqueConstraint("lesson_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    html: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    is_stale: Mapped[bool] = mapped_column(default=False)

    lesson: Mapped[Lesson] = relationship(back_populates="translations")


class Quiz(db.Model):
    """A module's knowledge check; `questions` holds the parsed questions with rendered HTML,
    which attempts copy as their snapshot."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    stable_id: Mapped[str] = mapped_column(String(200), unique=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    shuffle: Mapped[bool] = mapped_column(default=True)
    scoring: Mapped[str] = mapped_column(String(20), default="all_or_nothing")
    show_answers: Mapped[str] = mapped_column(String(20), default="after_attempt")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    renderer_version: Mapped[str] = mapped_column(String(20), default="")
    archived_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship(back_populates="quiz")


class CourseAsset(db.Model):
    """An image of a course, stored so every app server can serve it without the tree."""

    __tablename__ = "course_assets"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    archived_at: Mapped[datetime | None]
