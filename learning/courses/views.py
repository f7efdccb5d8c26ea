"""Course pages: the catalogue and course overview for staff preview, the lesson reader,
and the course images."""

import mimetypes

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from learning import permissions
from learning.cohorts import services as cohorts
from learning.cohorts.lookups import open_module
from learning.courses import services
from learning.http import ONE_YEAR
from learning.permissions import access

bp = Blueprint("courses", __name__)


def _course_or_404(slug: str):
    course = services.get_course(slug)
    if course is None or not permissions.can_preview_course(current_user, course):
        abort(404)
    return course


@bp.route("/courses/")
@access("staff")
def catalogue():
    return render_template("courses/catalogue.html", courses=services.list_courses())


@bp.route("/courses/<slug>/")
@access("staff")
def overview(slug: str):
    course = _course_or_404(slug)
    outline = services.course_outline(course)
    return render_template(
        "courses/overview.html",
        course=course,
        modules=services.live_modules(course),
        outline=outline,
        lesson_url=lambda entry: url_for("courses.preview_lesson", slug=slug, lesson_id=entry.id),
    )


@bp.route("/courses/<slug>/lessons/<int:lesson_id>")
@access("staff")
def preview_lesson(slug: str, lesson_id: int):
    course = _course_or_404(slug)
    lesson = services.get_lesson(course, lesson_id)
    outline = services.course_outline(course)
    if lesson is None or lesson.id not in {entry.id for entry in outline}:
        abort(404)
    page = services.lesson_page(
        course, lesson, outline, request.args.get("lang"), current_user.language
    )
    return render_template(
        "courses/lesson.html",
        page=page,
        lesson_url=lambda entry: url_for("courses.preview_lesson", slug=slug, lesson_id=entry.id),
        language_url=lambda lang: url_for(
            "courses.preview_lesson", slug=slug, lesson_id=lesson_id, lang=lang
        ),
        back_url=url_for("courses.overview", slug=slug),
        back_label=course.title,
    )


@bp.route("/lessons/<path:stable_id>")
@access("login")
def go_to_lesson(stable_id: str):
    """Links between lessons are written by stable id; send readers to where they read it:
    their own cohort on that course when the lesson is open to them, else the staff preview."""
    lesson = services.find_lesson_by_stable_id(stable_id)
    if lesson is None:
        abort(404)
    for cohort, _membership in cohorts.cohorts_of(current_user):
        if cohort.course_id == lesson.course_id and open_module(cohort, lesson.module_id):
            return redirect(url_for("cohorts.lesson", slug=cohort.slug, lesson_id=lesson.id))
    if not permissions.can_preview_course(current_user, lesson.module.course):
        abort(404)
    return redirect(
        url_for("courses.preview_lesson", slug=lesson.module.course.slug, lesson_id=lesson.id)
    )


@bp.route("/course-assets/<slug>/<sha>/<path:path>")
@access("login")
def asset(slug: str, sha: str, path: str):
    found = services.get_asset(slug, sha, path)
    if found is None:
        abort(404)
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = Response(found.content, mimetype=mimetype)
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    # An SVG opened on its own must not run anything in our origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
