"""Exchange Learning: cohort-based e-learning for exchange partnerships."""

import logging
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers and commands."""
    from config import Config, DevelopmentConfig

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    if config_class is None:
        config_class = DevelopmentConfig if app.debug else Config
    app.config.from_object(config_class)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'learning.db'}"
        )
    if not app.config.get("SECRET_KEY") and not (app.debug or app.testing):
        raise RuntimeError(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) in the environment; "
            "`make run` creates one in instance/secret_key for you."
        )
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    _configure_logging()

    _init_extensions(app)
    _register_blueprints(app)

    from learning.cli import register_commands
    from learning.errors import register_error_handlers
    from learning.http import register_http_hooks

    register_error_handlers(app)
    register_http_hooks(app)
    register_commands(app)
    return app


def _configure_logging() -> None:
    # Our own modules log at INFO (e.g. mails in development); libraries keep their levels.
    logger = logging.getLogger("learning")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _init_extensions(app: Flask) -> None:
    from learning import permissions
    from learning.accounts.models import GLOBAL_ROLE_LABELS
    from learning.cohorts.models import (
        COHORT_STATUS_LABELS,
        ROLE_LABELS,
        invitation_status_label,
    )
    from learning.db import db
    from learning.extensions import babel, csrf, limiter, login_manager, migrate
    from learning.markup import sanitised_html
    from learning.progress.rules import STATUS_LABELS
    from learning.quizzes.models import TASK_STATUS_LABELS

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "learning" / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.localize_callback = str  # the flash message in the visitor's language
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale() or "en"),
        format_datetime=format_datetime,
        format_date=format_date,
        format_when=format_when,
        # Stored values (roles, statuses) in the reader's language: {{ ROLE_LABELS[m.role] }}.
        ROLE_LABELS=ROLE_LABELS,
        GLOBAL_ROLE_LABELS=GLOBAL_ROLE_LABELS,
        COHORT_STATUS_LABELS=COHORT_STATUS_LABELS,
        TASK_STATUS_LABELS=TASK_STATUS_LABELS,
        PROGRESS_STATUS_LABELS=STATUS_LABELS,
        invitation_status_label=invitation_status_label,
    )
    app.jinja_env.filters.update(sanitised_html=sanitised_html, language_name=language_name)
    # Templates ask the same predicates as the views, so a button and its check agree.
    app.jinja_env.globals.update(
        {
            name: getattr(permissions, name)
            for name in dir(permissions)
            if name.startswith(("can_", "is_", "has_"))
        }
    )


def format_when(moment) -> str:
    """A date and a time of day in the viewer's time zone, without seconds."""
    return f"{format_date(moment, 'medium')}, {format_time(moment, 'short')}"


def language_name(code: str) -> str:
    """A language's name in that language, e.g. "norsk bokmål" for nb."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code


def _select_locale() -> str | None:
    from flask import current_app

    if not has_request_context():  # a CLI command or a job: the default language (English)
        return None
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages)


def _select_timezone() -> str | None:
    if not has_request_context():
        return None
    if current_user.is_authenticated:
        return current_user.timezone
    return None


def _register_blueprints(app: Flask) -> None:
    from learning import models  # noqa: F401 - every model registered for migrations
    from learning.accounts.views import bp as accounts_bp
    from learning.admin.views import bp as admin_bp
    from learning.cohorts.views import bp as cohorts_bp
    from learning.courses.views import bp as courses_bp
    from learning.discussions.views import bp as discussions_bp
    from learning.progress.views import bp as progress_bp
    from learning.quizzes.views import bp as quizzes_bp
    from learning.site import bp as site_bp

    for blueprint in (
        site_bp, accounts_bp, courses_bp, cohorts_bp, quizzes_bp, progress_bp, admin_bp,
        discussions_bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
