"""Discussion pages: a cohort's threads, a thread, posting and editing, reflections from the
lesson page, announcements, moderation, and the user's notifications."""

import sys
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from learning import permissions
from learning.cohorts import services as cohorts
from learning.cohorts.lookups import open_module_or_404
from learning.courses import services as courses
from learning.db import db
from learning.discussions import services
from learning.discussions.forms import (
    AnnouncementForm,
    EditForm,
    HideForm,
    ReflectionForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
)
from learning.errors import DomainError, render_error
from learning.extensions import limiter
from learning.http import is_safe_next
from learning.permissions import access

bp = Blueprint("discussions", __name__)

MAX_PAGE = 10_000


def _posting_rate() -> str:
    return current_app.config.get("RATELIMIT_POSTS", "10 per minute")


def _poster() -> str:
    return "poster:" + (current_user.get_id() or get_remote_address())


# One budget across every route that writes, per person: floods stop, nobody else is slowed.
posting_limit = limiter.shared_limit(
    _posting_rate, scope="discussion-posting", key_func=_poster, methods=["POST"]
)


# --- Loading -------------------------------------------------------------------------------


def _cohort_or_404(slug: str):
    cohort = cohorts.get_cohort(slug)
    if cohort is None or not permissions.can_read_discussion(current_user, cohort):
        abort(404)
    return cohort


def _thread_or_404(cohort, thread_id: int) -> services.ThreadState:
    state = services.get_thread(cohort, thread_id, current_user)
    if state is None:
        abort(404)
    lesson_id = state.thread.lesson_id
    if lesson_id is not None:
        # A reflection thread belongs to its lesson: closed while the module is not open.
        open_module_or_404(cohort, state.thread.lesson.module_id)
    return state


def _post_or_404(cohort, post_id: int):
    """A live post of this cohort that the user may see (post-first reflections included)."""
    post = services.get_post(cohort, post_id)
    if post is None or post.is_deleted:
        abort(404)
    mode = services.reflection_mode(post.thread)
    if mode == "post-first" and not permissions.can_see_reflections(
        current_user, cohort, mode, services.has_posted(current_user, post.thread)
    ):
        abort(404)
    return post


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


def _post_url(cohort, post) -> str:
    return services.post_path(cohort.slug, post.thread_id, post.position, post.id)


def _unread_count() -> int | None:
    """The header's unread count: one query per page, none for visitors and error pages."""
    if not current_user.is_authenticated or sys.exc_info()[0] is not None:
        return None
    if "_unread_notifications" not in g:
        g._unread_notifications = services.unread_notification_count(current_user)
    return g._unread_notifications


@bp.app_context_processor
def _header_context() -> dict:
    return {
        "unread_notifications": _unread_count,
        "post_path": services.post_path,
        "post_excerpt": services.excerpt,
    }


# --- Threads -------------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/discussion/")
@access("login")
def threads(slug: str):
    cohort = _cohort_or_404(slug)
    page = _page()
    items, has_next = services.list_threads(cohort, current_user, page)
    return render_template(
        "discussions/threads.html", cohort=cohort, items=items, page=page, has_next=has_next
    )


@bp.route("/cohorts/<slug>/discussion/new", methods=["GET", "POST"])
@access("login")
@posting_limit
def new_thread(slug: str):
    cohort = _cohort_or_404(slug)
    if not permissions.can_post(current_user, cohort):
        abort(404)
    form = ThreadForm()
    form.ensure_key()
    if form.validate_on_submit():
        try:
            post = services.start_thread(
                current_user, cohort, title=form.title.data, body=form.body.data,
                key=form.key.data,
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Your thread is started."), "success")
            return redirect(_post_url(cohort, post))
    page = render_template("discussions/new_thread.html", cohort=cohort, form=form)
    return page, 400 if form.errors else 200


def _thread_page(cohort, state, page: int, form: ReplyForm, status: int = 200):
    thread = state.thread
    mode = services.reflection_mode(thread)
    visible = permissions.can_see_reflections(current_user, cohort, mode, state.has_posted)
    posts = services.thread_posts(thread, page) if visible else None
    if posts:
        services.refresh_rendering(posts)
        services.mark_thread_read(current_user, state, posts[-1].position)
        if _unread_count():  # the notices about the posts just seen are read
            g._unread_notifications -= services.mark_notifications_read(
                current_user, thread=thread, up_to=posts[-1].position
            )
    replying_to = next((p for p in posts or [] if str(p.id) == form.reply_to.data), None)
    body = render_template(
        "discussions/thread.html", cohort=cohort, state=state, thread=thread, posts=posts,
        page=page, form=form, mode=mode, replying_to=replying_to,
        moderate=permissions.can_moderate(current_user, cohort),
    )  # fmt: skip
    # Committed after rendering: a commit expires every loaded post, and reading them
    # again would cost a query each.
    db.session.commit()
    return body, status


@bp.route("/cohorts/<slug>/discussion/<int:thread_id>")
@access("login")
def thread(slug: str, thread_id: int):
    cohort = _cohort_or_404(slug)
    state = _thread_or_404(cohort, thread_id)
    page = _page()
    if page > state.pages:
        abort(404)
    form = ReplyForm(reply_to=request.args.get("reply_to", ""))
    form.ensure_key()
    return _thread_page(cohort, state, page, form)


@bp.route("/cohorts/<slug>/discussion/<int:thread_id>/reply", methods=["POST"])
@access("login")
@posting_limit
def reply(slug: str, thread_id: int):
    cohort = _cohort_or_404(slug)
    state = _thread_or_404(cohort, thread_id)
    if not permissions.can_post(current_user, cohort):
        abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            post = services.reply(
                current_user, cohort, state.thread, form.body.data, key=form.key.data,
                reply_to_id=form.reply_to_id(),
                moderator=permissions.can_moderate(current_user, cohort),
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Your reply is posted."), "success")
            return redirect(_post_url(cohort, post))
    form.ensure_key()
    return _thread_page(cohort, state, state.pages, form, 400)


@bp.route("/cohorts/<slug>/discussion/<int:thread_id>/pin", methods=["POST"])
@access("login")
def pin(slug: str, thread_id: int):
    cohort = _cohort_or_404(slug)
    state = _thread_or_404(cohort, thread_id)
    if not permissions.can_moderate(current_user, cohort):
        abort(404)
    services.set_pinned(current_user, state.thread, not state.thread.is_pinned)
    db.session.commit()
    flash(_("The thread is pinned.") if state.thread.is_pinned else _("The thread is unpinned."),
          "success")  # fmt: skip
    return redirect(url_for("discussions.thread", slug=slug, thread_id=thread_id))


@bp.route("/cohorts/<slug>/discussion/<int:thread_id>/lock", methods=["POST"])
@access("login")
def lock(slug: str, thread_id: int):
    cohort = _cohort_or_404(slug)
    state = _thread_or_404(cohort, thread_id)
    if not permissions.can_moderate(current_user, cohort):
        abort(404)
    services.set_locked(current_user, state.thread, not state.thread.is_locked)
    db.session.commit()
    flash(_("The thread is locked.") if state.thread.is_locked
          else _("The thread is open again."), "success")  # fmt: skip
    return redirect(url_for("discussions.thread", slug=slug, thread_id=thread_id))


# --- One's own posts -----------------------------------------------------------------------


@bp.route("/cohorts/<slug>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@access("login")
@posting_limit
def edit_post(slug: str, post_id: int):
    cohort = _cohort_or_404(slug)
    post = _post_or_404(cohort, post_id)
    if not (permissions.can_edit_post(current_user, post)
            and permissions.can_post(current_user, cohort)):  # fmt: skip
        abort(404)
    form = EditForm(data={"body": post.body} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = services.edit_post(
                current_user, cohort, post, form.body.data,
                moderator=permissions.can_moderate(current_user, cohort),
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Your post is saved.") if changed else _("Nothing changed."), "success")
            return redirect(_post_url(cohort, post))
    page = render_template("discussions/edit.html", cohort=cohort, post=post, form=form)
    return page, 400 if form.errors else 200


@bp.route("/cohorts/<slug>/posts/<int:post_id>/delete", methods=["GET", "POST"])
@access("login")
def delete_post(slug: str, post_id: int):
    cohort = _cohort_or_404(slug)
    post = _post_or_404(cohort, post_id)
    if not permissions.can_edit_post(current_user, post):
        abort(404)
    if request.method == "POST":
        services.delete_post(current_user, post)
        db.session.commit()
        flash(_("Your post is deleted."), "success")
        return redirect(_post_url(cohort, post))
    return render_template("discussions/delete.html", cohort=cohort, post=post)


@bp.route("/cohorts/<slug>/posts/<int:post_id>/history")
@access("login")
def history(slug: str, post_id: int):
    """Earlier versions of an edited post, for its author and the facilitators."""
    cohort = _cohort_or_404(slug)
    post = _post_or_404(cohort, post_id)
    if not permissions.can_see_post_history(current_user, cohort, post):
        abort(404)
    return render_template(
        "discussions/history.html", cohort=cohort, post=post, revisions=services.revisions(post)
    )


@bp.route("/cohorts/<slug>/posts/<int:post_id>/report", methods=["GET", "POST"])
@access("login")
@posting_limit
def report_post(slug: str, post_id: int):
    cohort = _cohort_or_404(slug)
    post = _post_or_404(cohort, post_id)
    if not permissions.can_report_post(current_user, cohort, post):
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report_post(current_user, cohort, post, form.reason.data, form.note.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Thank you: the facilitators will look at this post."), "success")
            return redirect(_post_url(cohort, post))
    page = render_template("discussions/report.html", cohort=cohort, post=post, form=form)
    return page, 400 if form.errors else 200


# --- Reflections from the lesson page ------------------------------------------------------


@bp.route("/cohorts/<slug>/lessons/<int:lesson_id>/reflection", methods=["POST"])
@access("login")
@posting_limit
def reflect(slug: str, lesson_id: int):
    cohort = _cohort_or_404(slug)
    lesson = courses.get_lesson(cohort.course, lesson_id)
    open_module_or_404(cohort, lesson.module_id if lesson else None)
    if not lesson.reflection or not permissions.can_post(current_user, cohort):
        abort(404)
    form = ReflectionForm()
    if form.validate_on_submit():
        try:
            services.reflect(
                current_user, cohort, lesson, form.body.data, key=form.key.data,
                reply_to_id=form.reply_to_id(),
                moderator=permissions.can_moderate(current_user, cohort),
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Your reflection is posted."), "success")
            return redirect(
                url_for("cohorts.lesson", slug=slug, lesson_id=lesson_id) + "#reflection"
            )
    form.ensure_key()
    page = render_template("discussions/reflect.html", cohort=cohort, lesson=lesson, form=form)
    return page, 400


# --- Announcements -------------------------------------------------------------------------


@bp.route("/cohorts/<slug>/announcements/new", methods=["GET", "POST"])
@access("login")
@posting_limit
def new_announcement(slug: str):
    cohort = _cohort_or_404(slug)
    if not permissions.can_announce(current_user, cohort):
        abort(404)
    form = AnnouncementForm()
    form.ensure_key()
    if form.validate_on_submit():
        try:
            post = services.announce(
                current_user, cohort, title=form.title.data, body=form.body.data,
                key=form.key.data,
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The announcement is posted and on its way to the members."), "success")
            return redirect(_post_url(cohort, post))
    page = render_template("discussions/new_announcement.html", cohort=cohort, form=form)
    return page, 400 if form.errors else 200


# --- Moderation ----------------------------------------------------------------------------


def _moderated_post_or_404(slug: str, post_id: int):
    cohort = _cohort_or_404(slug)
    if not permissions.can_moderate(current_user, cohort):
        abort(404)
    return cohort, _post_or_404(cohort, post_id)


@bp.route("/cohorts/<slug>/moderation")
@access("login")
def moderation(slug: str):
    cohort = _cohort_or_404(slug)
    if not permissions.can_moderate(current_user, cohort):
        abort(404)
    queue = services.moderation_queue(cohort)
    hidden = services.hidden_posts(cohort)
    if _unread_count():
        g._unread_notifications -= services.mark_notifications_read(
            current_user, cohort_reports=cohort
        )
    page = render_template(
        "discussions/moderation.html", cohort=cohort, queue=queue, hidden=hidden,
        reason_labels=services.REASON_LABELS, post_url=_post_url,
    )  # fmt: skip
    db.session.commit()  # after rendering, as on the thread page
    return page


@bp.route("/cohorts/<slug>/posts/<int:post_id>/hide", methods=["GET", "POST"])
@access("login")
def hide_post(slug: str, post_id: int):
    cohort, post = _moderated_post_or_404(slug, post_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide_post(current_user, cohort, post, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The post is hidden. Its author sees your reason."), "success")
            return redirect(_post_url(cohort, post))
    page = render_template("discussions/hide.html", cohort=cohort, post=post, form=form)
    return page, 400 if form.errors else 200


@bp.route("/cohorts/<slug>/posts/<int:post_id>/unhide", methods=["POST"])
@access("login")
def unhide_post(slug: str, post_id: int):
    cohort, post = _moderated_post_or_404(slug, post_id)
    try:
        services.unhide_post(current_user, cohort, post)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The post is visible again."), "success")
    return redirect(_post_url(cohort, post))


@bp.route("/cohorts/<slug>/posts/<int:post_id>/dismiss-reports", methods=["POST"])
@access("login")
def dismiss_reports(slug: str, post_id: int):
    cohort, post = _moderated_post_or_404(slug, post_id)
    count = services.dismiss_reports(current_user, cohort, post)
    db.session.commit()
    flash(_("%(num)s report(s) dismissed; the post stays visible.", num=count), "success")
    return redirect(url_for("discussions.moderation", slug=slug))


# --- Notifications -------------------------------------------------------------------------


@bp.route("/notifications/")
@access("login")
def notifications():
    page = _page()
    items, has_next = services.notifications_for(current_user, page)
    return render_template(
        "discussions/notifications.html", items=items, page=page, has_next=has_next
    )


@bp.route("/notifications/read", methods=["POST"])
@access("login")
def mark_read():
    ids = [int(v) for v in request.form.getlist("id") if v.isdigit()]
    count = services.mark_notifications_read(current_user, ids=ids or None)
    db.session.commit()
    flash(_("%(num)s notification(s) marked as read.", num=count), "success")
    return redirect(url_for("discussions.notifications"))


# --- Forms that could not be accepted: give the text back ----------------------------------

TEXT_FIELDS = {
    "title": _l("Title"),
    "body": _l("Your text"),
    "note": _l("Note for the facilitators"),
}
PASSED_ON = ("key", "reply_to", "reason")


def _give_text_back(message: str, status: int):
    """Show what was typed in a fresh form (new CSRF token), ready to send again."""
    fields = {name: request.form.get(name, "") for name in TEXT_FIELDS if name in request.form}
    hidden = {name: request.form.get(name, "") for name in PASSED_ON if name in request.form}
    if request.endpoint == "discussions.hide_post" and "reason" in hidden:
        fields["reason"] = hidden.pop("reason")
    if request.method != "POST" or not fields:
        return render_error(status, message)
    referrer = urlsplit(request.referrer or "")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if referrer.netloc != request.host or not is_safe_next(back):
        back = "/"
    page = render_template(
        "discussions/resubmit.html", message=message, fields=fields, hidden=hidden,
        labels={**TEXT_FIELDS, "reason": _("Reason")}, action=request.path, back=back,
    )  # fmt: skip
    return page, status


@bp.errorhandler(CSRFError)
def form_expired(error):
    if current_user.is_authenticated:
        message = _("This form had expired, so nothing was saved. Your text is below: "
                    "check it and send it again.")  # fmt: skip
    else:
        message = _("You were signed out, so nothing was saved. Copy your text below, "
                    "log in again and post it.")  # fmt: skip
    return _give_text_back(message, 400)


@bp.errorhandler(429)
def posting_too_fast(error):
    body, status = _give_text_back(
        _(
            "You are posting very quickly, so this was not saved. Wait a minute, then send "
            "your text again: it is below."
        ),
        429,
    )[:2]
    return body, status, {"Retry-After": "60"}
