"""Imports every domain's models, so that metadata and migrations see all tables."""

from learning.accounts.models import LoginSession, Organisation, PasswordResetToken, User
from learning.courses.models import Course, CourseAsset, Lesson, LessonTranslation, Module, Quiz

__all__ = [
    "Course",
    "CourseAsset",
    "Lesson",
    "LessonTranslation",
    "LoginSession",
    "Module",
    "Organisation",
    "PasswordResetToken",
    "Quiz",
    "User",
]
