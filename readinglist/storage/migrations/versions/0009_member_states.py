"""each member's own reading state on a shared library

Revision ID: 0009
Revises: 0008

A new table, ``member_states``, and a nullable ``member`` column on ``status_changes``
(an added column: no batch copy of any table on SQLite). ``papers`` is not touched:
its status, priority, rating and notes, and ``reading_times``, stay where they were.
On an embedded (SQLite) library they remain the single reader's state, exactly as
before. On a shared library they become the library's shared values, which a member
sees on every paper they have not set themselves (storage/member_state.py): what the
group had before this upgrade is kept and still shown, never dropped, and each member's
own changes go to ``member_states`` from now on. The old history rows have no member:
every member's history starts from them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import readinglist.storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("status_changes", sa.Column("member", sa.String(length=80), nullable=True))
    op.create_table(
        "member_states",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("priority", sa.String(length=8), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("time_recorded_at", readinglist.storage.types.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("updated_at", readinglist.storage.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "rating >= 0 AND rating <= 5", name=op.f("ck_member_states_rating_range")
        ),
        sa.CheckConstraint(
            "status IN ('unread','queued','reading','read','skimmed','dropped')",
            name=op.f("ck_member_states_status_known"),
        ),
        sa.CheckConstraint(
            "priority IN ('none','low','medium','high')",
            name=op.f("ck_member_states_priority_known"),
        ),
        sa.CheckConstraint(
            "minutes >= 0 AND minutes <= 10080", name=op.f("ck_member_states_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
            name=op.f("fk_member_states_paper_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "member", name=op.f("pk_member_states")),
    )
    op.create_index(
        "ix_member_states_member_status", "member_states", ["member", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_member_states_member_status", table_name="member_states")
    op.drop_table("member_states")
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("member")
