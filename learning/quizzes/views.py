"""Quiz, task and self-assessment pages, in cohort context."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from learning import permissions
from learning.charts import before_after_chart
from learning.cohorts.lookups import cohort_or_404, open_module_or_404
from learning.courses import services as courses
from learning.db import db
from learning.errors import DomainError
from learning.exports import csv_response_text
from learning.extensions import csrf
from learning.http import csrf_token_is_valid
from learning.permissions import access
from learning.progress import services as progress
from learning.quizzes import grading, services

bp = Blueprint("quizzes", __name__)


def _quiz(cohort, quiz_id: int):
    """The quiz, only when its module is open to this user."""
    quiz = services.get_quiz(cohort, quiz_id)
    if quiz is None:
        abort(404)
    open_module_or_404(cohort, quiz.module_id)
    return quiz


def _quiz_page(cohort, quiz, *, answers=None, message=None, status=200):
    attempts = services.attempts_of(current_user, cohort, quiz)
    can_answer = permissions.has_own_progress(current_user, cohort) and permissions.can_take_part(
        current_user, cohort
    )
    form = services.next_attempt(current_user, cohort, quiz, len(attempts)) if can_answer else None
    page = render_template(
        "quizzes/quiz.html",
        cohort=cohort,
        quiz=quiz,
        attempts=attempts,
        form=form,
        answers=answers or {},
        message=message,
        best=grading.best_attempt(a.percent for a in attempts),
        left=services.attempts_left(quiz, len(attempts)),
        can_answer=can_answer,
    )
    return page, status


# Answers carried through a new login, signed so that nobody can plant answers in a link.
_RESTORE = "quiz-answers"
_RESTORE_MAX_AGE = 60 * 60 * 24


def _answers_token() -> str:
    answers = {k: request.form.getlist(k) for k in request.form if k.startswith("q-")}
    return URLSafeTimedSerializer(current_app.secret_key, salt=_RESTORE).dumps(answers)


def _restored_answers(quiz) -> dict | None:
    token = request.args.get("restore")
    if not token:
        return None
    try:
        saved = URLSafeTimedSerializer(current_app.secret_key, salt=_RESTORE).loads(
            token, max_age=_RESTORE_MAX_AGE
        )
    except BadSignature:
        return None
    return services.read_responses(quiz, MultiDict([(k, v) for k, vs in saved.items() for v in vs]))


@bp.route("/cohorts/<slug>/quizzes/<int:quiz_id>")
@access("login")
def quiz(slug: str, quiz_id: int):
    cohort = cohort_or_404(slug)
    found = _quiz(cohort, quiz_id)
    restored = _restored_answers(found)
    if restored is None:
        return _quiz_page(cohort, found)
    return _quiz_page(
        cohort,
        found,
        answers=restored,
        message=_("You are logged in again and your answers are filled in: check them and submit."),
    )


@bp.route("/cohorts/<slug>/quizzes/<int:quiz_id>", methods=["POST"])
# Public so that a learner whose session ended keeps the answers: the view sends them to log
# in with the answers in a signed link, and checks everything else itself.
@access("public")
@csrf.exempt  # checked below, so an expired token brings the answers back instead of a 400
def submit(slug: str, quiz_id: int):
    if not current_user.is_authenticated:
        back = url_for("quizzes.quiz", slug=slug, quiz_id=quiz_id, restore=_answers_token())
        flash(_("Your session had ended. Log in again: your answers are kept."), "warning")
        return redirect(url_for("accounts.login", next=back))
    cohort = cohort_or_404(slug)
    quiz = _quiz(cohort, quiz_id)
    if not (permissions.has_own_progress(current_user, cohort)
            and permissions.can_take_part(current_user, cohort)):  # fmt: skip
        abort(404)
    answers = services.read_responses(quiz, request.form)
    if not csrf_token_is_valid():
        return _quiz_page(cohort, quiz, answers=answers, status=400, message=(
            _("Your page was open for a long time, so we could not save it safely. "
              "Your answers are still selected below: check them and submit again.")))  # fmt: skip
    try:
        number = int(request.form.get("number", ""))
        attempt, is_new = services.submit_attempt(
            current_user, cohort, quiz, number, request.form.get("version", ""), answers
        )
    except ValueError as error:  # InvalidResponse, or a number that is not a number
        db.session.rollback()
        message = (
            str(error)
            if isinstance(error, DomainError)
            else _("Some answers did not match this quiz. Nothing was saved; please answer again.")
        )
        return _quiz_page(cohort, quiz, answers=answers, message=message, status=400)
    except DomainError as error:
        db.session.rollback()
        return _quiz_page(cohort, quiz, answers=answers, message=str(error), status=400)
    if is_new:
        progress.award_if_complete(current_user, cohort)
    db.session.commit()
    return redirect(url_for("quizzes.attempt", slug=slug, quiz_id=quiz_id, attempt_id=attempt.id))


@bp.route("/cohorts/<slug>/quizzes/<int:quiz_id>/attempts/<int:attempt_id>")
@access("login")
def attempt(slug: str, quiz_id: int, attempt_id: int):
    cohort = cohort_or_404(slug)
    quiz = _quiz(cohort, quiz_id)
    found = services.get_attempt(current_user, cohort, quiz, attempt_id)
    if found is None:
        abort(404)
    show_feedback, reviews = services.review(found)
    taken = len(services.attempts_of(current_user, cohort, quiz))
    return render_template(
        "quizzes/attempt.html", cohort=cohort, quiz=quiz, attempt=found, reviews=reviews,
        show_feedback=show_feedback, left=services.attempts_left(quiz, taken),
    )  # fmt: skip


@bp.route("/cohorts/<slug>/quizzes/<int:quiz_id>/report")
@access("login")
def report(slug: str, quiz_id: int):
    cohort = cohort_or_404(slug, manage=True)
    quiz = _quiz(cohort, quiz_id)
    return render_template(
        "quizzes/report.html", cohort=cohort, quiz=quiz, report=services.quiz_report(cohort, quiz)
    )


@bp.route("/cohorts/<slug>/quizzes/<int:quiz_id>/report.csv")
@access("login")
def report_csv(slug: str, quiz_id: int):
    cohort = cohort_or_404(slug, manage=True)
    quiz = _quiz(cohort, quiz_id)
    data = services.quiz_report(cohort, quiz)
    rows = [
        [e["user"].display_name, a.number, a.percent, "yes" if a.passed else "no",
         a.submitted_at.isoformat() if a.submitted_at else ""]
        for e in data["learners"] for a in e["attempts"]
    ]  # fmt: skip
    items = [
        ["", "", "", "", "", i.title, i.responses, i.facility, i.discrimination, "; ".join(i.flags)]
        for i in data["items"]
    ]  # fmt: skip
    text = csv_response_text(
        ["learner", "attempt", "percent", "passed", "submitted", "question", "responses",
         "facility", "discrimination", "flags"],
        [*rows, *items],
    )  # fmt: skip
    return Response(
        text.encode("utf-8"), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{cohort.slug}-quiz-{quiz.id}.csv"'},
    )  # fmt: skip


# --- Tasks ---------------------------------------------------------------------------------


def _lesson(cohort, lesson_id: int):
    lesson = courses.get_lesson(cohort.course, lesson_id)
    if lesson is None:
        abort(404)
    open_module_or_404(cohort, lesson.module_id)
    return lesson


@bp.route("/cohorts/<slug>/lessons/<int:lesson_id>/task", methods=["POST"])
@access("login")
def submit_task(slug: str, lesson_id: int):
    cohort = cohort_or_404(slug)
    lesson = _lesson(cohort, lesson_id)
    if not lesson.task or not (permissions.has_own_progress(current_user, cohort)
                               and permissions.can_take_part(current_user, cohort)):  # fmt: skip
        abort(404)
    back = url_for("cohorts.lesson", slug=slug, lesson_id=lesson_id) + "#task"
    try:
        services.submit_task(current_user, cohort, lesson, request.form.get("body", ""))
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        # Keep what they wrote: the lesson page puts it back in the box.
        return redirect(back)
    db.session.commit()
    flash(_("Your task is sent. Your facilitator will review it."), "success")
    return redirect(back)


@bp.route("/cohorts/<slug>/tasks")
@access("login")
def tasks(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    return render_template(
        "quizzes/tasks.html", cohort=cohort, submissions=services.tasks_to_review(cohort)
    )


@bp.route("/cohorts/<slug>/tasks/<int:submission_id>/review", methods=["POST"])
@access("login")
def review_task(slug: str, submission_id: int):
    cohort = cohort_or_404(slug, manage=True)
    submission = services.get_submission(cohort, submission_id)
    if submission is None:
        abort(404)
    lesson = courses.get_lesson(cohort.course, submission.lesson_id)
    try:
        services.review_task(current_user, submission, request.form.get("decision", ""),
                             request.form.get("comment", ""), lesson, cohort)  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("quizzes.tasks", slug=slug))
    if submission.status == "accepted":
        progress.award_if_complete(submission.user, cohort)
    db.session.commit()
    flash(_("Your review is saved and the participant is told."), "success")
    return redirect(url_for("quizzes.tasks", slug=slug))


# --- Self-assessment -----------------------------------------------------------------------


@bp.route("/cohorts/<slug>/self-assessment/<moment>", methods=["GET", "POST"])
@access("login")
def self_assessment(slug: str, moment: str):
    cohort = cohort_or_404(slug)
    definition = cohort.course.self_assessment
    if not definition or moment not in definition["when"]:
        abort(404)
    can_answer = permissions.has_own_progress(current_user, cohort)
    if not can_answer:
        abort(404)
    error = None
    if request.method == "POST" and permissions.can_take_part(current_user, cohort):
        try:
            services.save_self_assessment(current_user, cohort, cohort.course, moment, request.form)
        except DomainError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            flash(_("Your answers are saved. Only you can see them."), "success")
            return redirect(url_for("quizzes.self_assessment", slug=slug, moment=moment))
    responses = services.self_assessment_responses(current_user, definition["id"])
    mine = next((r for r in responses if r.cohort_id == cohort.id and r.moment == moment), None)
    earlier = [r for r in responses if r is not mine and r.submitted_at <= (
        mine.submitted_at if mine else r.submitted_at)]  # fmt: skip
    chart = None
    if len(responses) >= 2:
        # The chart's text is escaped by learning.charts; it is SVG we made, not user HTML.
        chart = Markup(before_after_chart(  # noqa: S704
            services.before_and_after(responses, definition), definition["scale"],
            _("Your answers: the first time and the latest")))  # fmt: skip
    page = render_template(
        "quizzes/self_assessment.html", cohort=cohort, definition=definition, moment=moment,
        mine=mine, earlier=earlier[0] if earlier else None, chart=chart, error=error,
        form_values=request.form if error else (mine.answers if mine else {}),
    )  # fmt: skip
    return page, 400 if error else 200


@bp.route("/cohorts/<slug>/self-assessment-summary")
@access("login")
def self_assessment_summary(slug: str):
    cohort = cohort_or_404(slug, manage=True)
    return render_template(
        "quizzes/self_assessment_summary.html", cohort=cohort,
        summary=services.cohort_self_assessment_summary(cohort),
    )  # fmt: skip
