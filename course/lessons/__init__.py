"""Lessons: the lesson pages and teacher guides, the student's dashboard and path through the module
(progress, next step), and joining a class."""
