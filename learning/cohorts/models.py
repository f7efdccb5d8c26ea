"""Cohort models: partnerships of organisations, cohorts, memberships, invitations,
module schedules, live sessions and calendar feed tokens."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import Organisation, User
from learning.courses.models import Course, Module
from learning.db import db, utcnow

COHORT_ROLES = ("participant", "contact", "facilitator")
COHORT_STATUSES = ("draft", "active", "archived")

# Roles and statuses as shown to people, for templates and messages ("(contact)",
# "X is now facilitator."). The English value stays the stored key and CSS class.
ROLE_LABELS = {
    "participant": _l("participant"),
    "contact": _l("contact"),
    "facilitator": _l("facilitator"),
}
COHORT_STATUS_LABELS = {
    # TRANSLATORS: the status of a cohort that is being prepared.
    "draft": _l("draft"),
    # TRANSLATORS: the status of a cohort that is running.
    "active": _l("active"),
    # TRANSLATORS: the status of a cohort that has ended.
    "archived": _l("archived"),
}


def invitation_status_label(status: str) -> str:
    """An invitation's status in the reader's language (a context of its own: an accepted
    invitation is not an accepted task)."""
    labels = {
        "pending": pgettext("invitation status", "pending"),
        "accepted": pgettext("invitation status", "accepted"),
        "revoked": pgettext("invitation status", "revoked"),
        "expired": pgettext("invitation status", "expired"),
    }
    return labels.get(status, status)


partnership_organisations = Table(
    "partnership_organisations",
    db.metadata,
    Column("partnership_id", ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
)

cohort_partnerships = Table(
    "cohort_partnerships",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("partnership_id", ForeignKey("partnerships.id"), primary_key=True),
)


class Partnership(db.Model):
    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=partnership_organisations, order_by=Organisation.name
    )


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'active', 'archived')", name="status"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    partnerships: Mapped[list[Partnership]] = relationship(
        secondary=cohort_partnerships, order_by=Partnership.name
    )
    memberships: Mapped[list["Membership"]] = relationship(back_populates="cohort")


class Membership(db.Model):
    """A user's role in one cohort; removal is soft, so history and posts stay attributed."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        CheckConstraint("role IN ('participant', 'contact', 'facilitator')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class Invitation(db.Model):
    """An invitation by email; only the token's hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20), default="participant")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"


class InvitationLink(db.Model):
    """The cohort's shareable join link: can be capped, given an expiry, turned off, rotated."""

    __tablename__ = "invitation_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="participant")
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None]
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()


class ModuleSchedule(db.Model):
    """When a module opens for a cohort and when its work is due (UTC instants)."""

    __tablename__ = "module_schedules"
    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    opens_at: Mapped[datetime]
    due_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship()


class LiveSession(db.Model):
    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    join_url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarToken(db.Model):
    """A user's private calendar feed; only the hash is kept, a new one revokes the old."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
