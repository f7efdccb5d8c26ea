"""Site-wide pages: the home page and the health check."""

from flask import Blueprint, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from learning.db import db
from learning.permissions import access

bp = Blueprint("site", __name__)


@bp.route("/")
@access("public")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for("progress.my_learning"))


@bp.route("/healthz")
@access("public")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503, {"Retry-After": "30"}
    return jsonify(status="ok", database="ok")
