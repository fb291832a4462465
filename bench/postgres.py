"""A throw-away PostgreSQL schema for a benchmark or a test that starts real servers.

The database comes from ``BENCH_DATABASE_URL`` or, failing that, ``TEST_DATABASE_URL`` (a
``postgresql+psycopg://`` URL). Every connection made with the yielded URL works inside a fresh
schema that is dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


def postgres_url() -> str | None:
    for name in ("BENCH_DATABASE_URL", "TEST_DATABASE_URL"):
        url = os.environ.get(name, "").strip()
        if url.startswith("postgresql"):
            return url
    return None


@contextmanager
def temporary_schema(base_url: str, prefix: str = "bench") -> Iterator[str]:
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()
