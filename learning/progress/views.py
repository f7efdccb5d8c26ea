"""Progress pages: my learning, lesson completion, the facilitator's cohort dashboard and its
CSV, a learner's page, the contact's organisation view, and certificates."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from learning import audit, permissions
from learning.charts import completion_chart
from learning.cohorts import services as cohorts
from learning.cohorts.lookups import cohort_or_404
from learning.db import db
from learning.exports import csv_response_text
from learning.permissions import access
from learning.progress import services
from learning.progress.certificates import certificate_pdf
from learning.progress.rules import STATUS_LABELS

bp = Blueprint("progress", __name__)


@bp.route("/learning")
@access("login")
def my_learning():
    summaries = services.my_learning(current_user)
    journey = {
        phase: [s for s in summaries if s.cohort.course.phase == phase]
        for phase in ("pre", "any", "post")
    }
    return render_template(
        "progress/my_learning.html", journey=journey, any_cohort=bool(summaries),
        sessions=cohorts.upcoming_sessions(current_user),
        sees_organisation=permissions.can_view_organisation_report(
            current_user, [s.role for s in summaries]),
    )  # fmt: skip


def _filters():
    return {
        "organisation_id": request.args.get("organisation", type=int),
        "behind_only": request.args.get("behind") == "1",
        "sort": request.args.get("sort", "name") if request.args.get("sort") in services.SORTS
        else "name",
    }  # fmt: skip


# One matrix cell per status: a symbol, and the status in words for screen readers (text,
# not colour alone). Built once per language: 300 learners x 40 items is 12,000 cells a page.
_SYMBOLS = {"done": "✓", "behind": "!", "open": "·", "not open": ""}
_CELLS: dict[tuple[str, str], Markup] = {}


def _cell(locale: str, status: str) -> Markup:
    """The cell for `status` in the current request's language (`locale` is its cache key)."""
    cell = _CELLS.get((locale, status))
    if cell is None:
        # The class is a fixed key; the label is escaped: safe to mark as HTML.
        cell = _CELLS[locale, status] = Markup(  # noqa: S704
            f'<td class="{status.replace(" ", "-")}">{_SYMBOLS[status]}'
            f'<span class="visually-hidden"> {escape(str(STATUS_LABELS[status]))}</span></td>'
        )
    return cell


def matrix_cells(statuses: list[str]) -> Markup:
    locale = str(get_locale())
    return Markup("").join(_cell(locale, status) for status in statuses)


@bp.route("/cohorts/<slug>/progress")
@access("login")
def dashboard(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    filters = _filters()
    data = services.cohort_progress(cohort, **filters)
    # Our own SVG with every label escaped by learning.charts.
    chart = Markup(completion_chart(data.module_chart, _("Learners who completed each module")))  # noqa: S704
    return render_template("progress/dashboard.html", cohort=cohort, data=data, chart=chart,
                           filters=filters, matrix_cells=matrix_cells)  # fmt: skip


@bp.route("/cohorts/<slug>/progress.csv")
@access("login")
def dashboard_csv(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    data = services.cohort_progress(cohort, **_filters())
    header = ["name", "email", "organisation", "role", "percent", "behind", "last activity"]
    header += [item.title for item in data.plan.items]
    rows = [
        [r.membership.user.display_name, r.membership.user.email,
         r.membership.user.organisation.name if r.membership.user.organisation else "",
         r.membership.role, r.percent, len(r.behind),
         r.facts.last_activity.isoformat() if r.facts.last_activity else "", *r.statuses]
        for r in data.rows
    ]  # fmt: skip
    audit.record(current_user, "progress.export", cohort, cohort_id=cohort.id)
    db.session.commit()
    return Response(
        csv_response_text(header, rows).encode("utf-8"), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{cohort.slug}-progress.csv"'},
    )  # fmt: skip


@bp.route("/cohorts/<slug>/progress/<int:user_id>")
@access("login")
def learner(slug: str, user_id: int):
    cohort = cohort_or_404(slug)
    membership = next((m for m in cohorts.members(cohort) if m.user_id == user_id), None)
    if membership is None or not permissions.can_view_progress_of(
        current_user, cohort, membership.user, membership.role
    ):
        abort(404)
    data = services.cohort_progress(cohort, learner_ids={user_id})
    if not data.rows:
        abort(404)
    if permissions.cohort_role(current_user, cohort) == "contact" and user_id != current_user.id:
        audit.record(current_user, "progress.view", membership.user, cohort_id=cohort.id)
        db.session.commit()
    return render_template("progress/learner.html", cohort=cohort, row=data.rows[0],
                           items=data.plan.items)  # fmt: skip


@bp.route("/organisation/progress")
@access("login")
def organisation():
    if not permissions.can_view_organisation_report(current_user):
        abort(404)
    report = services.organisation_report(current_user.organisation_id)
    audit.record(current_user, "organisation.progress.view", current_user.organisation)
    db.session.commit()
    return render_template("progress/organisation.html", report=report,
                           organisation=current_user.organisation)  # fmt: skip


# --- Certificates --------------------------------------------------------------------------


def _own_certificate(slug: str):
    cohort = cohort_or_404(slug)
    certificate = services.certificate_for(current_user, cohort)
    if certificate is None:
        abort(404)
    return certificate


@bp.route("/cohorts/<slug>/certificate")
@access("login")
def certificate(slug: str):
    found = _own_certificate(slug)
    return render_template(
        "progress/certificate.html",
        certificate=found,
        verify_url=url_for("progress.verify", code=found.code, _external=True),
    )


@bp.route("/cohorts/<slug>/certificate.pdf")
@access("login")
def certificate_download(slug: str):
    found = _own_certificate(slug)
    pdf = certificate_pdf(found, url_for("progress.verify", code=found.code, _external=True))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{found.code}.pdf"'},
    )


@bp.route("/certificates/<code>")
@access("public")
def verify(code: str):
    found = services.get_certificate(code)
    if found is None:
        return render_template("progress/verify.html", certificate=None, code=code[:40]), 404
    return render_template("progress/verify.html", certificate=found, code=found.code)


@bp.route("/certificates/<code>/revoke", methods=["POST"])
@access("admin")
def revoke(code: str):
    found = services.get_certificate(code)
    if found is None:
        abort(404)
    services.revoke_certificate(current_user, found, request.form.get("reason", ""))
    db.session.commit()
    flash(_("The certificate is revoked. Its page now says so."), "success")
    return redirect(url_for("progress.verify", code=found.code))
