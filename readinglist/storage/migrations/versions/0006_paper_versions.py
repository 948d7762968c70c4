"""a version per paper, for edits of a shared library that must not lose each other's

Revision ID: 0006
Revises: 0005

Every UPDATE of a paper adds one to its version (the ORM column's onupdate); an edit
made from what a client read is written only where the version is still the one it
read (readinglist.core.paper_edits), else merged field by field or reported.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # ALTER TABLE ... ADD COLUMN on both dialects, never a batch (copy-and-move) table:
    # SQLite's batch drops the old ``papers`` with foreign keys on, and ON DELETE
    # CASCADE emptied every table that points at papers (appearances, tags, facts).
    op.add_column(
        "papers",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+, PostgreSQL), not a batch copy: see upgrade().
    op.execute("ALTER TABLE papers DROP COLUMN version")
