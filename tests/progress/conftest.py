from tests.quizzes.conftest import cohort_for, trees  # noqa: F401 - shared fixtures
