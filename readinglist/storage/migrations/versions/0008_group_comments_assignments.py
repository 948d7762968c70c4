"""the reading group's comments on papers and who presents which paper when

Revision ID: 0008
Revises: 0007

Two new tables, created the same way on SQLite and PostgreSQL; ``papers`` is not
touched (no batch copy of it: see 0006), so upgrading cannot lose a row of any table
that points at papers. Both cascade with their paper: deleting a paper deletes its
comments and its assignment.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import readinglist.storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "paper_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", readinglist.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_comments_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_comments")),
    )
    op.create_index(
        op.f("ix_paper_comments_paper_id"), "paper_comments", ["paper_id"], unique=False
    )
    op.create_table(
        "paper_assignments",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("presenter", sa.String(length=80), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("assigned_by", sa.String(length=80), nullable=False),
        sa.Column("assigned_at", readinglist.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_assignments_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", name=op.f("pk_paper_assignments")),
    )
    op.create_index(
        op.f("ix_paper_assignments_on_date"), "paper_assignments", ["on_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_paper_assignments_on_date"), table_name="paper_assignments")
    op.drop_table("paper_assignments")
    op.drop_index(op.f("ix_paper_comments_paper_id"), table_name="paper_comments")
    op.drop_table("paper_comments")
