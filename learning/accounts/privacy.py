"""A person's own data: a full export, and erasure that keeps the cohort's discussions
readable with the author pseudonymised (GDPR articles 15, 17 and 20)."""

import secrets
from typing import Any

from sqlalchemy import delete, select, update
from werkzeug.security import generate_password_hash

from learning import audit
from learning.accounts.models import LoginSession, PasswordResetToken, User
from learning.cohorts.models import CalendarToken, Cohort, Invitation, Membership
from learning.courses.models import Lesson, Quiz
from learning.db import db, utcnow
from learning.discussions.models import Notification, Post, Report, Thread
from learning.progress.models import Certificate, LessonCompletion, ReminderSent
from learning.quizzes.models import QuizAttempt, SelfAssessmentResponse, TaskSubmission

ERASED_NAME = "Former member"


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about the user, as plain JSON-ready data."""
    rows = db.session.execute
    cohort_names = dict(rows(select(Cohort.id, Cohort.name)).all())
    return {
        "exported_at": utcnow().isoformat(),
        "profile": {
            "email": user.email,
            "name": user.display_name,
            "language": user.language,
            "time_zone": user.timezone,
            "organisation": str(user.organisation) if user.organisation else None,
            "global_role": user.global_role,
            "email_notifications": user.email_notifications,
            "email_reminders": user.email_reminders,
            "created_at": _when(user.created_at),
        },
        "login_sessions": [
            {"device": s.device, "started": _when(s.created_at),
             "last_seen": _when(s.last_seen_at), "ended": _when(s.revoked_at)}
            for s in db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id))
        ],
        "cohorts": [
            {"cohort": cohort_names.get(m.cohort_id), "role": m.role,
             "joined": _when(m.joined_at), "removed": _when(m.removed_at)}
            for m in db.session.scalars(select(Membership).where(Membership.user_id == user.id))
        ],
        "lessons_completed": [
            {"cohort": cohort_names.get(cohort_id), "lesson": title, "at": _when(at)}
            for cohort_id, title, at in rows(
                select(LessonCompletion.cohort_id, Lesson.title, LessonCompletion.completed_at)
                .join(Lesson, LessonCompletion.lesson_id == Lesson.id)
                .where(LessonCompletion.user_id == user.id))
        ],
        "quiz_attempts": [
            {"cohort": cohort_names.get(a.cohort_id), "quiz": title, "attempt": a.number,
             "percent": a.percent, "passed": a.passed, "answers": a.responses,
             "at": _when(a.submitted_at)}
            for a, title in rows(
                select(QuizAttempt, Quiz.title).join(Quiz, QuizAttempt.quiz_id == Quiz.id)
                .where(QuizAttempt.user_id == user.id))
        ],
        "tasks": [
            {"cohort": cohort_names.get(t.cohort_id), "lesson": title, "text": t.body,
             "status": t.status, "comment": t.review_comment, "at": _when(t.submitted_at)}
            for t, title in rows(
                select(TaskSubmission, Lesson.title)
                .join(Lesson, TaskSubmission.lesson_id == Lesson.id)
                .where(TaskSubmission.user_id == user.id))
        ],
        "self_assessments": [
            {"cohort": cohort_names.get(r.cohort_id), "id": r.assessment_id,
             "moment": r.moment, "answers": r.answers, "at": _when(r.submitted_at)}
            for r in db.session.scalars(
                select(SelfAssessmentResponse).where(SelfAssessmentResponse.user_id == user.id))
        ],
        "certificates": [
            {"code": c.code, "course": c.course_title, "issued": _when(c.issued_at),
             "revoked": _when(c.revoked_at)}
            for c in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id))
        ],
        "posts": [
            {"cohort": cohort_names.get(cohort_id), "thread": title, "text": p.body,
             "written": _when(p.created_at), "edited": _when(p.edited_at),
             "deleted": _when(p.deleted_at)}
            for p, title, cohort_id in rows(
                select(Post, Thread.title, Thread.cohort_id)
                .join(Thread, Post.thread_id == Thread.id)
                .where(Post.author_id == user.id).order_by(Post.created_at))
        ],
    }  # fmt: skip


def erase_user(user: User) -> None:
    """Remove the person: their account data, answers, tasks, self-assessments, certificates
    and notifications go; their posts stay in the cohort's discussions under a pseudonym, so
    conversations others took part in still make sense."""
    audit.record(user, "user.erase", user)
    for model, column in (
        (LoginSession, LoginSession.user_id), (PasswordResetToken, PasswordResetToken.user_id),
        (CalendarToken, CalendarToken.user_id), (Notification, Notification.user_id),
        (SelfAssessmentResponse, SelfAssessmentResponse.user_id),
        (TaskSubmission, TaskSubmission.user_id), (Certificate, Certificate.user_id),
        (ReminderSent, ReminderSent.user_id), (Report, Report.reporter_id),
    ):  # fmt: skip
        db.session.execute(delete(model).where(column == user.id))
    db.session.execute(update(QuizAttempt).where(QuizAttempt.user_id == user.id)
                       .values(responses={}))  # fmt: skip
    db.session.execute(update(Invitation).where(Invitation.email == user.email)
                       .values(email=f"erased-{user.id}@invalid.example", name=""))  # fmt: skip
    db.session.execute(
        update(Membership)
        .where(Membership.user_id == user.id, Membership.removed_at.is_(None))
        .values(removed_at=utcnow())
    )
    user.email = f"erased-{user.id}@invalid.example"
    user.display_name = ERASED_NAME
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
    user.organisation_id = None
    user.is_active = False
    user.email_notifications = "never"
    user.email_reminders = False
