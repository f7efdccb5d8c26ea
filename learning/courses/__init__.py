"""Courses: the Markdown course format, its loader and validator, sync into the database, and the reader."""
