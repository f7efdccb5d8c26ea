"""Courses: the Markdown format, its loader and validator, sync, and the lesson reader."""
