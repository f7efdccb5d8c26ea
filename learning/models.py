"""Imports every domain's models, so that metadata and migrations see all tables."""

from learning.accounts.models import LoginSession, Organisation, PasswordResetToken, User

__all__ = ["LoginSession", "Organisation", "PasswordResetToken", "User"]
