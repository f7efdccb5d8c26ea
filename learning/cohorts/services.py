"""Cohort operations: creating and scheduling cohorts, members, invitations, join links,
and the calendar feed."""

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from learning import audit
from learning.accounts import services as accounts
from learning.accounts.models import Organisation, User
from learning.cohorts.calendar import CalendarEvent, build_calendar
from learning.cohorts.invitations_csv import InvitationRow
from learning.cohorts.models import (
    COHORT_ROLES,
    CalendarToken,
    Cohort,
    Invitation,
    InvitationLink,
    LiveSession,
    Membership,
    ModuleSchedule,
    Partnership,
)
from learning.courses.models import Course, Module
from learning.db import db, utcnow
from learning.errors import DomainError
from learning.mail import queue_mail
from learning.markup import clean_line

INVITATION_DAYS = 14


class CohortError(DomainError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Time ----------------------------------------------------------------------------------


def local_midnight(day: date, timezone: str) -> datetime:
    """00:00 of `day` in `timezone`, as a UTC instant."""
    return datetime.combine(day, time(0, 0), ZoneInfo(timezone)).astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def end_of_day(day: date, timezone: str) -> datetime:
    """23:59 of `day` in `timezone`: work due "on" a day is due by its end."""
    return datetime.combine(day, time(23, 59), ZoneInfo(timezone)).astimezone(UTC)


# --- Cohorts -------------------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "cohort"


def _unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(db.session.scalars(select(Cohort.slug).where(Cohort.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_cohort_fields(name: str, starts_on: date, ends_on: date, timezone: str) -> str:
    name = clean_line(name)
    if not name or len(name) > 200:
        raise CohortError(_("A cohort needs a name of 1 to 200 characters."))
    if ends_on < starts_on:
        raise CohortError(_("The end date must be on or after the start date."))
    if not accounts.is_valid_timezone(timezone):
        raise CohortError(_("Unknown time zone."))
    return name


def live_courses() -> list[Course]:
    return list(
        db.session.scalars(
            select(Course).where(Course.archived_at.is_(None)).order_by(Course.title)
        )
    )


def all_partnerships() -> list[Partnership]:
    return list(db.session.scalars(select(Partnership).order_by(Partnership.name)))


def create_cohort(
    actor: User,
    *,
    name: str,
    course: Course,
    starts_on: date,
    ends_on: date,
    timezone: str,
    description: str = "",
    partnerships: list[Partnership] | None = None,
) -> Cohort:
    name = _check_cohort_fields(name, starts_on, ends_on, timezone)
    cohort = Cohort(
        name=name,
        slug=_unique_slug(name),
        course=course,
        starts_on=starts_on,
        ends_on=ends_on,
        timezone=timezone,
        description=description.strip(),
        created_by_id=actor.id,
        partnerships=partnerships or [],
        status="active",
    )
    db.session.add(cohort)
    db.session.flush()
    db.session.add(Membership(cohort=cohort, user_id=actor.id, role="facilitator"))
    apply_default_schedule(cohort)
    audit.record(actor, "cohort.create", cohort, cohort_id=cohort.id, name=name)
    db.session.flush()
    return cohort


def update_cohort(
    actor: User, cohort: Cohort, *, name: str, starts_on: date, ends_on: date, timezone: str,
    description: str, partnerships: list[Partnership],
) -> None:  # fmt: skip
    cohort.name = _check_cohort_fields(name, starts_on, ends_on, timezone)
    cohort.starts_on, cohort.ends_on, cohort.timezone = starts_on, ends_on, timezone
    cohort.description = description.strip()
    cohort.partnerships = partnerships
    audit.record(actor, "cohort.update", cohort, cohort_id=cohort.id)


def set_status(actor: User, cohort: Cohort, status: str) -> None:
    if status not in ("draft", "active", "archived"):
        raise CohortError(_("Unknown status."))
    cohort.status = status
    audit.record(actor, f"cohort.{status}", cohort, cohort_id=cohort.id)


def get_cohort(slug: str) -> Cohort | None:
    return db.session.scalar(
        select(Cohort).options(joinedload(Cohort.course)).where(Cohort.slug == slug)
    )


def cohorts_of(user: User) -> list[tuple[Cohort, Membership]]:
    """The user's active memberships with their cohorts, newest cohort first."""
    rows = db.session.execute(
        select(Cohort, Membership)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .options(joinedload(Cohort.course))
        .where(Membership.user_id == user.id, Membership.removed_at.is_(None))
        .order_by(Cohort.starts_on.desc())
    ).all()
    return [(cohort, membership) for cohort, membership in rows]


def all_cohorts() -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort).options(joinedload(Cohort.course)).order_by(Cohort.starts_on.desc())
        )
    )


# --- Schedule ------------------------------------------------------------------------------


def _live_modules(course_id: int) -> list[Module]:
    return list(
        db.session.scalars(
            select(Module)
            .where(Module.course_id == course_id, Module.archived_at.is_(None))
            .order_by(Module.position)
        )
    )


def apply_default_schedule(cohort: Cohort) -> None:
    """Module N opens N-1 weeks after the start; its work is due the day before the next opens.
    Modules that already have a schedule keep it."""
    existing = {
        s.module_id
        for s in db.session.scalars(
            select(ModuleSchedule).where(ModuleSchedule.cohort_id == cohort.id)
        )
    }
    for number, module in enumerate(_live_modules(cohort.course_id)):
        if module.id in existing:
            continue
        opens_on = cohort.starts_on + timedelta(weeks=number)
        db.session.add(
            ModuleSchedule(
                cohort_id=cohort.id,
                module_id=module.id,
                opens_at=local_midnight(opens_on, cohort.timezone),
                due_at=end_of_day(opens_on + timedelta(days=6), cohort.timezone),
            )
        )


@dataclass(frozen=True)
class ScheduledModule:
    module: Module
    opens_at: datetime
    due_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now


def schedule(cohort: Cohort) -> list[ScheduledModule]:
    """The cohort's live modules in order, with when each opens and is due (one query)."""
    rows = db.session.execute(
        select(Module, ModuleSchedule)
        .outerjoin(
            ModuleSchedule,
            (ModuleSchedule.module_id == Module.id) & (ModuleSchedule.cohort_id == cohort.id),
        )
        .where(Module.course_id == cohort.course_id, Module.archived_at.is_(None))
        .order_by(Module.position)
    ).all()
    fallback = local_midnight(cohort.starts_on, cohort.timezone)
    return [
        ScheduledModule(module, plan.opens_at if plan else fallback, plan.due_at if plan else None)
        for module, plan in rows
    ]


def update_schedule(
    actor: User, cohort: Cohort, dates: dict[int, tuple[date, date | None]]
) -> None:
    """`dates` maps module ids to (opens on, due on) in the cohort's time zone."""
    plans = {
        s.module_id: s
        for s in db.session.scalars(
            select(ModuleSchedule).where(ModuleSchedule.cohort_id == cohort.id)
        )
    }
    modules = {m.id for m in _live_modules(cohort.course_id)}
    for module_id, (opens_on, due_on) in dates.items():
        if module_id not in modules:
            raise CohortError(_("That module is not part of this cohort's course."))
        if due_on is not None and due_on < opens_on:
            raise CohortError(_("A module cannot be due before it opens."))
        plan = plans.get(module_id)
        if plan is None:
            plan = ModuleSchedule(cohort_id=cohort.id, module_id=module_id)
            db.session.add(plan)
        plan.opens_at = local_midnight(opens_on, cohort.timezone)
        plan.due_at = end_of_day(due_on, cohort.timezone) if due_on else None
    audit.record(actor, "cohort.schedule", cohort, cohort_id=cohort.id)


def released_module_ids(cohort: Cohort, now: datetime | None = None) -> set[int]:
    now = now or utcnow()
    return {entry.module.id for entry in schedule(cohort) if entry.is_open(now)}


def live_sessions(cohort: Cohort) -> list[LiveSession]:
    return list(
        db.session.scalars(
            select(LiveSession)
            .where(LiveSession.cohort_id == cohort.id)
            .order_by(LiveSession.starts_at)
        )
    )


def _check_session(title: str, duration: int, join_url: str) -> str:
    title = clean_line(title)
    if not title or len(title) > 200:
        raise CohortError(_("A live session needs a title of 1 to 200 characters."))
    if not 5 <= duration <= 600:
        raise CohortError(_("A live session lasts 5 to 600 minutes."))
    if join_url and not re.match(r"^https?://[^\s]+$", join_url):
        raise CohortError(_("The join link must start with https:// or http://."))
    return title


def add_live_session(
    actor: User, cohort: Cohort, *, title: str, local_start: datetime, duration: int,
    join_url: str = "", notes: str = "",
) -> LiveSession:  # fmt: skip
    """`local_start` is a naive date and time in the cohort's time zone."""
    session = LiveSession(
        cohort_id=cohort.id,
        title=_check_session(title, duration, join_url),
        starts_at=local_start.replace(tzinfo=ZoneInfo(cohort.timezone)).astimezone(UTC),
        duration_minutes=duration,
        join_url=join_url,
        notes=notes.strip(),
    )
    db.session.add(session)
    db.session.flush()
    audit.record(actor, "session.create", session, cohort_id=cohort.id, title=session.title)
    return session


def get_live_session(cohort: Cohort, session_id: int) -> LiveSession | None:
    return db.session.scalar(
        select(LiveSession).where(LiveSession.id == session_id, LiveSession.cohort_id == cohort.id)
    )


def delete_live_session(actor: User, cohort: Cohort, session: LiveSession) -> None:
    audit.record(actor, "session.delete", session, cohort_id=cohort.id, title=session.title)
    db.session.delete(session)


# --- Members -------------------------------------------------------------------------------


def membership_of(user: User, cohort: Cohort) -> Membership | None:
    """The user's active membership, or None (also for removed members)."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.cohort_id == cohort.id,
            Membership.user_id == user.id,
            Membership.removed_at.is_(None),
        )
    )


def members(cohort: Cohort) -> list[Membership]:
    """Active members with their users and organisations, by role then name."""
    order = {role: n for n, role in enumerate(("facilitator", "contact", "participant"))}
    rows = db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.user).joinedload(User.organisation))
        .where(Membership.cohort_id == cohort.id, Membership.removed_at.is_(None))
    ).all()
    return sorted(rows, key=lambda m: (order[m.role], m.user.display_name.casefold()))


def get_membership(cohort: Cohort, membership_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.id == membership_id,
            Membership.cohort_id == cohort.id,
            Membership.removed_at.is_(None),
        )
    )


def add_member(cohort: Cohort, user: User, role: str) -> Membership:
    """Join (or rejoin after removal); an active member keeps their current role."""
    if role not in COHORT_ROLES:
        raise CohortError(_("Unknown role."))
    membership = db.session.scalar(
        select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(cohort_id=cohort.id, user_id=user.id, role=role)
        db.session.add(membership)
    elif membership.removed_at is not None:
        membership.removed_at = None
        membership.role = role
        membership.joined_at = utcnow()
    db.session.flush()
    return membership


def change_role(actor: User, membership: Membership, role: str) -> None:
    if role not in COHORT_ROLES:
        raise CohortError(_("Unknown role."))
    _keep_a_facilitator(membership, new_role=role)
    old, membership.role = membership.role, role
    audit.record(
        actor, "member.role", membership, cohort_id=membership.cohort_id, old=old, new=role
    )


def remove_member(actor: User, membership: Membership) -> None:
    _keep_a_facilitator(membership, new_role=None)
    membership.removed_at = utcnow()
    audit.record(
        actor, "member.remove", membership, cohort_id=membership.cohort_id,
        user_id=membership.user_id,
    )  # fmt: skip


def _keep_a_facilitator(membership: Membership, new_role: str | None) -> None:
    if membership.role != "facilitator" or new_role == "facilitator":
        return
    others = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.cohort_id == membership.cohort_id,
            Membership.role == "facilitator",
            Membership.removed_at.is_(None),
            Membership.id != membership.id,
        )
    )
    if not others:
        raise CohortError(_("A cohort needs at least one facilitator."))


# --- Invitations ---------------------------------------------------------------------------


def organisations_by_name() -> dict[str, int]:
    return {
        name.lower(): id_
        for id_, name in db.session.execute(select(Organisation.id, Organisation.name))
    }


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def invitations(cohort: Cohort) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.cohort_id == cohort.id, Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at.desc())
        )
    )


def _send_invitation(invitation: Invitation, token: str, inviter: User) -> None:
    invitation.sent_at = utcnow()
    queue_mail(
        db.session,
        invitation.email,
        f"You are invited to {invitation.cohort.name} on Exchange Learning",
        "invitation",
        invitation=invitation,
        inviter=inviter,
        link=f"{current_app.config['BASE_URL']}/invitations/{token}",
        days=INVITATION_DAYS,
    )


def invite(
    actor: User, cohort: Cohort, *, email: str, name: str, role: str,
    organisation_id: int | None = None,
) -> Invitation:  # fmt: skip
    """Invite one person by email (a pending invitation to the same address is replaced)."""
    email = accounts.normalise_email(email)
    if role not in COHORT_ROLES:
        raise CohortError(_("Unknown role."))
    existing_user = accounts.get_user_by_email(email)
    if existing_user is not None and membership_of(existing_user, cohort) is not None:
        raise CohortError(_("%(email)s is already a member of this cohort.", email=email))
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.cohort_id == cohort.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        cohort=cohort,
        email=email,
        name=clean_line(name),
        role=role,
        organisation_id=organisation_id,
        token_hash=_hash(token),
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        invited_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    _send_invitation(invitation, token, actor)
    audit.record(
        actor, "invitation.create", invitation, cohort_id=cohort.id, email=email, role=role
    )
    return invitation


def invite_many(actor: User, cohort: Cohort, rows: list[InvitationRow]) -> list[Invitation]:
    """All rows or none: the caller commits only when every row went in."""
    return [
        invite(
            actor,
            cohort,
            email=row.email,
            name=row.name,
            role=row.role,
            organisation_id=row.organisation_id,
        )  # fmt: skip
        for row in rows
    ]


def get_invitation(cohort: Cohort, invitation_id: int) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(Invitation.id == invitation_id, Invitation.cohort_id == cohort.id)
    )


def resend_invitation(actor: User, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise CohortError(_("This invitation has been accepted already."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.revoked_at = None
    invitation.expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    _send_invitation(invitation, token, actor)
    audit.record(actor, "invitation.resend", invitation, cohort_id=invitation.cohort_id)


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record(actor, "invitation.revoke", invitation, cohort_id=invitation.cohort_id)


def find_invitation(token: str) -> Invitation | None:
    """The invitation for a token, whatever its state (the view explains expired or used)."""
    return db.session.scalar(
        select(Invitation)
        .options(joinedload(Invitation.cohort))
        .where(Invitation.token_hash == _hash(token))
    )


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Join the cohort; a guarded update makes a double submission join once."""
    if invitation.status != "pending":
        raise CohortError(_("This invitation can no longer be used."))
    if user.email != invitation.email:
        raise CohortError(
            _(
                "This invitation was sent to %(email)s. Log in with that account to accept it.",
                email=invitation.email,
            )
        )
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
    )
    if claimed.rowcount != 1:
        raise CohortError(_("This invitation can no longer be used."))
    if user.organisation_id is None and invitation.organisation_id is not None:
        user.organisation_id = invitation.organisation_id
    return add_member(invitation.cohort, user, invitation.role)


def register_from_invitation(
    invitation: Invitation, *, name: str, password: str, language: str, timezone: str,
    organisation_id: int | None,
) -> User:  # fmt: skip
    if invitation.status != "pending":
        raise CohortError(_("This invitation can no longer be used."))
    user = accounts.create_user(
        invitation.email, name, password, language=language, timezone=timezone,
        organisation_id=invitation.organisation_id or organisation_id,
    )  # fmt: skip
    accept_invitation(invitation, user)
    return user


# --- The shareable link --------------------------------------------------------------------


def get_link(cohort: Cohort) -> InvitationLink | None:
    return db.session.scalar(select(InvitationLink).where(InvitationLink.cohort_id == cohort.id))


def save_link(
    actor: User, cohort: Cohort, *, max_uses: int | None, expires_on: date | None,
    is_enabled: bool, rotate: bool = False,
) -> InvitationLink:  # fmt: skip
    if max_uses is not None and max_uses < 1:
        raise CohortError(_("The cap must be at least 1, or empty for no cap."))
    link = get_link(cohort)
    if link is None:
        link = InvitationLink(cohort_id=cohort.id, token=secrets.token_urlsafe(24), uses=0)
        db.session.add(link)
    elif rotate:
        link.token = secrets.token_urlsafe(24)
        link.uses = 0
    link.max_uses = max_uses
    link.expires_at = end_of_day(expires_on, cohort.timezone) if expires_on else None
    link.is_enabled = is_enabled
    db.session.flush()
    audit.record(
        actor, "link.rotate" if rotate else "link.update", link, cohort_id=cohort.id,
        enabled=is_enabled, max_uses=max_uses,
    )  # fmt: skip
    return link


def find_link(token: str) -> InvitationLink | None:
    return db.session.scalar(
        select(InvitationLink)
        .options(joinedload(InvitationLink.cohort))
        .where(InvitationLink.token == token)
    )


def link_problem(link: InvitationLink | None) -> str | None:
    """Why the link cannot be used now, or None when it can."""
    if link is None or not link.is_enabled or link.cohort.status == "archived":
        return _("This join link is not active. Ask your facilitator for a new one.")
    if link.expires_at is not None and link.expires_at <= utcnow():
        return _("This join link has expired. Ask your facilitator for a new one.")
    if link.max_uses is not None and link.uses >= link.max_uses:
        return _("This join link has been used as often as allowed. Ask your facilitator.")
    return None


def join_by_link(link: InvitationLink, user: User) -> Membership:
    existing = membership_of(user, link.cohort)
    if existing is not None:
        return existing
    problem = link_problem(link)
    if problem:
        raise CohortError(problem)
    # The cap holds under concurrent joins: the increment is guarded in the same statement.
    guard = (InvitationLink.id == link.id) & (InvitationLink.is_enabled.is_(True))
    if link.max_uses is not None:
        guard &= InvitationLink.uses < link.max_uses
    claimed = db.session.execute(
        update(InvitationLink).where(guard).values(uses=InvitationLink.uses + 1)
    )
    if claimed.rowcount != 1:
        raise CohortError(
            _("This join link has been used as often as allowed. Ask your facilitator.")
        )
    return add_member(link.cohort, user, link.role)


# --- Calendar feed -------------------------------------------------------------------------


def new_calendar_token(user: User) -> str:
    """A new private feed URL token; the previous one stops working."""
    token = secrets.token_urlsafe(24)
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.user_id == user.id))
    if row is None:
        db.session.add(CalendarToken(user_id=user.id, token_hash=_hash(token)))
    else:
        row.token_hash = _hash(token)
        row.created_at = utcnow()
    return token


def has_calendar(user: User) -> bool:
    return (
        db.session.scalar(select(CalendarToken.id).where(CalendarToken.user_id == user.id))
        is not None
    )


def revoke_calendar(user: User) -> None:
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.user_id == user.id))
    if row is not None:
        db.session.delete(row)


def user_for_calendar_token(token: str) -> User | None:
    return db.session.scalar(
        select(User)
        .join(CalendarToken, CalendarToken.user_id == User.id)
        .where(CalendarToken.token_hash == _hash(token), User.is_active.is_(True))
    )


def calendar_for(user: User) -> str:
    """Live sessions and due dates of all the user's active cohorts, as iCalendar text."""
    host = current_app.config["BASE_URL"].split("://")[-1].split("/")[0]
    events = []
    for cohort, _membership in cohorts_of(user):
        if cohort.status == "archived":
            continue
        url = f"{current_app.config['BASE_URL']}/cohorts/{cohort.slug}/"
        for session in live_sessions(cohort):
            events.append(
                CalendarEvent(
                    uid=f"session-{session.id}@{host}",
                    title=f"{session.title} ({cohort.name})",
                    starts_at=session.starts_at,
                    duration=timedelta(minutes=session.duration_minutes),
                    description="\n".join(filter(None, [session.join_url, session.notes])),
                    url=session.join_url or url,
                )
            )
        for entry in schedule(cohort):
            if entry.due_at is not None:
                events.append(
                    CalendarEvent(
                        uid=f"due-{cohort.id}-{entry.module.id}@{host}",
                        title=f"Due: {entry.module.title} ({cohort.name})",
                        starts_at=entry.due_at - timedelta(minutes=30),
                        duration=timedelta(minutes=30),
                        url=url,
                    )
                )
    return build_calendar("Exchange Learning", events, utcnow())


# --- Reading in a cohort -------------------------------------------------------------------


def next_lesson(plan: list[ScheduledModule], first_lessons: dict[int, int]) -> int | None:
    """The first lesson of the latest open module: where the cohort is now."""
    now = utcnow()
    open_modules = [entry.module.id for entry in plan if entry.is_open(now)]
    return first_lessons.get(open_modules[-1]) if open_modules else None


def upcoming_sessions(user: User, limit: int = 5) -> list[tuple[LiveSession, Cohort]]:
    """The user's next live sessions across their active cohorts (one query)."""
    rows = db.session.execute(
        select(LiveSession, Cohort)
        .join(Cohort, LiveSession.cohort_id == Cohort.id)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(
            Membership.user_id == user.id,
            Membership.removed_at.is_(None),
            Cohort.status == "active",
            LiveSession.starts_at >= utcnow() - timedelta(hours=2),
        )
        .order_by(LiveSession.starts_at)
        .limit(limit)
    ).all()
    return [(session, cohort) for session, cohort in rows]
