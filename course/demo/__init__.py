"""Demo data: a school year with staff, one class of students with some progress, quiz attempts
and a train-the-trainer cohort, loaded once by `flask --app wsgi demo`."""
