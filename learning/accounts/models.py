"""Account models: organisations, users, server-side login sessions and password-reset tokens."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.db import db, utcnow

GLOBAL_ROLES = ("admin", "facilitator", "none")
# The roles as shown to people; the English value stays the stored key.
GLOBAL_ROLE_LABELS = {
    # TRANSLATORS: a user's site-wide role: an administrator.
    "admin": _l("admin"),
    # TRANSLATORS: a user's site-wide role: may create and run cohorts.
    "facilitator": _l("facilitator"),
    # TRANSLATORS: a user's site-wide role: no special rights.
    "none": _l("none"),
}
# How a user wants notifications by email: each at once, one daily digest, or none.
EMAIL_NOTIFICATIONS = ("immediately", "digest", "never")


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("name", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation")

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("global_role IN ('admin', 'facilitator', 'none')", name="global_role"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(
            "email_notifications IN ('immediately', 'digest', 'never')", name="email_notifications"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    global_role: Mapped[str] = mapped_column(String(20), default="none")
    is_active: Mapped[bool] = mapped_column(default=True)
    email_notifications: Mapped[str] = mapped_column(String(20), default="immediately")
    email_reminders: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    login_sessions: Mapped[list["LoginSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_admin(self) -> bool:
        return self.global_role == "admin"

    @property
    def is_facilitator(self) -> bool:
        return self.global_role in ("admin", "facilitator")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginSession(db.Model):
    """One login on one device; the browser's cookie holds only a random token for it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="login_sessions")


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
