"""Benchmarks that print figures: `python -m bench --json [--quick]`. Not timed tests."""
