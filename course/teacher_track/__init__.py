"""The teacher track: a teacher's own TPACK self-scan with its radar chart, and train-the-trainer
cohorts with their session programme, attendance and group figures."""
