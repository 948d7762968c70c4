"""Is a database file one of ours, exactly? Checked before a backup replaces a library.

A backup is a file from anywhere: a crafted one could hold a trigger (a later
``status`` then rewrites another paper's notes), a view in a table's place, or lack a
table (then every command fails). So a file to restore must hold exactly the tables and
indexes that our migrations make at its revision (compared as SQL, spacing and quoting
aside), no foreign-key violations and only values the model knows; triggers and views
are never ours and are dropped from the copy that is restored.

What "ours" is at a revision is learnt by migrating an empty database to it (Alembic,
once a process per revision, ~0.3 s): no second description of the schema to keep
in step with the migrations.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from readinglist.core.models import Priority, ReadStatus

Schema = dict[tuple[str, str], str]  # (type, name) -> normalised SQL

_SPACE_AND_QUOTES = re.compile(r"[\s\"'`\[\]]+")


def _one_of(column: str, values: Iterable[str]) -> str:
    return f"{column} NOT IN ({', '.join(repr(str(value)) for value in values)})"


# The values the model reads back; anything else would stop every command that lists
# the paper. Our CHECK constraints say the same, but a file can be written with them
# off (PRAGMA ignore_check_constraints).
_VALUE_CHECKS = (
    ("papers", _one_of("status", ReadStatus)),
    ("papers", _one_of("priority", Priority)),
    ("papers", "rating NOT BETWEEN 0 AND 5 OR typeof(rating) != 'integer'"),
    ("papers", "typeof(title) != 'text' OR typeof(title_key) != 'text'"),
)


def _normalised(sql: str) -> str:
    """The SQL without spacing, quoting or case, and the items of its outer brackets
    (columns and constraints) in sorted order: SQLite keeps a table's SQL as written,
    and a table that a migration rebuilt lists its constraints in another order."""
    flat = _SPACE_AND_QUOTES.sub("", sql).lower()
    start, end = flat.find("("), flat.rfind(")")
    if start < 0 or end < start:
        return flat
    items: list[str] = []
    depth, begin = 0, start + 1
    for at in range(start + 1, end):
        char = flat[at]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(flat[begin:at])
            begin = at + 1
    items.append(flat[begin:end])
    return f"{flat[:start]}({','.join(sorted(items))}){flat[end + 1 :]}"


def schema_of(connection: sqlite3.Connection) -> Schema:
    """The tables and indexes of a database (SQLite's own objects aside)."""
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    )
    return {(kind, name): _normalised(sql or "") for kind, name, sql in rows}


@lru_cache(maxsize=8)
def expected_schema(revision: str) -> Schema:
    """The schema our migrations make at ``revision`` (an empty database migrated)."""
    from readinglist.storage import engine as engine_module

    with tempfile.TemporaryDirectory(prefix="readinglist-schema-") as folder:
        engine = engine_module.create_library_engine(Path(folder))
        try:
            engine_module.upgrade(engine, revision)
        finally:
            engine.dispose()
        connection = sqlite3.connect(engine_module.database_path(Path(folder)))
        try:
            return schema_of(connection)
        finally:
            connection.close()


def foreign_objects(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """(type, name) of the triggers and views: never ours."""
    return list(
        connection.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name"
        )
    )


def drop_foreign_objects(connection: sqlite3.Connection) -> int:
    """Drop every trigger and view; returns how many there were."""
    found = foreign_objects(connection)
    for kind, name in found:
        quoted = '"' + name.replace('"', '""') + '"'
        connection.execute(f"DROP {kind.upper()} IF EXISTS {quoted}")
    connection.commit()
    return len(found)


def schema_problem(connection: sqlite3.Connection, revision: str) -> str | None:
    """How the database differs from ours at ``revision`` (one line), or None."""
    actual = schema_of(connection)
    expected = expected_schema(revision)
    missing = sorted(name for kind, name in expected.keys() - actual.keys() if kind == "table")
    if missing:
        return f"it lacks the table{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
    extra = sorted(name for _, name in actual.keys() - expected.keys())
    if extra:
        return f"it holds what readinglist never makes: {', '.join(extra[:5])}"
    different = sorted(key[1] for key in expected if actual.get(key) != expected[key])
    if different:
        return f"its {', '.join(different[:5])} differ from readinglist's at schema {revision}"
    return None


def content_problem(connection: sqlite3.Connection) -> str | None:
    """Rows that refer to rows that do not exist, or values the model cannot read."""
    dangling = connection.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        tables = sorted({str(row[0]) for row in dangling})
        return f"{len(dangling)} rows of {', '.join(tables)} refer to rows that do not exist"
    for table, condition in _VALUE_CHECKS:
        bad = connection.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchone()[0]
        if bad:
            return f"{bad} rows of {table} hold values readinglist does not know"
    return None
