"""SQLite FTS5 as the reference the Whoosh search is compared with, on the same papers.

The papers' title and abstract go in a standalone FTS5 table; what the query language
filters on (status, rating, tags, links, dates, times seen) goes in side tables joined
by rowid. Each query returns what the window shows (50 rows, highlighted title, an
abstract snippet) and the total, like ``Library.search``.

A query with filters only must not touch the FTS table before the filters chose its 50
rows: SQLite plans ``meta JOIN docs ... ORDER BY m.added`` by scanning the FTS table
(a full scan of a virtual table, then a lookup in meta per row). The page of ids is
chosen on meta alone, then the FTS table is read by rowid for those rows only
(:data:`FILTER_ONLY_SQL`; ``plan`` shows EXPLAIN QUERY PLAN for any query).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from benchmarks.bench_queries import Fts

LIMIT = 50


_FTS_SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(title, abstract, tokenize='porter unicode61');
CREATE TABLE meta (
    id INTEGER PRIMARY KEY, status TEXT NOT NULL, rating INTEGER NOT NULL,
    notes TEXT NOT NULL, added INTEGER NOT NULL, seen INTEGER NOT NULL,
    has_code INTEGER NOT NULL, has_project INTEGER NOT NULL, has_notes INTEGER NOT NULL
);
CREATE TABLE ptags (paper_id INTEGER NOT NULL, tag TEXT NOT NULL);
"""
_FTS_META = """
INSERT INTO meta
SELECT p.id, p.status, p.rating, p.notes, CAST(strftime('%s', p.added_at) AS INTEGER),
       (SELECT count(*) FROM lib.appearances a WHERE a.paper_id = p.id),
       EXISTS (SELECT 1 FROM lib.links l WHERE l.paper_id = p.id AND l.kind = 'code'),
       EXISTS (SELECT 1 FROM lib.links l WHERE l.paper_id = p.id AND l.kind = 'project'),
       trim(p.notes) != ''
FROM lib.papers p;
INSERT INTO ptags SELECT pt.paper_id, t.name FROM lib.paper_tags pt JOIN lib.tags t
    ON t.id = pt.tag_id;
CREATE INDEX ix_ptags_tag ON ptags (tag, paper_id);
CREATE INDEX ix_meta_added ON meta (added);
"""
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"


class Fts5Reference:
    """The papers of a library in a standalone FTS5 database."""

    def __init__(self, path: Path, library_db: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(_FTS_SCHEMA)
        self.connection.execute("ATTACH DATABASE ? AS lib", (f"file:{library_db}?mode=ro",))
        self.connection.executescript(f"BEGIN; {_FTS_META} COMMIT;")

    def index(self) -> tuple[int, float]:
        """Insert every paper in one transaction; (count, seconds)."""
        started = time.perf_counter()
        self.connection.execute("BEGIN")
        self.connection.execute(
            "INSERT INTO docs (rowid, title, abstract) SELECT id, title, abstract FROM lib.papers"
        )
        self.connection.execute("COMMIT")
        elapsed = time.perf_counter() - started
        count = self.connection.execute("SELECT count(*) FROM docs").fetchone()[0]
        self.connection.execute("DETACH DATABASE lib")
        return int(count), elapsed

    def search(self, query: Fts) -> int:
        """50 rows with highlighted title and abstract snippet, plus the total; the total."""
        clause, params = where_clause(query)
        join = " JOIN meta m ON m.id = docs.rowid" if query.filters else ""
        rows = self.connection.execute(page_sql(query, clause), params).fetchall()
        counted = f"docs{join}" if query.match is not None else "meta m"
        total = self.connection.execute(f"SELECT count(*) FROM {counted}{clause}", params)
        count = int(total.fetchone()[0])
        assert len(rows) == min(count, LIMIT), (query, len(rows), count)
        return count

    def plan(self, query: Fts) -> list[str]:
        """EXPLAIN QUERY PLAN of the query's page of rows, one line per step."""
        clause, params = where_clause(query)
        rows = self.connection.execute(
            f"EXPLAIN QUERY PLAN {page_sql(query, clause)}", params
        ).fetchall()
        return [str(row[-1]) for row in rows]

    def reopen(self, path: Path) -> None:
        """A new connection: its page cache is cold, like a fresh process's."""
        self.connection.close()
        self.connection = sqlite3.connect(path, isolation_level=None)

    def close(self) -> None:
        self.connection.close()


# Filters only: the page is chosen on meta (by its "added" index), then the 50 rows are
# read from the FTS table by rowid; CROSS JOIN keeps that order of the loops.
FILTER_ONLY_SQL = (
    "SELECT docs.rowid, docs.title, substr(docs.abstract, 1, 240)"
    " FROM (SELECT m.id AS id, m.added AS added FROM meta m{clause}"
    " ORDER BY m.added DESC LIMIT {limit}) AS page"
    " CROSS JOIN docs ON docs.rowid = page.id ORDER BY page.added DESC"
)


def where_clause(query: Fts) -> tuple[str, list[object]]:
    """The WHERE clause (MATCH and filters) and its parameters."""
    where: list[str] = []
    params: list[object] = []
    if query.match is not None:
        where.append("docs MATCH ?")
        params.append(query.match)
    for condition, values in query.filters:
        where.append(condition)
        params.extend(values)
    return (f" WHERE {' AND '.join(where)}" if where else ""), params


def page_sql(query: Fts, clause: str) -> str:
    """The SQL of the 50 rows shown: ranked and highlighted, or newest first (filters)."""
    if query.match is not None:
        join = " JOIN meta m ON m.id = docs.rowid" if query.filters else ""
        return (
            f"SELECT docs.rowid, highlight(docs, 0, '{HIT_OPEN}', '{HIT_CLOSE}'),"
            f" snippet(docs, 1, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 40)"
            f" FROM docs{join}{clause} ORDER BY bm25(docs, 3.0, 1.0) LIMIT {LIMIT}"
        )
    return FILTER_ONLY_SQL.format(clause=clause, limit=LIMIT)
