"""the reader's recorded time per paper, which calibrates "Plan my week"

Revision ID: 0007
Revises: 0006

A new table, created the same way on SQLite and PostgreSQL: ``papers`` itself is not
touched (no batch copy of it: see 0006), so upgrading cannot lose a row of any table
that points at papers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import readinglist.storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "reading_times",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("recorded_at", readinglist.storage.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "minutes >= 1 AND minutes <= 10080", name=op.f("ck_reading_times_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_reading_times_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", name=op.f("pk_reading_times")),
    )


def downgrade() -> None:
    op.drop_table("reading_times")
