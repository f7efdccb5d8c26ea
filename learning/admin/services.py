"""Admin operations on organisations, partnerships and accounts, and reading the audit log."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from learning import audit
from learning.accounts.models import GLOBAL_ROLES, Organisation, User
from learning.cohorts.models import Partnership
from learning.db import db
from learning.errors import DomainError
from learning.markup import clean_line


class AdminError(DomainError):
    pass


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def add_organisation(actor: User, name: str, country: str) -> Organisation:
    name, country = clean_line(name), clean_line(country)
    if not name or not country:
        raise AdminError(_("An organisation needs a name and a country."))
    exists = db.session.scalar(
        select(Organisation).where(Organisation.name == name, Organisation.country == country)
    )
    if exists:
        raise AdminError(_("%(name)s (%(country)s) exists already.", name=name, country=country))
    organisation = Organisation(name=name, country=country)
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.create", organisation, name=name)
    return organisation


def partnerships() -> list[Partnership]:
    return list(
        db.session.scalars(
            select(Partnership)
            .options(selectinload(Partnership.organisations))
            .order_by(Partnership.name)
        )
    )


def add_partnership(
    actor: User, name: str, organisation_ids: list[int], starts_on: date | None,
    ends_on: date | None,
) -> Partnership:  # fmt: skip
    name = clean_line(name)
    if not name:
        raise AdminError(_("A partnership needs a name."))
    members = [o for o in organisations() if o.id in set(organisation_ids)]
    if len(members) < 2:
        raise AdminError(_("A partnership joins two or more organisations."))
    if starts_on and ends_on and ends_on < starts_on:
        raise AdminError(_("The end date must be on or after the start date."))
    if db.session.scalar(select(Partnership).where(Partnership.name == name)):
        raise AdminError(_("A partnership called %(name)s exists already.", name=name))
    partnership = Partnership(
        name=name, organisations=members, starts_on=starts_on, ends_on=ends_on
    )
    db.session.add(partnership)
    db.session.flush()
    audit.record(actor, "partnership.create", partnership, name=name)
    return partnership


def users() -> list[User]:
    return list(
        db.session.scalars(
            select(User).options(joinedload(User.organisation)).order_by(User.display_name)
        )
    )


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def set_active(actor: User, user: User, is_active: bool) -> None:
    if user.id == actor.id and not is_active:
        raise AdminError(_("You cannot deactivate your own account."))
    user.is_active = is_active
    audit.record(actor, "user.activate" if is_active else "user.deactivate", user)


def set_global_role(actor: User, user: User, role: str) -> None:
    if role not in GLOBAL_ROLES:
        raise AdminError(_("Unknown role."))
    if user.id == actor.id and role != "admin":
        raise AdminError(_("You cannot remove your own admin role."))
    old, user.global_role = user.global_role, role
    audit.record(actor, "user.role", user, old=old, new=role)


def audit_page(page: int, per_page: int = 50):
    return db.paginate(
        select(audit.AuditEvent)
        .options(joinedload(audit.AuditEvent.actor))
        .order_by(audit.AuditEvent.created_at.desc(), audit.AuditEvent.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
