"""Quizzes: taking one (intro, attempt, review), the quiz form, grading, which attempt counts,
voiding a question for a class, and the `quizzes` command (GIFT export, regrade)."""
