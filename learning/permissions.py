"""Every authorisation rule of the platform, as plain predicates, plus the access declaration
each view carries (a test fails for any endpoint without one).

Anything a user may not see answers 404, exactly like a missing id.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from learning.accounts.models import User

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


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.global_role == "admin")


def is_staff(user: User) -> bool:
    """Facilitators and admins: may create cohorts and preview every course."""
    return bool(user.is_authenticated and user.global_role in ("admin", "facilitator"))


def can_preview_course(user: User, course) -> bool:
    """Staff preview every course outside any cohort."""
    return is_staff(user)
