"""Cohort pages: the cohort list and home, lessons in cohort context, facilitator pages
(settings, schedule, live sessions, members, invitations, join link), joining, calendar."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learning import permissions
from learning.accounts.forms import timezone_choices
from learning.accounts.views import sign_in
from learning.cohorts import services
from learning.cohorts.forms import (
    ActionForm,
    CohortForm,
    CsvConfirmForm,
    CsvUploadForm,
    InviteForm,
    LinkForm,
    LinkSignUpForm,
    LiveSessionForm,
    SignUpForm,
    StatusForm,
    choices,
)
from learning.cohorts.invitations_csv import parse_invitation_csv
from learning.cohorts.lookups import cohort_or_404, open_module_or_404
from learning.cohorts.models import COHORT_STATUS_LABELS, ROLE_LABELS
from learning.courses import services as courses
from learning.db import db, utcnow
from learning.discussions import services as discussions
from learning.errors import DomainError
from learning.extensions import limiter
from learning.permissions import access
from learning.progress import services as progress
from learning.quizzes import services as quizzes

bp = Blueprint("cohorts", __name__)


def _organisation_choices(blank: str):
    return choices([(0, blank)] + [(o.id, str(o)) for o in services.all_organisations()])


# --- Learners and everyone in a cohort -----------------------------------------------------


@bp.route("/cohorts/")
@access("login")
def index():
    return render_template(
        "cohorts/index.html",
        memberships=services.cohorts_of(current_user),
        all_cohorts=services.all_cohorts() if permissions.is_admin(current_user) else [],
    )


@bp.route("/cohorts/<slug>/")
@access("login")
def home(slug: str):
    cohort = cohort_or_404(slug)
    plan = services.schedule(cohort)
    first_lessons: dict[int, int] = {}
    for entry in courses.course_outline(cohort.course):
        first_lessons.setdefault(entry.module_id, entry.id)
    return render_template(
        "cohorts/home.html",
        cohort=cohort,
        plan=plan,
        now=utcnow(),
        sessions=services.live_sessions(cohort),
        members=services.members(cohort),
        first_lessons=first_lessons,
        next_lesson=services.next_lesson(plan, first_lessons),
        announcements=discussions.announcements_for(cohort),
        module_quizzes=quizzes.quizzes_by_module(cohort.course_id),
        certificate=progress.certificate_for(current_user, cohort),
    )


@bp.route("/cohorts/<slug>/lessons/<int:lesson_id>")
@access("login")
def lesson(slug: str, lesson_id: int):
    cohort = cohort_or_404(slug)
    found = courses.get_lesson(cohort.course, lesson_id)
    if found is None:
        abort(404)
    plan = services.schedule(cohort)
    readable = {e.module.id for e in plan
                if permissions.can_view_module(current_user, cohort, e.opens_at)}  # fmt: skip
    if found.module_id not in readable:
        abort(404)
    outline = [e for e in courses.course_outline(cohort.course) if e.module_id in readable]
    page = courses.lesson_page(
        cohort.course, found, outline, request.args.get("lang"), current_user.language
    )
    learner = permissions.has_own_progress(current_user, cohort)
    return render_template(
        "cohorts/lesson.html",
        cohort=cohort,
        page=page,
        lesson_url=lambda e: url_for("cohorts.lesson", slug=slug, lesson_id=e.id),
        language_url=lambda lang: url_for("cohorts.lesson", slug=slug, lesson_id=lesson_id,
                                          lang=lang),
        back_url=url_for("cohorts.home", slug=slug),
        back_label=cohort.name,
        reflection=discussions.reflection_context(current_user, cohort, found),
        is_learner=learner,
        is_complete=learner and progress.is_lesson_complete(current_user, cohort, found),
        task_history=quizzes.task_history(current_user, cohort, found)
        if learner and found.task else [],
        module_quiz=quizzes.quizzes_by_module(cohort.course_id).get(found.module_id)
        if page.next is None or page.next.module_id != found.module_id else None,
    )  # fmt: skip


@bp.route("/cohorts/<slug>/lessons/<int:lesson_id>/complete", methods=["POST"])
@access("login")
def complete_lesson(slug: str, lesson_id: int):
    cohort = cohort_or_404(slug)
    found = courses.get_lesson(cohort.course, lesson_id)
    open_module_or_404(cohort, found.module_id if found else None)
    if not permissions.has_own_progress(current_user, cohort):
        abort(404)
    if not permissions.can_take_part(current_user, cohort):
        flash(_("This cohort is archived: progress can no longer change."), "error")
        return redirect(url_for("cohorts.lesson", slug=slug, lesson_id=lesson_id))
    progress.mark_complete(current_user, cohort, found)
    certificate = progress.award_if_complete(current_user, cohort)
    db.session.commit()
    if certificate is not None and request.form.get("certificate_seen") != "1":
        flash(_("You have completed the course. Your certificate is ready."), "success")
    else:
        flash(_("Marked as complete."), "success")
    outline = courses.course_outline(cohort.course)
    position = next((i for i, e in enumerate(outline) if e.id == found.id), None)
    following = (
        outline[position + 1] if position is not None and position + 1 < len(outline) else None
    )
    if following is not None and following.module_id == found.module_id:
        return redirect(url_for("cohorts.lesson", slug=slug, lesson_id=following.id))
    return redirect(url_for("cohorts.lesson", slug=slug, lesson_id=lesson_id))


@bp.route("/cohorts/<slug>/members")
@access("login")
def members(slug: str):
    cohort = cohort_or_404(slug)
    manage = permissions.can_manage_cohort(current_user, cohort)
    return render_template(
        "cohorts/members.html",
        cohort=cohort,
        members=services.members(cohort),
        invitations=services.invitations(cohort) if manage else [],
        manage=manage,
        show_emails=permissions.can_see_member_emails(current_user, cohort),
        status_form=StatusForm(),
    )


# --- Facilitators: creating and running a cohort -------------------------------------------


def _fill_cohort_form(form: CohortForm) -> None:
    form.course.choices = choices((c.id, c.title) for c in services.live_courses())
    form.timezone.choices = timezone_choices()
    form.partnerships.choices = choices((p.id, p.name) for p in services.all_partnerships())


def _chosen_partnerships(form: CohortForm):
    chosen = set(form.partnerships.data or [])
    return [p for p in services.all_partnerships() if p.id in chosen]


@bp.route("/cohorts/new", methods=["GET", "POST"])
@access("staff")
def create():
    form = CohortForm(timezone=current_user.timezone)
    _fill_cohort_form(form)
    if form.validate_on_submit():
        course = next(c for c in services.live_courses() if c.id == form.course.data)
        try:
            cohort = services.create_cohort(
                current_user, name=form.name.data, course=course, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, timezone=form.timezone.data,
                description=form.description.data or "", partnerships=_chosen_partnerships(form),
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The cohort is created, with a default schedule you can change."), "success")
            return redirect(url_for("cohorts.schedule", slug=cohort.slug))
    return render_template("cohorts/form.html", form=form, cohort=None), 400 if form.errors else 200


@bp.route("/cohorts/<slug>/settings", methods=["GET", "POST"])
@access("login")
def settings(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    form = CohortForm(obj=cohort, course=cohort.course_id)
    _fill_cohort_form(form)
    if request.method == "GET":
        form.partnerships.data = [p.id for p in cohort.partnerships]
    form.course.render_kw = {"disabled": True}
    form.course.data = cohort.course_id
    if form.validate_on_submit():
        try:
            services.update_cohort(
                current_user, cohort, name=form.name.data, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, timezone=form.timezone.data,
                description=form.description.data or "", partnerships=_chosen_partnerships(form),
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The cohort is saved."), "success")
            return redirect(url_for("cohorts.home", slug=slug))
    page = render_template("cohorts/form.html", form=form, cohort=cohort, status_form=StatusForm())
    return page, 400 if form.errors else 200


@bp.route("/cohorts/<slug>/status", methods=["POST"])
@access("login")
def set_status(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    form = StatusForm()
    if not form.validate_on_submit() or form.status.data not in ("draft", "active", "archived"):
        abort(400)
    services.set_status(current_user, cohort, form.status.data)
    db.session.commit()
    flash(
        _("The cohort is now %(status)s.", status=COHORT_STATUS_LABELS[form.status.data]), "success"
    )
    return redirect(url_for("cohorts.settings", slug=slug))


@bp.route("/cohorts/<slug>/schedule", methods=["GET", "POST"])
@access("login")
def schedule(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    plan = services.schedule(cohort)
    errors: list[str] = []
    if request.method == "POST":
        dates, errors = _read_schedule(plan)
        if not errors:
            try:
                services.update_schedule(current_user, cohort, dates)
            except DomainError as error:
                db.session.rollback()
                errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The schedule is saved."), "success")
                return redirect(url_for("cohorts.schedule", slug=slug))
    return _schedule_page(cohort, plan, errors=errors, session_form=LiveSessionForm())


def _schedule_page(cohort, plan, *, errors: list[str], session_form: LiveSessionForm):
    """The schedule page, with what went wrong in either of its two forms."""
    page = render_template(
        "cohorts/schedule.html", cohort=cohort, plan=plan, errors=errors, form=ActionForm(),
        session_form=session_form, sessions=services.live_sessions(cohort),
        local_date=services.local_date,
    )  # fmt: skip
    return page, 400 if errors or session_form.errors else 200


def _read_schedule(plan) -> tuple[dict, list[str]]:
    dates, errors = {}, []
    for entry in plan:
        raw_open = request.form.get(f"opens-{entry.module.id}", "")
        raw_due = request.form.get(f"due-{entry.module.id}", "")
        try:
            opens_on = date.fromisoformat(raw_open)
            due_on = date.fromisoformat(raw_due) if raw_due else None
        except ValueError:
            errors.append(_("%(module)s: enter dates as YYYY-MM-DD.", module=entry.module.title))
            continue
        if due_on is not None and due_on < opens_on:
            errors.append(
                _("%(module)s: the due date is before the opening date.", module=entry.module.title)
            )
        dates[entry.module.id] = (opens_on, due_on)
    return dates, errors


@bp.route("/cohorts/<slug>/sessions", methods=["POST"])
@access("login")
def add_session(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    form = LiveSessionForm()
    if form.validate_on_submit():
        try:
            services.add_live_session(
                current_user, cohort, title=form.title.data, local_start=form.starts_at.data,
                duration=form.duration.data, join_url=form.join_url.data or "",
                notes=form.notes.data or "",
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The live session is added."), "success")
            return redirect(url_for("cohorts.schedule", slug=slug) + "#sessions")
    return _schedule_page(cohort, services.schedule(cohort), errors=[], session_form=form)


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/delete", methods=["POST"])
@access("login")
def delete_session(slug: str, session_id: int):
    cohort = cohort_or_404(slug, manage=True)
    session = services.get_live_session(cohort, session_id)
    if session is None:
        abort(404)
    services.delete_live_session(current_user, cohort, session)
    db.session.commit()
    flash(_("The live session is deleted."), "success")
    return redirect(url_for("cohorts.schedule", slug=slug) + "#sessions")


@bp.route("/cohorts/<slug>/members/<int:membership_id>/role", methods=["POST"])
@access("login")
def change_role(slug: str, membership_id: int):
    cohort = cohort_or_404(slug, manage=True)
    membership = services.get_membership(cohort, membership_id)
    if membership is None:
        abort(404)
    try:
        services.change_role(current_user, membership, request.form.get("role", ""))
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            _("%(name)s is now %(role)s.", name=membership.user.display_name,
              role=ROLE_LABELS[membership.role]),
            "success",
        )  # fmt: skip
    return redirect(url_for("cohorts.members", slug=slug))


@bp.route("/cohorts/<slug>/members/<int:membership_id>/remove", methods=["POST"])
@access("login")
def remove_member(slug: str, membership_id: int):
    cohort = cohort_or_404(slug, manage=True)
    membership = services.get_membership(cohort, membership_id)
    if membership is None:
        abort(404)
    try:
        services.remove_member(current_user, membership)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            _("%(name)s is removed from the cohort.", name=membership.user.display_name), "success"
        )
    return redirect(url_for("cohorts.members", slug=slug))


# --- Invitations ---------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/invite", methods=["GET", "POST"])
@access("login")
def invite(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    form = InviteForm()
    form.organisation.choices = _organisation_choices(_("Let them choose"))
    if form.validate_on_submit():
        try:
            services.invite(
                current_user, cohort, email=form.email.data, name=form.name.data,
                role=form.role.data, organisation_id=form.organisation.data or None,
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("An invitation is on its way to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("cohorts.members", slug=slug))
    return render_template(
        "cohorts/invite.html", cohort=cohort, form=form, upload_form=CsvUploadForm()
    ), 400 if form.errors else 200


@bp.route("/cohorts/<slug>/invite/csv", methods=["POST"])
@access("login")
def invite_csv(slug: str):
    """Upload, then preview with an error per bad row; sending needs a second confirm."""
    cohort = cohort_or_404(slug, manage=True)
    upload, confirm = CsvUploadForm(), CsvConfirmForm()
    if "content" in request.form:
        if not confirm.validate_on_submit():
            abort(400)
        content = confirm.content.data.encode("utf-8")
    elif upload.validate_on_submit():
        content = upload.file.data.read()
    else:
        form = InviteForm()
        form.organisation.choices = _organisation_choices(_("Let them choose"))
        page = render_template("cohorts/invite.html", cohort=cohort, form=form,
                               upload_form=upload)  # fmt: skip
        return page, 400
    rows, errors = parse_invitation_csv(content, services.organisations_by_name())
    if "content" in request.form and not errors:
        try:
            services.invite_many(current_user, cohort, rows)
        except DomainError as error:
            db.session.rollback()
            errors = [str(error)]
        else:
            db.session.commit()
            flash(_("%(num)s invitations are on their way.", num=len(rows)), "success")
            return redirect(url_for("cohorts.members", slug=slug))
    confirm.content.data = content.decode("utf-8-sig", errors="replace")
    page = render_template(
        "cohorts/invite_preview.html", cohort=cohort, rows=rows, errors=errors, form=confirm
    )
    return page, 400 if errors else 200


@bp.route("/cohorts/<slug>/invitations/<int:invitation_id>/<action>", methods=["POST"])
@access("login")
def invitation_action(slug: str, invitation_id: int, action: str):
    cohort = cohort_or_404(slug, manage=True)
    invitation = services.get_invitation(cohort, invitation_id)
    if invitation is None or action not in ("resend", "revoke"):
        abort(404)
    try:
        if action == "resend":
            services.resend_invitation(current_user, invitation)
        else:
            services.revoke_invitation(current_user, invitation)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            _("Sent again.") if action == "resend" else _("The invitation is revoked."), "success"
        )
    return redirect(url_for("cohorts.members", slug=slug))


@bp.route("/cohorts/<slug>/link", methods=["GET", "POST"])
@access("login")
def join_link(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    link = services.get_link(cohort)
    form = LinkForm(
        max_uses=link.max_uses if link else None,
        expires_on=services.local_date(link.expires_at, cohort.timezone)
        if link and link.expires_at else None,
        is_enabled=link.is_enabled if link else True,
    )  # fmt: skip
    if form.validate_on_submit():
        link = services.save_link(
            current_user, cohort, max_uses=form.max_uses.data, expires_on=form.expires_on.data,
            is_enabled=form.is_enabled.data, rotate="rotate" in request.form,
        )  # fmt: skip
        db.session.commit()
        flash(_("A new link is made: the old one no longer works.") if "rotate" in request.form
              else _("The link settings are saved."), "success")  # fmt: skip
        return redirect(url_for("cohorts.join_link", slug=slug))
    return render_template(
        "cohorts/link.html", cohort=cohort, form=form, link=link,
        problem=services.link_problem(link) if link else None,
    ), 400 if form.errors else 200  # fmt: skip


# --- Joining -------------------------------------------------------------------------------


def _signup_form(form_class, organisation_preset: bool):
    form = form_class()
    form.set_choices()
    form.organisation.choices = _organisation_choices(_("Choose your organisation"))
    if organisation_preset:
        del form.organisation
    return form


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access("public")
@limiter.limit("30 per minute", methods=["POST"])
def accept_invitation(token: str):
    invitation = services.find_invitation(token)
    if invitation is None or invitation.status != "pending":
        status = invitation.status if invitation else "invalid"
        return render_template("cohorts/invitation_unusable.html", status=status), 410
    cohort = invitation.cohort
    if current_user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, current_user)
            except DomainError as error:
                db.session.rollback()
                flash(str(error), "error")
                return redirect(url_for("cohorts.accept_invitation", token=token))
            db.session.commit()
            flash(_("Welcome to %(name)s!", name=cohort.name), "success")
            return redirect(url_for("cohorts.home", slug=cohort.slug))
        return render_template("cohorts/invitation_accept.html", invitation=invitation,
                               form=ActionForm())  # fmt: skip
    from learning.accounts import services as accounts

    if accounts.get_user_by_email(invitation.email) is not None:
        login_url = url_for("accounts.login", next=request.path)
        return render_template("cohorts/invitation_login.html", invitation=invitation,
                               login_url=login_url)  # fmt: skip
    form = _signup_form(SignUpForm, invitation.organisation_id is not None)
    if request.method == "GET":
        form.display_name.data = invitation.name
        form.timezone.data = "UTC"
    if form.validate_on_submit():
        try:
            user = services.register_from_invitation(
                invitation, name=form.display_name.data, password=form.password.data,
                language=form.language.data, timezone=form.timezone.data,
                organisation_id=form.organisation.data if "organisation" in form else None,
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.display_name.errors.append(str(error))
        else:
            sign_in(user)
            db.session.commit()
            flash(_("Welcome to %(name)s!", name=cohort.name), "success")
            return redirect(url_for("cohorts.home", slug=cohort.slug))
    return render_template(
        "cohorts/signup.html", form=form, cohort=cohort, email=invitation.email
    ), 400 if form.errors else 200


@bp.route("/join/<token>", methods=["GET", "POST"])
@access("public")
@limiter.limit("30 per minute", methods=["POST"])
def join(token: str):
    link = services.find_link(token)
    problem = services.link_problem(link)
    if problem:
        return render_template("cohorts/link_unusable.html", problem=problem), 410
    cohort = link.cohort
    if current_user.is_authenticated:
        if request.method == "POST":
            try:
                services.join_by_link(link, current_user)
            except DomainError as error:
                db.session.rollback()
                return render_template("cohorts/link_unusable.html", problem=str(error)), 410
            db.session.commit()
            flash(_("Welcome to %(name)s!", name=cohort.name), "success")
            return redirect(url_for("cohorts.home", slug=cohort.slug))
        return render_template("cohorts/join.html", cohort=cohort, form=ActionForm())
    form = _signup_form(LinkSignUpForm, organisation_preset=False)
    if request.method == "GET":
        form.timezone.data = "UTC"
    if form.validate_on_submit():
        from learning.accounts import services as accounts

        try:
            user = accounts.create_user(
                form.email.data, form.display_name.data, form.password.data,
                language=form.language.data, timezone=form.timezone.data,
                organisation_id=form.organisation.data or None,
            )  # fmt: skip
            services.join_by_link(link, user)
        except DomainError as error:
            db.session.rollback()
            form.email.errors.append(
                _("%(error)s If you have an account, log in first.", error=error)
                if isinstance(error, accounts.EmailTaken) else str(error)
            )  # fmt: skip
        else:
            sign_in(user)
            db.session.commit()
            flash(_("Welcome to %(name)s!", name=cohort.name), "success")
            return redirect(url_for("cohorts.home", slug=cohort.slug))
    login_url = url_for("accounts.login", next=request.path)
    return render_template(
        "cohorts/signup.html", form=form, cohort=cohort, email=None, login_url=login_url
    ), 400 if form.errors else 200


# --- Calendar ------------------------------------------------------------------------------


@bp.route("/account/calendar", methods=["GET", "POST"])
@access("login")
def calendar_settings():
    form, url = ActionForm(), None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            services.revoke_calendar(current_user)
            db.session.commit()
            flash(_("Your calendar link no longer works."), "success")
            return redirect(url_for("cohorts.calendar_settings"))
        token = services.new_calendar_token(current_user)
        db.session.commit()
        url = url_for("cohorts.calendar_feed", token=token, _external=True)
    return render_template(
        "cohorts/calendar.html",
        form=form,
        url=url,
        has_calendar=services.has_calendar(current_user),
    )


@bp.route("/calendar/<token>.ics")
@access("public")
def calendar_feed(token: str):
    user = services.user_for_calendar_token(token)
    if user is None:
        abort(404)
    return Response(
        services.calendar_for(user),
        mimetype="text/calendar",
        headers={"Content-Disposition": "inline; filename=exchange-learning.ics",
                 "Cache-Control": "private, max-age=300"},
    )  # fmt: skip
