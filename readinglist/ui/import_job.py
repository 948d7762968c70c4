"""One import of one or more digests: runs on the worker, reports progress, can be cancelled.

Each digest is one transaction. Cancel stops the running one (rolled back) and takes
back the ones already imported, so a cancelled import leaves the library unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from readinglist import import_process
from readinglist.core.changes import Changes, merged
from readinglist.core.errors import ImportCancelledError, ReadingListError
from readinglist.core.library import Library
from readinglist.core.snapshots import ImportRecord
from readinglist.core.undo import Source

Reader = tuple[str, Callable[[], bytes]]  # (name, read the bytes: on the worker)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    sources: list[Source]
    records: list[ImportRecord]
    failures: list[str]  # "name: why" per source that could not be imported
    cancelled: bool = False

    @property
    def new_ids(self) -> list[int]:
        return [i for record in self.records for i in record.summary.new_ids]

    @property
    def changes(self) -> Changes:
        return merged(record.summary.changes for record in self.records)


class ImportJob(QObject):
    """``run`` goes to the worker; ``progressed`` arrives on the GUI thread."""

    progressed = Signal(str, int, int)  # source name, papers stored, papers in it

    def __init__(self, readers: list[Reader], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.readers = readers
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the running import to stop (checked every few papers)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def _reporter(self, name: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            self.progressed.emit(name, done, total)

        return report

    def run(self, library: Library, library_dir: Path) -> ImportOutcome:
        """On the worker: import every source, or (cancelled) none of them. A big one
        is imported by a child process (:mod:`readinglist.import_process`)."""
        sources: list[Source] = []
        records: list[ImportRecord] = []
        failures: list[str] = []
        for name, read in self.readers:
            try:
                data = read()
                record = import_process.import_undoable(
                    library,
                    library_dir,
                    data,
                    name,
                    progress=self._reporter(name),
                    cancelled=self._cancel.is_set,
                )
            except ImportCancelledError:
                for done in reversed(records):
                    library.undo_import(done)
                return ImportOutcome([], [], [], cancelled=True)
            except (ReadingListError, OSError, UnicodeError) as error:
                failures.append(f"{name}: {error}")
                continue
            sources.append((name, data))
            records.append(record)
        return ImportOutcome(sources, records, failures)
