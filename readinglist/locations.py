"""Where a library keeps its data, named in one place for the About dialog and the docs.

Qt-free. A library is one folder (the database, its backups, the search index); the log
file is per user, outside any library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from readinglist.app_logging import log_path
from readinglist.search.index_folders import INDEX_PREFIX
from readinglist.search.schema import SCHEMA_VERSION
from readinglist.storage.engine import BACKUP_FOLDER, DATABASE_FILE


@dataclass(frozen=True)
class DataLocations:
    library: Path
    database: Path
    backups: Path
    index: Path
    log_file: Path
    lookups: Path

    def rows(self) -> list[tuple[str, Path]]:
        """Label and path of each, in the order a user needs them."""
        return [
            ("Library folder", self.library),
            ("Database", self.database),
            ("Backups", self.backups),
            ("Search index", self.index),
            ("Log file", self.log_file),
            ("Lookup cache", self.lookups),
        ]


def data_locations(library_dir: Path) -> DataLocations:
    library = library_dir.expanduser()
    return DataLocations(
        library=library,
        database=library / DATABASE_FILE,
        backups=library / BACKUP_FOLDER,
        index=library / f"{INDEX_PREFIX}{SCHEMA_VERSION}",
        log_file=log_path(),
        lookups=lookup_cache_dir(),
    )


def lookup_cache_dir() -> Path:
    """What arXiv and Hugging Face answered, kept per user (the answers are the same for
    every library), shared by ``readinglist resolve`` and the window."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("readinglist", appauthor=False)) / "lookups"
