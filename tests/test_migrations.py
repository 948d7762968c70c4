"""Alembic migrations build exactly the schema the ORM models describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from readinglist.app_context import open_library
from readinglist.storage import engine as engine_module
from readinglist.storage.orm import Base
from tests.helpers import make_first_schema_library


def test_migrated_schema_matches_the_models(library_dir: Path):
    with open_library(library_dir) as opened, opened.store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        tables = set(inspect(connection).get_table_names())
    assert tables >= {"papers", "tags", "paper_tags", "links", "digests", "appearances"}


def test_downgrade_then_upgrade_round_trips(library_dir: Path):
    with open_library(library_dir) as opened:
        engine = opened.store.engine
        assert engine_module.current_revision(engine) == engine_module.head_revision()
        config = engine_module._alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert engine_module.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        assert engine_module.migrate(engine, library_dir) is None  # empty: nothing to copy
        assert engine_module.current_revision(engine) == engine_module.head_revision()


def test_online_backup_copies_a_live_database(tmp_path: Path, library_dir: Path):
    with open_library(library_dir) as opened:
        opened.library.import_bytes(b"A Title Here\nAn abstract. It has two sentences.\n", "d")
        target = tmp_path / "copy" / "library.sqlite3"
        engine_module.back_up_sqlite(engine_module.database_path(library_dir), target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT title FROM papers").fetchall() == [("A Title Here",)]
    copy.close()
    assert not target.with_suffix(".sqlite3.partial").exists()


def test_the_recorded_head_is_alembics_head():
    assert engine_module.head_revision() == engine_module.HEAD_REVISION


def test_an_older_library_is_copied_then_upgraded_with_its_data(library_dir: Path):
    make_first_schema_library(library_dir)

    with open_library(library_dir) as opened:
        assert opened.upgrade_copy is not None
        copy = Path(opened.upgrade_copy)
        paper = opened.library.details(1).paper
        assert (paper.title, paper.status.value, paper.rating, paper.notes) == (
            "Old Paper",
            "read",
            4,
            "my notes",
        )
        assert opened.library.search("intact").total == 1  # the new index was built
    assert copy.parent == library_dir / "backups"
    with sqlite3.connect(copy) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT title FROM papers").fetchall() == [("Old Paper",)]
    old.close()


def test_upgrading_keeps_every_row_of_the_tables_that_point_at_papers(library_dir: Path):
    """Migration 0006 once rebuilt ``papers`` by copying it (Alembic's batch mode on
    SQLite) with foreign keys on: ON DELETE CASCADE emptied appearances, tags, facts."""
    from tests.helpers import shared_digest_path

    with open_library(library_dir) as opened:
        library = opened.library
        library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        library.tag(list(range(1, 151)), add=["kept"])
        library.set_notes(3, "kept notes")
        engine = opened.store.engine
        config = engine_module._alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        with engine.connect() as connection:
            before = {
                t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables
            }
        assert before["appearances"] == 211 and before["paper_tags"] == 150
        engine_module.upgrade(engine)
        with engine.connect() as connection:
            after = {
                t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables
            }
        assert after == before
        assert library.details(3).paper.notes == "kept notes"
