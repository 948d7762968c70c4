"""Alembic environment: always run on a connection handed over by the engine module."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from readinglist.storage.orm import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("readinglist migrations run through readinglist.storage.engine")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
