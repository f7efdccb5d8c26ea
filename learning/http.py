"""HTTP concerns shared by every page: security headers, compression, cache-busted static
URLs and safe redirect targets."""

import gzip
import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, url_for
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ONE_YEAR = 60 * 60 * 24 * 365
_COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "image/svg+xml",
    "text/calendar",
)


def is_safe_next(target: str | None) -> bool:
    """Only a local path: refuses //host, /\\host, scheme:// and anything with a netloc."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@cache
def _static_version(static_folder: str, filename: str) -> str:
    path = Path(static_folder) / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "0"


def static_url(filename: str) -> str:
    """A static URL that changes with the file's content, so it can be cached for a year."""
    version = _static_version(current_app.static_folder, filename)
    return url_for("static", filename=filename, v=version)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint == "static" and "v" in request.args:
        headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    elif "Cache-Control" not in headers and response.mimetype == "text/html":
        # Pages show personal data: never keep them in shared caches.
        headers["Cache-Control"] = "private, no-cache"
    return response


def _compress(response: Response) -> Response:
    if (
        response.direct_passthrough
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or not response.mimetype.startswith(_COMPRESSIBLE)
    ):
        return response
    data = response.get_data()
    if len(data) < 500:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def register_http_hooks(app: Flask) -> None:
    app.after_request(_add_headers)
    app.after_request(_compress)
    app.jinja_env.globals["static_url"] = static_url


def csrf_token_is_valid() -> bool:
    """For views exempt from the global check so that an expired token can bring the form
    back with what the user wrote, instead of a bare 400 page."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True
