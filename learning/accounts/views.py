"""Account pages: log in and out, forgotten password, profile, password and sessions."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from learning.accounts import privacy, services
from learning.accounts.forms import (
    ChangePasswordForm,
    EraseForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
)
from learning.db import db
from learning.extensions import limiter, login_manager, submitted_email
from learning.http import is_safe_next
from learning.permissions import access

bp = Blueprint("accounts", __name__, url_prefix="/account")

SESSION_KEY = "login_token"
LOGIN_FAILED = _l("That email and password do not match an account.")


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _account_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


@login_manager.user_loader
def load_user(user_id: str):
    user = services.user_for_login_session(session.get(SESSION_KEY))
    if user is None or str(user.id) != user_id:
        return None
    return user


def sign_in(user) -> None:
    session.clear()
    session[SESSION_KEY] = services.start_login_session(user, request.user_agent.string)
    session.permanent = True
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=submitted_email, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("site.home"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(str(LOGIN_FAILED))
        else:
            sign_in(user)
            db.session.commit()
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("site.home"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access("login")
def logout():
    services.end_login_session(session.get(SESSION_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/forgot", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=submitted_email, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access("public")
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    if services.find_reset_token(token) is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.AccountError:
            db.session.rollback()
            return render_template("accounts/reset_invalid.html"), 400
        db.session.commit()
        flash(
            _("Your password is changed, %(name)s. Log in with it now.", name=user.display_name),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


def _account_page(profile_form=None, password_form=None, status=200):
    if profile_form is None:
        profile_form = ProfileForm(obj=current_user)
    profile_form.set_choices()
    token = session.get(SESSION_KEY)
    sessions = [
        (s, services.is_current_session(s, token))
        for s in services.active_login_sessions(current_user)
    ]
    page = render_template(
        "accounts/profile.html",
        profile_form=profile_form,
        password_form=password_form or ChangePasswordForm(),
        sessions=sessions,
    )
    return page, status


@bp.route("/", methods=["GET", "POST"])
@access("login")
def profile():
    form = ProfileForm(obj=current_user)
    form.set_choices()
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                form.display_name.data,
                form.language.data,
                form.timezone.data,
                email_notifications=form.email_notifications.data,
                email_reminders=form.email_reminders.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            form.display_name.errors.append(str(error))
            return _account_page(profile_form=form, status=400)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return _account_page(profile_form=form, status=400 if form.errors else 200)


@bp.route("/password", methods=["POST"])
@access("login")
@limiter.limit(_login_limit)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current.data, form.password.data, session.get(SESSION_KEY)
            )
        except services.AccountError as error:
            db.session.rollback()
            form.current.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                _("Your password is changed. Your other sessions have been logged out."),
                "success",
            )
            return redirect(url_for("accounts.profile"))
    return _account_page(password_form=form, status=400)


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@access("login")
def end_session(session_id: int):
    if not services.revoke_login_session(current_user, session_id):
        abort(404)
    db.session.commit()
    flash(_("That session has been logged out."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/export.json")
@access("login")
def export_data():
    """Everything we hold about you, as a file you can keep or take elsewhere."""
    data = privacy.export_user_data(current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="exchange-learning-my-data.json"'},
    )


@bp.route("/erase", methods=["GET", "POST"])
@access("login")
@limiter.limit(_login_limit, methods=["POST"])
def erase():
    form = EraseForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.password.data) is None:
            form.password.errors.append(_("Your password is not correct."))
        else:
            privacy.erase_user(current_user)
            db.session.commit()
            logout_user()
            session.clear()
            flash(
                _("Your account and your data are erased. Thank you for learning with us."),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("accounts/erase.html", form=form), 400 if form.errors else 200
