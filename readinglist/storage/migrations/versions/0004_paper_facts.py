"""bibliographic facts with their sources, structured author names, stored cite keys,
and where looking each paper up stands

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import readinglist.storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cite_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_papers_cite_key"), ["cite_key"])
    with op.batch_alter_table("paper_authors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("given", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("suffix", sa.Text(), nullable=True))
    op.create_table(
        "paper_facts",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", readinglist.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_paper_facts_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "name", name=op.f("pk_paper_facts")),
    )
    op.create_table(
        "resolve_state",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("checked_at", readinglist.storage.types.UTCDateTime(), nullable=True),
        sa.Column("next_try_at", readinglist.storage.types.UTCDateTime(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_resolve_state_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", name=op.f("pk_resolve_state")),
    )
    with op.batch_alter_table("resolve_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resolve_state_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("resolve_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resolve_state_state"))
    op.drop_table("resolve_state")
    op.drop_table("paper_facts")
    with op.batch_alter_table("paper_authors", schema=None) as batch_op:
        batch_op.drop_column("suffix")
        batch_op.drop_column("given")
        batch_op.drop_column("family")
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_papers_cite_key"), type_="unique")
        batch_op.drop_column("cite_key")
