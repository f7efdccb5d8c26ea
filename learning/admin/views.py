"""Admin pages: organisations, partnerships, users, the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from learning.admin import services
from learning.cohorts.forms import choices
from learning.db import db
from learning.errors import DomainError
from learning.permissions import access

bp = Blueprint("admin", __name__, url_prefix="/admin")


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country = StringField(_l("Country"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Add organisation"))


class PartnershipForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organisations = SelectMultipleField(_l("Organisations (two or more)"), coerce=int)
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional()])
    submit = SubmitField(_l("Add partnership"))


@bp.route("/")
@access("admin")
def index():
    return render_template("admin/index.html")


@bp.route("/organisations", methods=["GET", "POST"])
@access("admin")
def organisations():
    org_form, partnership_form = OrganisationForm(prefix="org"), PartnershipForm(prefix="p")
    partnership_form.organisations.choices = choices(
        (o.id, str(o)) for o in services.organisations()
    )
    submitted = org_form if "org-submit" in request.form else partnership_form
    if request.method == "POST" and submitted.validate_on_submit():
        try:
            if submitted is org_form:
                services.add_organisation(current_user, org_form.name.data, org_form.country.data)
            else:
                services.add_partnership(
                    current_user, partnership_form.name.data, partnership_form.organisations.data,
                    partnership_form.starts_on.data, partnership_form.ends_on.data,
                )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            submitted.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.organisations"))
    page = render_template(
        "admin/organisations.html", org_form=org_form, partnership_form=partnership_form,
        organisations=services.organisations(), partnerships=services.partnerships(),
    )  # fmt: skip
    return page, 400 if submitted.errors else 200


@bp.route("/users")
@access("admin")
def users():
    return render_template("admin/users.html", users=services.users())


@bp.route("/users/<int:user_id>", methods=["POST"])
@access("admin")
def update_user(user_id: int):
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    try:
        if "is_active" in request.form:
            services.set_active(current_user, user, request.form["is_active"] == "1")
        if "global_role" in request.form:
            services.set_global_role(current_user, user, request.form["global_role"])
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is updated.", name=user.display_name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@access("admin")
def audit_log():
    page = services.audit_page(request.args.get("page", 1, type=int))
    return render_template("admin/audit.html", page=page)
