"""Quizzes: taking and grading knowledge checks, applied tasks, and the pre/post self-assessment."""
