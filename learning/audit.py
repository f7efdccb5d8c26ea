"""The audit log: who did what to which target, for facilitator and admin actions."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import User
from learning.db import db, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    cohort_id: Mapped[int | None] = mapped_column(index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


def record(
    actor: User | None,
    action: str,
    target: Any = None,
    *,
    cohort_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the action it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        cohort_id=cohort_id,
        details=details,
    )
    db.session.add(event)
    return event
