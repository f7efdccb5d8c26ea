"""Course operations: syncing the Markdown tree into the database, and reading courses back."""

import hashlib
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from learning.courses import loader
from learning.courses.models import (
    Course,
    CourseAsset,
    Lesson,
    LessonTranslation,
    Module,
    Quiz,
)
from learning.courses.validate import check
from learning.db import db, utcnow
from learning.markup import RENDERER_VERSION, render_inline, render_markdown

# --- Sync ----------------------------------------------------------------------------------


@dataclass
class SyncReport:
    """What a sync did (or, in a dry run, would do), by stable id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    unchanged: int = 0
    rendered: int = 0
    rejected: dict[str, list[loader.Problem]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.archived)


def load_courses(root: Path) -> tuple[list[loader.Course], list[loader.Problem]]:
    """The tree's courses and every problem (errors and rubric warnings)."""
    return check(root)


def rejected_courses(
    courses: Iterable[loader.Course], problems: Iterable[loader.Problem]
) -> dict[str, list[loader.Problem]]:
    """Courses with at least one error: they are not synced at all."""
    errors: dict[str, list[loader.Problem]] = {}
    for problem in problems:
        if problem.severity == "error" and problem.course:
            errors.setdefault(problem.course, []).append(problem)
    return errors


def asset_url(course_slug: str, asset: loader.Asset | CourseAsset) -> str:
    return f"/course-assets/{course_slug}/{asset.sha256[:12]}/{asset.path}"


def lesson_link(stable_id: str) -> str:
    """A context-free link to a lesson: the view sends the reader to where they read it."""
    return f"/lessons/{stable_id}"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _url_resolver(
    course: loader.Course, file_path: str, lesson_ids: dict[str, str]
) -> Callable[[str], str | None]:
    """Map a relative URL written in `file_path` to the URL the app serves it at;
    `lesson_ids` maps lesson file paths to stable ids (built once per course)."""
    base = posixpath.dirname(file_path)

    def resolve(url: str) -> str | None:
        path = loader.link_path(url)
        if path is None:
            return None
        path, _, anchor = path.partition("#")
        target = posixpath.normpath(posixpath.join(base, path))
        in_course = posixpath.relpath(target, course.path)
        if in_course in course.assets:
            return asset_url(course.slug, course.assets[in_course])
        if target in lesson_ids:
            return lesson_link(lesson_ids[target]) + (f"#{anchor}" if anchor else "")
        return None

    return resolve


def _apply(row: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class _CourseSync:
    """Upserts one course by stable id; never commits (the caller does, once per course)."""

    def __init__(self, course: loader.Course, root: Path, report: SyncReport) -> None:
        self.course = course
        self.course_root = root / course.path
        self.report = report
        self.lesson_ids = {
            lesson.path: lesson.id for module in course.modules for lesson in module.lessons
        }
        assets = sorted((a.path, a.sha256) for a in course.assets.values())
        self.asset_key = _fingerprint(RENDERER_VERSION, *(f"{p}:{h}" for p, h in assets))

    def render_key(self, source_hash: str) -> str:
        # Re-render when the file, the renderer or any image URL changed.
        return _fingerprint(source_hash, self.asset_key)

    def render(self, text: str, path: str) -> str:
        self.report.rendered += 1
        return render_markdown(text, "course", _url_resolver(self.course, path, self.lesson_ids))

    def note(self, stable_id: str, is_new: bool, changed: bool) -> None:
        if is_new:
            self.report.added.append(stable_id)
        elif changed:
            self.report.updated.append(stable_id)
        else:
            self.report.unchanged += 1

    def run(self) -> None:
        source = self.course
        row = db.session.scalar(select(Course).where(Course.slug == source.slug))
        is_new = row is None
        if is_new:
            row = Course(slug=source.slug)
            db.session.add(row)
        key = self.render_key(source.source_hash)
        values = {
            "title": source.title,
            "summary": source.summary,
            "language": source.language,
            "audience": list(source.audience),
            "phase": source.phase,
            "version": source.version,
            "estimated_hours": source.estimated_hours,
            "self_assessment": self.self_assessment(),
            "archived_at": None,
        }
        changed = _apply(row, values)
        if row.source_hash != key:
            row.overview_html = self.render(source.body, f"{source.path}/course.md")
            row.source_hash = key
            row.renderer_version = RENDERER_VERSION
            changed = True
        if changed:
            row.synced_at = utcnow()
        db.session.flush()
        self.note(source.slug, is_new, changed)
        before = (len(self.report.added), len(self.report.updated), len(self.report.archived))
        self.sync_assets(row)
        self.sync_modules(row)
        after = (len(self.report.added), len(self.report.updated), len(self.report.archived))
        if after != before:
            # Anything in the course changed: readers' cached outlines must be rebuilt.
            row.synced_at = utcnow()

    def self_assessment(self) -> dict[str, Any] | None:
        form = self.course.self_assessment
        if form is None:
            return None
        return {
            "id": form.id,
            "title": form.title,
            "when": list(form.when),
            "scale": list(form.scale),
            "items": [{"id": i.id, "statement": i.statement, "type": i.type} for i in form.items],
            "intro_html": render_markdown(form.body, "course"),
        }

    def sync_assets(self, course_row: Course) -> None:
        existing = {
            a.path: a
            for a in db.session.scalars(
                select(CourseAsset).where(CourseAsset.course_id == course_row.id)
            )
        }
        for path, asset in self.course.assets.items():
            row = existing.pop(path, None)
            if row is not None and row.sha256 == asset.sha256 and row.archived_at is None:
                continue
            content = (self.course_root / path).read_bytes()
            if row is None:
                db.session.add(
                    CourseAsset(
                        course_id=course_row.id, path=path, sha256=asset.sha256,
                        size=asset.size, content=content,
                    )
                )  # fmt: skip
            else:
                _apply(row, {"sha256": asset.sha256, "size": asset.size, "content": content,
                             "archived_at": None})  # fmt: skip
        for row in existing.values():
            if row.archived_at is None:
                row.archived_at = utcnow()

    def sync_modules(self, course_row: Course) -> None:
        modules = {
            m.stable_id: m
            for m in db.session.scalars(select(Module).where(Module.course_id == course_row.id))
        }
        lessons = {
            lesson.stable_id: lesson
            for lesson in db.session.scalars(
                select(Lesson).where(Lesson.course_id == course_row.id)
            )
        }
        quizzes = {
            q.stable_id: q
            for q in db.session.scalars(
                select(Quiz).join(Module).where(Module.course_id == course_row.id)
            )
        }
        present = set()
        for source in self.course.modules:
            module_row = modules.get(source.id) or self.moved(Module, source.id)
            is_new = module_row is None
            if is_new:
                module_row = Module(stable_id=source.id)
                db.session.add(module_row)
            key = self.render_key(source.source_hash)
            changed = _apply(
                module_row,
                {
                    "course_id": course_row.id,
                    "slug": source.slug,
                    "position": source.position,
                    "title": source.title,
                    "summary": source.summary,
                    "archived_at": None,
                },
            )
            if module_row.source_hash != key:
                module_row.intro_html = self.render(source.body, f"{source.path}/module.md")
                module_row.source_hash = key
                module_row.renderer_version = RENDERER_VERSION
                changed = True
            db.session.flush()
            self.note(source.id, is_new, changed)
            present.add(source.id)
            for lesson in source.lessons:
                self.sync_lesson(lesson, module_row, lessons)
                present.add(lesson.id)
            if source.quiz is not None:
                self.sync_quiz(source.quiz, module_row, quizzes)
                present.add(source.quiz.id)
        gone = [*modules.values(), *lessons.values(), *quizzes.values()]
        for row in gone:
            if row.stable_id not in present and row.archived_at is None:
                row.archived_at = utcnow()
                self.report.archived.append(row.stable_id)

    def moved(self, model, stable_id: str):
        """A row that another course held under this id: it moves here."""
        return db.session.scalar(select(model).where(model.stable_id == stable_id))

    def sync_lesson(self, source: loader.Lesson, module_row: Module, existing: dict) -> None:
        row = existing.get(source.id) or self.moved(Lesson, source.id)
        is_new = row is None
        if is_new:
            row = Lesson(stable_id=source.id)
            db.session.add(row)
        changed = _apply(
            row,
            {
                "course_id": module_row.course_id,
                "module_id": module_row.id,
                "slug": source.slug,
                "position": source.position,
                "title": source.title,
                "minutes": source.minutes,
                "outcomes": list(source.outcomes),
                "reflection": source.reflection,
                "reflection_mode": source.reflection_mode,
                "task": source.task,
                "archived_at": None,
            },
        )
        key = self.render_key(source.source_hash + "".join(
            f"{t.lang}:{t.path}:{t.is_stale}" for t in source.translations.values()
        ))  # fmt: skip
        if row.source_hash != key:
            row.source = source.body
            row.html = self.render(source.body, source.path)
            row.source_hash = key
            row.renderer_version = RENDERER_VERSION
            self.sync_translations(source, row)
            changed = True
        db.session.flush()
        self.note(source.id, is_new, changed)

    def sync_translations(self, source: loader.Lesson, row: Lesson) -> None:
        current = {t.language: t for t in row.translations}
        for lang, translation in source.translations.items():
            outcomes = translation.front_matter.get("outcomes") or list(source.outcomes)
            values = {
                "title": translation.title,
                "outcomes": list(outcomes),
                "html": self.render(translation.body, translation.path),
                "source_hash": translation.source_hash_recorded,
                "is_stale": translation.is_stale,
            }
            if lang in current:
                _apply(current.pop(lang), values)
            else:
                row.translations.append(LessonTranslation(language=lang, **values))
        for gone in current.values():
            row.translations.remove(gone)

    def sync_quiz(self, source: loader.Quiz, module_row: Module, existing: dict) -> None:
        row = existing.get(source.id) or self.moved(Quiz, source.id)
        is_new = row is None
        if is_new:
            row = Quiz(stable_id=source.id)
            db.session.add(row)
        changed = _apply(
            row,
            {
                "module_id": module_row.id,
                "title": source.title,
                "pass_mark": source.pass_mark,
                "max_attempts": source.max_attempts,
                "shuffle": source.shuffle,
                "scoring": source.scoring,
                "show_answers": source.show_answers,
                "archived_at": None,
            },
        )
        key = self.render_key(source.source_hash)
        if row.source_hash != key:
            row.intro_html = self.render(source.body, source.path) if source.body else ""
            row.questions = [quiz_question(question) for question in source.questions]
            row.source_hash = key
            row.renderer_version = RENDERER_VERSION
            changed = True
        db.session.flush()
        self.note(source.id, is_new, changed)


def quiz_question(question: loader.Question) -> dict[str, Any]:
    """One question as stored (and snapshotted by attempts): source text and rendered HTML."""
    return {
        "key": question.key,
        "title": question.title,
        "stem_html": render_markdown(question.stem, "course"),
        "kind": question.kind,
        "options": [
            {
                "key": str(number),
                "text": option.text,
                "html": render_inline(option.text),
                "is_correct": option.is_correct,
                "feedback_html": render_markdown(option.feedback, "course"),
            }
            for number, option in enumerate(question.options, start=1)
        ],
        "answers": list(question.answers),
        "feedback_html": render_markdown(question.feedback, "course") if question.feedback else "",
    }


def sync_course(course: loader.Course, root: Path, report: SyncReport) -> None:
    """Upsert one valid course into the session (flushes, never commits)."""
    _CourseSync(course, root, report).run()


def archive_missing_courses(present: set[str], report: SyncReport) -> None:
    """Courses whose folder is gone are archived with their modules and lessons."""
    for course in db.session.scalars(select(Course).where(Course.archived_at.is_(None))):
        if course.slug in present:
            continue
        now = utcnow()
        course.archived_at = now
        report.archived.append(course.slug)
        for model in (Module, Lesson):
            for row in db.session.scalars(
                select(model).where(model.course_id == course.id, model.archived_at.is_(None))
            ):
                row.archived_at = now
                report.archived.append(row.stable_id)


# --- Reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutlineEntry:
    """A lesson in the course outline: enough for tables of contents and previous/next."""

    id: int
    title: str
    minutes: int
    outcomes: list[str]
    module_id: int
    module_title: str
    module_position: int


@dataclass(frozen=True)
class LessonPage:
    course: Course
    lesson: Lesson
    module_title: str
    title: str
    outcomes: list[str]
    html: str
    language: str
    languages: list[str]
    is_stale_translation: bool
    module_lessons: list[OutlineEntry]
    previous: OutlineEntry | None
    next: OutlineEntry | None


def list_courses() -> list[tuple[Course, int, int]]:
    """Live courses with their number of modules and lessons."""
    lesson_counts = (
        select(Lesson.course_id, db.func.count(Lesson.id).label("n"))
        .where(Lesson.archived_at.is_(None))
        .group_by(Lesson.course_id)
        .subquery()
    )
    module_counts = (
        select(Module.course_id, db.func.count(Module.id).label("n"))
        .where(Module.archived_at.is_(None))
        .group_by(Module.course_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Course, module_counts.c.n, lesson_counts.c.n)
        .outerjoin(module_counts, module_counts.c.course_id == Course.id)
        .outerjoin(lesson_counts, lesson_counts.c.course_id == Course.id)
        .where(Course.archived_at.is_(None))
        .order_by(Course.title)
    ).all()
    return [(course, modules or 0, lessons or 0) for course, modules, lessons in rows]


def get_course(slug: str) -> Course | None:
    return db.session.scalar(
        select(Course).where(Course.slug == slug, Course.archived_at.is_(None))
    )


# Outlines change only when a sync changes the course, which moves course.synced_at; each
# worker keeps the latest outline per course and rebuilds it when that stamp moves.
_outlines: dict[int, tuple[datetime, list[OutlineEntry]]] = {}


def course_outline(course: Course) -> list[OutlineEntry]:
    """Every live lesson of the course in reading order (one query, then cached)."""
    cached = _outlines.get(course.id)
    if cached is not None and cached[0] == course.synced_at:
        return cached[1]
    outline = _load_outline(course)
    _outlines[course.id] = (course.synced_at, outline)
    return outline


def _load_outline(course: Course) -> list[OutlineEntry]:
    rows = db.session.execute(
        select(
            Lesson.id,
            Lesson.title,
            Lesson.minutes,
            Lesson.outcomes,
            Module.id,
            Module.title,
            Module.position,
        )
        .join(Module, Lesson.module_id == Module.id)
        .where(
            Lesson.course_id == course.id,
            Lesson.archived_at.is_(None),
            Module.archived_at.is_(None),
        )
        .order_by(Module.position, Lesson.position)
    ).all()
    return [OutlineEntry(*row) for row in rows]


def live_modules(course: Course) -> list[Module]:
    return list(
        db.session.scalars(
            select(Module)
            .where(Module.course_id == course.id, Module.archived_at.is_(None))
            .order_by(Module.position)
        )
    )


def get_lesson(course: Course, lesson_id: int) -> Lesson | None:
    return db.session.scalar(
        select(Lesson).where(
            Lesson.id == lesson_id, Lesson.course_id == course.id, Lesson.archived_at.is_(None)
        )
    )


def find_lesson_by_stable_id(stable_id: str) -> Lesson | None:
    return db.session.scalar(
        select(Lesson).where(Lesson.stable_id == stable_id, Lesson.archived_at.is_(None))
    )


def choose_language(requested: str | None, preferred: str, available: list[str], default: str):
    """The asked-for language if there is one, else the reader's own, else the course's."""
    for language in (requested, preferred):
        if language in available:
            return language
    return default


def lesson_page(
    course: Course, lesson: Lesson, outline: list[OutlineEntry], requested: str | None,
    preferred: str,
) -> LessonPage:  # fmt: skip
    translations = {
        t.language: t
        for t in db.session.scalars(
            select(LessonTranslation).where(LessonTranslation.lesson_id == lesson.id)
        )
    }
    languages = [course.language, *sorted(translations)]
    language = choose_language(requested, preferred, languages, course.language)
    translation = translations.get(language)
    position = next(i for i, entry in enumerate(outline) if entry.id == lesson.id)
    here = outline[position]
    return LessonPage(
        course=course,
        lesson=lesson,
        module_title=here.module_title,
        title=translation.title if translation else lesson.title,
        outcomes=translation.outcomes if translation else lesson.outcomes,
        html=translation.html if translation else lesson.html,
        language=language,
        languages=languages,
        is_stale_translation=bool(translation and translation.is_stale),
        module_lessons=[entry for entry in outline if entry.module_id == here.module_id],
        previous=outline[position - 1] if position > 0 else None,
        next=outline[position + 1] if position + 1 < len(outline) else None,
    )


def get_asset(course_slug: str, sha_prefix: str, path: str) -> CourseAsset | None:
    asset = db.session.scalar(
        select(CourseAsset)
        .join(Course, CourseAsset.course_id == Course.id)
        .where(
            Course.slug == course_slug,
            CourseAsset.path == path,
            CourseAsset.archived_at.is_(None),
        )
    )
    if asset is None or not asset.sha256.startswith(sha_prefix) or len(sha_prefix) < 12:
        return None
    return asset
