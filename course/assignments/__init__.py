"""Assignments: the student writes, saves a draft and hands in; the teachers of the class review."""
