"""title keys recomputed: mathematical symbols kept, invisible format characters dropped

Revision ID: 0005
Revises: 0004

readinglist.core.normalize.title_key used to fold every symbol to a space ("Attention =
Explanation" and "Attention ≠ Explanation" were one paper) and to split a word at a
zero-width space ("Dif\\u200bfusion" was not "Diffusion"). The stored keys are what
imports match against, so each is recomputed with the new rule.

Two papers that the new rule would give one key (a look-alike duplicate that a
zero-width character kept apart) are not merged, and neither row is changed: a
migration must never lose or combine anyone's notes, tags or history. Both keep their
old keys, which stay unique; any paper whose new key would then meet a kept old key
keeps its own old key too (repeated until no two keys meet). Every paper whose key
changed is queued for the search index (it sorts by the key).
"""

from __future__ import annotations

import logging
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from readinglist.core.normalize import title_key

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

log = logging.getLogger(__name__)
_CHUNK = 500


def new_keys(rows: list[tuple[int, str, str]]) -> dict[int, str]:
    """The key each paper (id, title, old key) gets: the new rule's, unless two papers
    would meet on it (then each of them keeps its old key)."""
    old = {paper_id: key for paper_id, _, key in rows}
    new = {paper_id: title_key(title) for paper_id, title, _ in rows}
    keep: set[int] = set()
    while True:
        final = {paper_id: old[paper_id] if paper_id in keep else new[paper_id] for paper_id in old}
        holders: dict[str, list[int]] = defaultdict(list)
        for paper_id, key in final.items():
            holders[key].append(paper_id)
        meeting = [ids for ids in holders.values() if len(ids) > 1]
        if not meeting:
            return final
        for ids in meeting:
            keep.update(ids)


def upgrade() -> None:
    connection = op.get_bind()
    rows = [
        (int(paper_id), str(title), str(key))
        for paper_id, title, key in connection.execute(
            sa.text("SELECT id, title, title_key FROM papers")
        )
    ]
    old = {paper_id: key for paper_id, _, key in rows}
    final = new_keys(rows)
    changed = sorted(paper_id for paper_id, key in final.items() if key != old[paper_id])
    kept = sum(1 for paper_id, title, key in rows if title_key(title) != final[paper_id])
    if kept:
        log.warning("%d papers keep their old title keys: the new ones would meet", kept)
    # Two steps: a key may move to a paper whose own key moves later in the same pass,
    # and the column is unique at every statement. A key never starts with a control
    # character (title_key folds them to spaces and strips): NUL on SQLite, U+0001 on
    # PostgreSQL (whose text cannot hold NUL).
    parking = (
        "chr(1) || CAST(id AS TEXT)" if connection.dialect.name == "postgresql" else "char(0) || id"
    )
    for start in range(0, len(changed), _CHUNK):
        chunk = changed[start : start + _CHUNK]
        connection.execute(
            sa.text(f"UPDATE papers SET title_key = {parking} WHERE id = :id"),
            [{"id": paper_id} for paper_id in chunk],
        )
    for start in range(0, len(changed), _CHUNK):
        chunk = changed[start : start + _CHUNK]
        connection.execute(
            sa.text("UPDATE papers SET title_key = :key WHERE id = :id"),
            [{"id": paper_id, "key": final[paper_id]} for paper_id in chunk],
        )
        connection.execute(
            sa.text("INSERT INTO search_outbox (paper_id) VALUES (:id)"),
            [{"id": paper_id} for paper_id in chunk],
        )


def downgrade() -> None:
    """The old keys are not kept: a downgrade leaves the new ones (still unique)."""
