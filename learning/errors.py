"""Domain exceptions, and the one renderer for every error page."""

import logging
import time

from babel.numbers import format_decimal
from flask import Flask, g, render_template, request
from flask_babel import get_locale
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from learning.db import db
from learning.extensions import limiter, login_manager

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show to the user."""


class NotAllowed(DomainError):
    """The action is not permitted for this user (views answer 404)."""


def format_count(number: int) -> str:
    """A number for a message to the user, grouped as the reader's language does it:
    10,000 in English, 10 000 in bokmål. English outside a request."""
    return format_decimal(number, locale=get_locale() or "en")


def render_error(code: int, description: str | None = None):
    headers = {}
    if code == 503:
        headers["Retry-After"] = "30"
    body = render_template("errors/error.html", code=code, description=description)
    return body, code, headers


def _database_is_away(error: Exception) -> bool:
    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _seconds_until_reset() -> int:
    limit = limiter.current_limit
    return max(1, int(limit.reset_at - time.time())) if limit else 60


def register_error_handlers(app: Flask) -> None:
    def handle_http(error: HTTPException):
        code = error.code or 500
        if code == 429:
            body, code, headers = render_error(429)
            headers["Retry-After"] = str(_seconds_until_reset())
            return body, code, headers
        if code == 405:
            body, code, headers = render_error(405)
            if error.valid_methods:
                headers["Allow"] = ", ".join(error.valid_methods)
            return body, code, headers
        return render_error(code)

    def handle_unexpected(error: Exception):
        db.session.rollback()
        if _database_is_away(error):
            # The error page must not try to load the user from the missing database.
            g._login_user = login_manager.anonymous_user()
            log.warning("database unavailable: %s", error.__class__.__name__)
            return render_error(503)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
