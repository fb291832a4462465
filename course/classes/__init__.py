"""Classes: a teacher's classes with their join code, students and co-teachers, and the queries that
only return the classes and students a teacher may reach."""
