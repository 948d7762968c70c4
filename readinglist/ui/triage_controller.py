"""The window's learning triage: trains in the background, retrains after each change.

The models (readinglist/triage/) are trained on a worker thread of their own, never on
the GUI thread, and not on the writer (a training of a few seconds must not delay a
status change) nor the read lane (nor a page of rows). After each change the window
announces (:class:`~readinglist.ui.change_notifier.ChangeNotifier`), a retrain is due
:data:`RETRAIN_DELAY_MS` later (a burst of edits makes one retrain); a retrain that
comes due while one runs waits for it, then runs once. A retrain reuses the fitted
vocabulary (only new and edited papers are transformed), and the interest of every
paper of the library is computed there too, so the table's interest column and the
"sort by interest" are a dictionary lookup on the GUI thread.

What is read on the GUI thread is the last trained model, which is immutable: "why"
and tag suggestions for one paper are a sparse product over a few hundred rows
(about a millisecond), no database read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from readinglist.core.changes import Changes
from readinglist.core.library import Library
from readinglist.ui.change_notifier import ChangeNotifier
from readinglist.ui.triage_interest import rank_by_interest
from readinglist.ui.worker import Worker

if TYPE_CHECKING:
    from readinglist.triage.service import Triage

log = logging.getLogger(__name__)

RETRAIN_DELAY_MS = 1500


@dataclass(frozen=True, slots=True)
class Trained:
    """What a training hands to the GUI thread. ``triage`` is a
    :class:`readinglist.triage.service.Triage` (typed loosely: this module must not
    import scikit-learn when the window starts)."""

    triage: object
    interest: dict[int, float]
    kind: str | None


def format_interest(value: float | None) -> str:
    """The interest column's text: two decimals, empty when nothing is known."""
    return "" if value is None else f"{value:.2f}"


class TriageController(QObject):
    """Owns the latest triage model of the window's library."""

    trained = Signal()  # a new model is in place
    groupsReady = Signal(object, object)  # the ids asked, list[TopicGroup]  # noqa: N815
    failed = Signal(str)

    def __init__(
        self,
        library: Library,
        changes: ChangeNotifier,
        parent: QObject | None = None,
        retrain_delay_ms: int = RETRAIN_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("triageController")
        self.library = library
        self.worker = Worker(self)
        self._current: Trained | None = None
        self._training = False
        self._again = False
        self.trainings = 0  # how many trainings finished (for the tests and the log)
        self._timer = QTimer(self, singleShot=True, interval=retrain_delay_ms)
        self._timer.timeout.connect(self.retrain)
        changes.changed.connect(self._on_changes)

    # --- training ----------------------------------------------------------------

    def start(self) -> None:
        """The first training (the window calls it once the library is open)."""
        self.retrain()

    def retrain(self) -> None:
        """Train now on the worker (again once more if a training is running)."""
        if self._training:
            self._again = True
            return
        self._training = True
        previous = self._current
        library = self.library

        def train() -> Trained:
            from readinglist.triage.documents import library_documents
            from readinglist.triage.service import Triage

            documents = library_documents(library)
            if previous is None:
                triage = Triage.train(documents)
            else:
                assert isinstance(previous.triage, Triage)
                triage = previous.triage.retrained(documents)
            ranked = triage.rank([doc.paper_id for doc in documents], explain=False)
            interest = {r.paper_id: r.interest for r in ranked or []}
            return Trained(triage, interest, triage.kind)

        self.worker.submit(train, self._done, self._failed)

    def _done(self, result: Trained) -> None:
        self._current = result
        self.trainings += 1
        self._finished()
        self.trained.emit()

    def _failed(self, error: Exception) -> None:
        log.warning("triage training failed: %s", error, exc_info=error)
        self._finished()
        self.failed.emit(str(error) or type(error).__name__)

    def _finished(self) -> None:
        self._training = False
        if self._again:
            self._again = False
            self.retrain()

    def _on_changes(self, changes: Changes) -> None:
        """Any change to papers, tags or what the library holds may change the model."""
        if (
            changes.touched
            or changes.added
            or changes.removed
            or changes.tags
            or changes.digests
            or changes.outside
        ):
            self._timer.start()
        if changes.digests or changes.outside:
            self.request_latest_groups()

    def stop(self) -> None:
        self._timer.stop()
        self.worker.shutdown()

    # --- what the window reads ------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._current is not None

    @property
    def kind(self) -> str | None:
        """ "svm", "similar" (the cold start) or None (nothing learned yet)."""
        return None if self._current is None else self._current.kind

    @property
    def enough_signals(self) -> bool:
        """Whether views should sort by interest: the classifier is trained (a handful
        of positives); the cold start alone only fills the interest column."""
        return self.kind == "svm"

    def interest(self, paper_id: int) -> float | None:
        """0-1, None for a paper the model has not seen or with nothing learned yet."""
        return None if self._current is None else self._current.interest.get(paper_id)

    def by_interest(self, ids: Sequence[int]) -> list[int]:
        """These papers best first; papers without interest keep their order, last."""
        known = self._current.interest if self._current is not None else {}
        return rank_by_interest(known, ids)

    def digest_order(self, ids: Sequence[int]) -> list[int]:
        """A digest's papers as "New in the last digest" shows them: by interest once
        there are enough signals, else in the digest's own order."""
        return self.by_interest(ids) if self.enough_signals else list(ids)

    def why(self, paper_id: int) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
        """The words and the wanted papers that pushed this paper up."""
        triage = self._triage()
        if triage is None:
            return None
        ranked = triage.rank([paper_id])
        if not ranked:
            return None
        return ranked[0].why.words, ranked[0].why.papers

    def titles(self, ids: Sequence[int]) -> dict[int, str]:
        """The titles of these papers as the model read them (no database read)."""
        triage = self._triage()
        if triage is None:
            return {}
        texts = triage.texts
        return {i: texts[i].partition("\n")[0] for i in ids if i in texts}

    def suggested_tags(self, paper_id: int) -> list[str]:
        triage = self._triage()
        return [] if triage is None else [s.tag for s in triage.suggest_tags(paper_id)]

    def request_groups(self, ids: Sequence[int]) -> None:
        """Topic groups of these papers, computed on the worker (``groupsReady``)."""
        wanted = tuple(ids)
        library = self.library

        def group() -> list[object]:
            from readinglist.triage.service import digest_groups

            return list(digest_groups(library, wanted))

        self.worker.submit(
            group, lambda groups: self.groupsReady.emit(wanted, groups), self._failed
        )

    def request_latest_groups(self) -> None:
        """Topic groups of the last digest (read and grouped on the worker)."""
        library = self.library

        def group() -> tuple[tuple[int, ...], list[object]]:
            from readinglist.triage.service import digest_groups

            digests = library.digests()
            if not digests:
                return (), []
            ids = tuple(library.digest_paper_ids([digests[-1].id]))
            return ids, list(digest_groups(library, ids))

        self.worker.submit(group, lambda found: self.groupsReady.emit(*found), self._failed)

    def _triage(self) -> Triage | None:
        if self._current is None:
            return None
        from readinglist.triage.service import Triage

        triage = self._current.triage
        return triage if isinstance(triage, Triage) else None
