"""Exchange Learning: cohort-based e-learning for exchange partnerships."""
