"""Configuration read from the environment; one class per way of running the app."""

import os
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str | None:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # `make run` writes a random key here on first run; it is never committed.
    key_file = os.environ.get("SECRET_KEY_FILE")
    if key_file and Path(key_file).is_file():
        return Path(key_file).read_text().strip() or None
    return None


class Config:
    SECRET_KEY = _secret_key()
    # None means: a SQLite file in the instance folder (create_app fills it in).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    COURSES_DIR = os.environ.get("COURSES_DIR", str(Path(__file__).parent / "courses"))

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or (
        "smtp" if os.environ.get("MAIL_SERVER") else "log"
    )
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Exchange Learning <noreply@localhost>"
    )

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Retry-After is set by the 429 page only; other pages must keep their own (503).
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "5 per minute;20 per hour")
    RATELIMIT_POSTS = os.environ.get("RATELIMIT_POSTS", "10 per minute")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30
    # The cookie only holds the login token: no need to re-sign and resend it on every page.
    # Idle sessions still end server-side (LOGIN_SESSION_IDLE_DAYS).
    SESSION_REFRESH_EACH_REQUEST = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
    TRUST_PROXY = _bool("TRUST_PROXY")

    LANGUAGES = ["en", "nb", "fr", "es", "pt"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    PASSWORD_RESET_MAX_AGE = 60 * 60
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    LOGIN_SESSION_IDLE_DAYS = 30
    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # tests/conftest.py points this at its own database
    MAIL_BACKEND = "memory"
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False
    BASE_URL = "http://localhost"
    SESSION_COOKIE_SECURE = False
    # Fast hashing keeps the suite quick; production keeps scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
