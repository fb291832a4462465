"""The school's learning platform (LTI 1.3 Advantage): launches with one click, courses as classes,
Deep Linking, grades back through an outbox, class lists from the roster service, and registration."""
