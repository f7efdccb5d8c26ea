"""Account operations: users, authentication, login sessions, password resets, profiles."""

import hashlib
import secrets
import zoneinfo
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from learning.accounts.models import (
    EMAIL_NOTIFICATIONS,
    GLOBAL_ROLES,
    LoginSession,
    Organisation,
    PasswordResetToken,
    User,
)
from learning.db import db, utcnow
from learning.errors import DomainError
from learning.mail import queue_mail
from learning.markup import clean_line

PASSWORD_MIN = 10
PASSWORD_MAX = 200
NAME_MAX = 100
EMAIL_MAX = 254
# Comparing against this when the email is unknown takes as long as a real check.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
# A login session's last_seen_at is written at most this often, not on every request.
_TOUCH_EVERY = timedelta(minutes=5)


class AccountError(DomainError):
    pass


class EmailTaken(AccountError):
    """An account with this email exists already."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_timezone(name: str) -> bool:
    return name in known_timezones()


def _hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_profile(display_name: str, language: str, timezone: str) -> str:
    name = clean_line(display_name)
    if not name or len(name) > NAME_MAX:
        raise AccountError(_("A name needs 1 to %(max)s characters.", max=NAME_MAX))
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError(_("Unknown language."))
    if not is_valid_timezone(timezone):
        raise AccountError(_("Unknown time zone."))
    return name


def check_password_rules(password: str) -> None:
    if not PASSWORD_MIN <= len(password or "") <= PASSWORD_MAX:
        raise AccountError(
            _("A password needs %(min)s to %(max)s characters.", min=PASSWORD_MIN, max=PASSWORD_MAX)
        )


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    display_name: str,
    password: str,
    *,
    global_role: str = "none",
    language: str = "en",
    timezone: str = "UTC",
    organisation_id: int | None = None,
) -> User:
    email = normalise_email(email)
    if not email or len(email) > EMAIL_MAX or "@" not in email:
        raise AccountError(_("Enter a valid email address."))
    if global_role not in GLOBAL_ROLES:
        raise AccountError(_("Unknown role."))
    name = _check_profile(display_name, language, timezone)
    check_password_rules(password)
    if get_user_by_email(email) is not None:
        raise EmailTaken(_("An account with this email already exists."))
    if organisation_id and db.session.get(Organisation, organisation_id) is None:
        raise AccountError(_("Unknown organisation."))
    user = User(
        email=email,
        display_name=name,
        password_hash=_hash_password(password),
        global_role=global_role,
        language=language,
        timezone=timezone,
        organisation_id=organisation_id or None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def describe_device(user_agent: str) -> str:
    ua = (user_agent or "").lower()
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("opr/", "Opera"),
                ("samsungbrowser", "Samsung Internet"),
                ("firefox", "Firefox"),
                ("chrome", "Chrome"),
                ("chromium", "Chromium"),
                ("safari", "Safari"),
            )
            if key in ua
        ),
        "A browser",
    )
    system = next(
        (
            name
            for key, name in (
                ("android", "Android"),
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("windows", "Windows"),
                ("mac os", "macOS"),
                ("cros", "ChromeOS"),
                ("linux", "Linux"),
            )
            if key in ua
        ),
        None,
    )
    return f"{browser} on {system}" if system else browser


def start_login_session(user: User, user_agent: str) -> str:
    """Record a login; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(user=user, token_hash=_hash_token(token), device=describe_device(user_agent))
    )
    db.session.flush()
    return token


def user_for_login_session(token: str | None) -> User | None:
    """The user of a live login session, or None when revoked, idle too long or deactivated."""
    if not token:
        return None
    idle_limit = utcnow() - timedelta(days=current_app.config["LOGIN_SESSION_IDLE_DAYS"])
    row = db.session.execute(
        select(LoginSession, User)
        .join(User, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == _hash_token(token),
            LoginSession.revoked_at.is_(None),
            LoginSession.last_seen_at > idle_limit,
            User.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    login_session, user = row
    if utcnow() - login_session.last_seen_at > _TOUCH_EVERY:
        login_session.last_seen_at = utcnow()
    return user


def end_login_session(token: str | None) -> None:
    if token:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == _hash_token(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def active_login_sessions(user: User) -> list[LoginSession]:
    idle_limit = utcnow() - timedelta(days=current_app.config["LOGIN_SESSION_IDLE_DAYS"])
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.revoked_at.is_(None),
                LoginSession.last_seen_at > idle_limit,
            )
            .order_by(LoginSession.last_seen_at.desc())
        )
    )


def is_current_session(login_session: LoginSession, token: str | None) -> bool:
    return bool(token) and login_session.token_hash == _hash_token(token)


def revoke_login_session(user: User, session_id: int) -> bool:
    """End one of the user's own sessions; False when it is not theirs or already ended."""
    result = db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.id == session_id,
            LoginSession.user_id == user.id,
            LoginSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return result.rowcount == 1


def revoke_other_sessions(user: User, keep_token: str | None) -> None:
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep_token:
        query = query.where(LoginSession.token_hash != _hash_token(keep_token))
    db.session.execute(query.values(revoked_at=utcnow()))


def change_password(user: User, current: str, new: str, keep_token: str | None) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError(_("Your current password is not correct."))
    set_password(user, new)
    revoke_other_sessions(user, keep_token)


def set_password(user: User, new: str) -> None:
    check_password_rules(new)
    user.password_hash = _hash_password(new)


def update_profile(
    user: User,
    display_name: str,
    language: str,
    timezone: str,
    email_notifications: str | None = None,
    email_reminders: bool | None = None,
) -> None:
    user.display_name = _check_profile(display_name, language, timezone)
    user.language = language
    user.timezone = timezone
    if email_notifications is not None:
        if email_notifications not in EMAIL_NOTIFICATIONS:
            raise AccountError(_("Unknown choice for notification emails."))
        user.email_notifications = email_notifications
    if email_reminders is not None:
        user.email_reminders = email_reminders


def request_password_reset(email: str) -> None:
    """Mail a single-use reset link when the account exists; silent otherwise."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = secrets.token_urlsafe(32)
    max_age = timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"])
    db.session.add(
        PasswordResetToken(user=user, token_hash=_hash_token(token), expires_at=utcnow() + max_age)
    )
    db.session.flush()
    link = f"{current_app.config['BASE_URL']}/account/reset/{token}"
    queue_mail(
        db.session,
        user.email,
        "Reset your Exchange Learning password",
        "password_reset",
        user=user,
        link=link,
        minutes=int(max_age.total_seconds() // 60),
    )


def find_reset_token(token: str) -> PasswordResetToken | None:
    """A reset token that is unused and unexpired, else None."""
    reset = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


def reset_password(token: str, new: str) -> User:
    reset = find_reset_token(token)
    if reset is None:
        raise AccountError(_("This reset link is invalid, used or expired."))
    check_password_rules(new)
    # Mark used with a guarded UPDATE so two simultaneous submissions cannot both use it.
    claimed = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == reset.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise AccountError(_("This reset link is invalid, used or expired."))
    set_password(reset.user, new)
    revoke_other_sessions(reset.user, keep_token=None)
    return reset.user
