"""Cohorts: partnerships, cohorts and memberships, invitations, schedules and live sessions."""
