"""Discussion models: threads and posts (with revisions), read markers, reports and
notifications. Everything hangs off a cohort; nothing is ever shared between cohorts."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import User
from learning.cohorts.models import Cohort
from learning.courses.models import Lesson
from learning.db import db, utcnow

THREAD_KINDS = ("discussion", "reflection", "announcement")
REPORT_REASONS = ("inappropriate", "offensive", "personal-data", "other")
NOTIFICATION_KINDS = ("mention", "reply", "announcement", "report", "hidden")


class Thread(db.Model):
    """A conversation in one cohort. A reflection thread belongs to one lesson (one per
    cohort and lesson); an announcement thread is started by a facilitator."""

    __tablename__ = "threads"
    __table_args__ = (
        UniqueConstraint("cohort_id", "lesson_id"),
        CheckConstraint("kind IN ('discussion', 'reflection', 'announcement')", name="kind"),
        Index("ix_threads_cohort_activity", "cohort_id", "is_pinned", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    kind: Mapped[str] = mapped_column(String(20), default="discussion")
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    locked_at: Mapped[datetime | None]
    # Positions are handed out by one atomic UPDATE of this counter, so they never collide.
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_author: Mapped[User | None] = relationship(foreign_keys=[last_author_id])
    lesson: Mapped[Lesson | None] = relationship()
    posts: Mapped[list["Post"]] = relationship(
        back_populates="thread", order_by="Post.position", viewonly=True
    )

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Post(db.Model):
    """One message: the raw Markdown is kept, its sanitised HTML is cached with the renderer
    version. Deleting and hiding are soft, so the thread keeps its shape."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("thread_id", "position"),
        # A replayed form (double click, resubmit) finds the post it already made.
        UniqueConstraint("author_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    renderer_version: Mapped[str] = mapped_column(String(20), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reply_to: Mapped["Post | None"] = relationship(remote_side=[id])
    revisions: Mapped[list["PostRevision"]] = relationship(
        back_populates="post", order_by="PostRevision.id"
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(db.Model):
    """An earlier version of an edited post, as it read until `replaced_at`."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions")


class ThreadRead(db.Model):
    """How far a user has read a thread: the highest post position seen."""

    __tablename__ = "thread_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    last_position: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(db.Model):
    """A member flags a post for the facilitators; one open report per person and post."""

    __tablename__ = "post_reports"
    __table_args__ = (
        UniqueConstraint("post_id", "reporter_id"),
        CheckConstraint(
            "reason IN ('inappropriate', 'offensive', 'personal-data', 'other')", name="reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(String(20), default="")

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])


class Notification(db.Model):
    """Something in a cohort that concerns one user. Shown in the app; emailed at once, in
    the daily digest (`emailed_at` marks it done) or never, as the user chose."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "post_id", "kind"),
        CheckConstraint(
            "kind IN ('mention', 'reply', 'announcement', 'report', 'hidden')", name="kind"
        ),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    cohort: Mapped[Cohort] = relationship()
    thread: Mapped[Thread] = relationship()
    post: Mapped[Post | None] = relationship()
