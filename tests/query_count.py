"""How many SQL statements one page costs: proof that a page does not grow a query per row."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from course.core.extensions import db


def page_with_query_count(app: Flask, client: FlaskClient, url: str) -> tuple[int, str]:
    """(statements run, page text) for a GET of ``url`` that must answer 200."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)
