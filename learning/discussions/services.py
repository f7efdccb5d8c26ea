"""Discussion operations (being written: the three functions below are the contract the
cohort pages call)."""


def reflection_context(user, cohort, lesson):
    """What the lesson page shows of the lesson's reflection thread, or None."""
    return None


def announcements_for(cohort, limit: int = 3) -> list:
    return []


def unread_notification_count(user) -> int:
    return 0
