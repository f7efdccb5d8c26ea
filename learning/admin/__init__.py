"""Administration: organisations, partnerships, user accounts and the audit log."""
