"""Every authorisation rule of the platform (DESIGN section 4), as plain predicates, plus the
access declaration each view carries (a test fails for any endpoint without one).

Views and templates ask these functions and nothing else. Anything a user may not see
answers 404, exactly like a missing id.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from flask import abort, g, has_request_context
from flask_login import current_user, login_required
from sqlalchemy import select

from learning.accounts.models import User
from learning.cohorts.models import Cohort, Membership
from learning.db import db, utcnow

ACCESS_RULES = ("public", "login", "staff", "admin")


def access(rule: str) -> Callable:
    """Declare who may reach a view at all; finer object checks happen inside the view.

    public: anyone; login: a signed-in user (the view then asks a predicate about the
    object it loads); staff: facilitators and admins; admin: admins only.
    """
    if rule not in ACCESS_RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view: Callable) -> Callable:
        if rule == "public":
            view.access_rule = rule
            return view

        @wraps(view)
        def guarded(*args, **kwargs):
            if rule == "staff" and not is_staff(current_user):
                abort(404)
            if rule == "admin" and not is_admin(current_user):
                abort(404)
            return view(*args, **kwargs)

        wrapped = login_required(guarded)
        wrapped.access_rule = rule
        return wrapped

    return decorate


# --- Global roles --------------------------------------------------------------------------


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.global_role == "admin")


def is_staff(user: User) -> bool:
    """Facilitators and admins: may create cohorts and preview every course."""
    return bool(user.is_authenticated and user.global_role in ("admin", "facilitator"))


def can_preview_course(user: User, course) -> bool:
    """Staff preview every course outside any cohort."""
    return is_staff(user)


def can_create_cohort(user: User) -> bool:
    return is_staff(user)


def can_administer(user: User) -> bool:
    """Courses sync, organisations, partnerships, accounts, the audit log."""
    return is_admin(user)


# --- Roles in a cohort ---------------------------------------------------------------------


def cohort_role(user: User, cohort: Cohort) -> str | None:
    """The user's active role in the cohort, "admin" for admins, or None.

    Looked up once per request and cohort: templates ask many predicates.
    """
    if not user.is_authenticated:
        return None
    if is_admin(user):
        return "admin"
    cache = g.setdefault("_cohort_roles", {}) if has_request_context() else {}
    key = (user.id, cohort.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(Membership.role).where(
                Membership.cohort_id == cohort.id,
                Membership.user_id == user.id,
                Membership.removed_at.is_(None),
            )
        )
    return cache[key]


def can_view_cohort(user: User, cohort: Cohort) -> bool:
    role = cohort_role(user, cohort)
    if role in ("admin", "facilitator"):
        return True
    return role is not None and cohort.status != "draft"


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """Schedule, invite, change roles, remove members, archive, moderate, see reports."""
    return cohort_role(user, cohort) in ("admin", "facilitator")


def can_see_member_emails(user: User, cohort: Cohort) -> bool:
    return can_manage_cohort(user, cohort)


def can_view_module(user: User, cohort: Cohort, opens_at: datetime, now: datetime | None = None):
    """Participants read released modules only; contacts, facilitators and admins read all."""
    role = cohort_role(user, cohort)
    if role is None or not can_view_cohort(user, cohort):
        return False
    if role == "participant":
        return opens_at <= (now or utcnow())
    return True


def can_take_part(user: User, cohort: Cohort) -> bool:
    """Learn in the cohort: mark lessons, take quizzes, write posts (not once archived)."""
    return cohort_role(user, cohort) in ("participant", "contact", "facilitator") and (
        cohort.status == "active"
    )


def has_own_progress(user: User, cohort: Cohort) -> bool:
    """Own quiz attempts and progress exist for learners (participants and contacts)."""
    return cohort_role(user, cohort) in ("participant", "contact")


def can_view_progress_of(
    user: User, cohort: Cohort, learner: User, learner_role: str | None
) -> bool:
    """Facilitators see their cohorts; contacts see their own organisation's participants;
    everyone sees their own."""
    if user.is_authenticated and user.id == learner.id:
        return True
    role = cohort_role(user, cohort)
    if role in ("admin", "facilitator"):
        return True
    return (
        role == "contact"
        and learner_role == "participant"
        and user.organisation_id is not None
        and learner.organisation_id == user.organisation_id
    )


def can_view_organisation_report(user: User, active_roles: Iterable[str] | None = None) -> bool:
    """Contacts (in any active cohort) see their organisation's participants across cohorts.

    `active_roles`: the user's roles in their cohorts when the caller has them already.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if is_admin(user):
        return True
    if active_roles is not None:
        return "contact" in active_roles
    return (
        db.session.scalar(
            select(Membership.id)
            .where(
                Membership.user_id == user.id,
                Membership.role == "contact",
                Membership.removed_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


# --- Discussions ---------------------------------------------------------------------------


def can_read_discussion(user: User, cohort: Cohort) -> bool:
    return can_view_cohort(user, cohort)


def can_post(user: User, cohort: Cohort) -> bool:
    """Start threads, reply, report: active members of an active cohort."""
    return can_take_part(user, cohort) or (is_admin(user) and cohort.status == "active")


def can_moderate(user: User, cohort: Cohort) -> bool:
    """Pin, lock, hide with a reason, read reports; never edit others' posts."""
    return can_manage_cohort(user, cohort)


def can_edit_post(user: User, post) -> bool:
    """Only the author edits or deletes a post, and not once it is deleted."""
    return bool(user.is_authenticated and post.author_id == user.id and post.deleted_at is None)


def can_see_reflections(user: User, cohort: Cohort, mode: str, has_posted: bool) -> bool:
    """With post-first reflections a learner sees others' answers only after posting."""
    if mode != "post-first" or can_moderate(user, cohort):
        return can_read_discussion(user, cohort)
    return has_posted and can_read_discussion(user, cohort)


def can_announce(user: User, cohort: Cohort) -> bool:
    """Announcements: facilitators of an active cohort; they are emailed to all members."""
    return can_moderate(user, cohort) and can_post(user, cohort)


def can_see_hidden_post(user: User, cohort: Cohort, post) -> bool:
    """A hidden post stays readable for its author (with the reason) and the facilitators."""
    return bool(user.is_authenticated and post.author_id == user.id) or can_moderate(user, cohort)


def can_see_post_history(user: User, cohort: Cohort, post) -> bool:
    return can_see_hidden_post(user, cohort, post)


def can_report_post(user: User, cohort: Cohort, post) -> bool:
    """Any member may report someone else's visible post."""
    return (
        can_post(user, cohort)
        and post.author_id != user.id
        and not post.is_hidden
        and not post.is_deleted
    )
