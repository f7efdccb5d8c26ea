"""Discussions: cohort threads and posts, reflections, announcements, moderation, notifications."""
