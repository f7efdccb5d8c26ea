"""Imports every domain's models, so that metadata and migrations see all tables."""

from learning.accounts.models import LoginSession, Organisation, PasswordResetToken, User
from learning.audit import AuditEvent
from learning.cohorts.models import (
    CalendarToken,
    Cohort,
    Invitation,
    InvitationLink,
    LiveSession,
    Membership,
    ModuleSchedule,
    Partnership,
)
from learning.courses.models import Course, CourseAsset, Lesson, LessonTranslation, Module, Quiz
from learning.discussions.models import (
    Notification,
    Post,
    PostRevision,
    Report,
    Thread,
    ThreadRead,
)
from learning.progress.models import Certificate, LessonCompletion, ReminderSent
from learning.quizzes.models import QuizAttempt, SelfAssessmentResponse, TaskSubmission

__all__ = [
    "Certificate", "LessonCompletion", "QuizAttempt", "ReminderSent", "SelfAssessmentResponse",
    "TaskSubmission",
    "AuditEvent", "CalendarToken", "Cohort", "Course", "CourseAsset", "Invitation",
    "InvitationLink", "Lesson", "LessonTranslation", "LiveSession", "LoginSession", "Membership",
    "Module", "ModuleSchedule", "Organisation", "Partnership", "PasswordResetToken", "Quiz", "User",
    "Notification", "Post", "PostRevision", "Report", "Thread", "ThreadRead",
]  # fmt: skip
