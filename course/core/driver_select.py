"""A fixed SELECT run on the database driver's own cursor, for the reads every page view makes.

Who is logged in and the state of the lesson on screen are read on every page a student opens.
The queries themselves take microseconds; SQLAlchemy's execution path around them (parameters,
result metadata, events) costs ten times that. ``DriverSelect`` compiles its statement once per
database dialect and runs it inside the session's transaction, converting values with the same
type processors SQLAlchemy would use, so rows come out the same.

When anything listens to the engine (query counting in tests, logging with ``echo``), it goes the
normal way, so those listeners still see every statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

from .extensions import db

_Processor = Callable[[Any], Any] | None


class _Compiled:
    def __init__(self, statement: Select, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.compiled = compiled
        self.sql = compiled.string
        self.positional = compiled.positiontup if compiled.positional else None
        self.bind_processors: dict[str, _Processor] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()
        }
        self.result_processors: list[_Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ]

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        params = self.compiled.construct_params(dict(values))
        for name, process in self.bind_processors.items():
            if process is not None and name in params:
                params[name] = process(params[name])
        if self.positional is not None:
            return tuple(params[name] for name in self.positional)
        return params

    def convert(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            value if process is None or value is None else process(value)
            for process, value in zip(self.result_processors, row, strict=True)
        )


class DriverSelect:
    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def first(self, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row (as a tuple of converted values), or None."""
        return self.first_on(db.session.connection(), values)

    def first_on(self, connection: Connection, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """``first`` on a connection of one's own (outside the ORM session)."""
        if _observed(connection):
            row = connection.execute(self.statement, dict(values)).first()
            return tuple(row) if row is not None else None
        compiled = self._compiled_for(connection.dialect)
        parameters = compiled.parameters(values)
        driver_error = connection.dialect.loaded_dbapi.Error
        try:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(compiled.sql, parameters)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except driver_error as err:
            # Raised as SQLAlchemy raises it, so callers and the error pages see one kind of error.
            raise DBAPIError.instance(compiled.sql, parameters, err, driver_error) from err
        return compiled.convert(tuple(row)) if row is not None else None

    def _compiled_for(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _Compiled(self.statement, dialect)
        return compiled


def _observed(connection: Connection) -> bool:
    """Does anything listen to the statements run on this connection (cursor events, echo)?"""
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute or connection.engine.echo)
