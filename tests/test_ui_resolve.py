"""Looking papers up from the window, headless: a selection, after an import, offline,
stopped, closed mid-run, and the window's responsiveness while it runs.

The services are a :class:`~benchmarks.fake_lookup.PatientLookup` (every title found,
a few ms per call), or the replay server through the real lookup; never the network.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox

from benchmarks.fake_lookup import AUTHORS, PUBLISHED, PatientLookup
from benchmarks.gui import PROBE_MS, Probe
from readinglist.app_context import open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.identity import LookupOfflineError
from readinglist.core.metadata import Field, ResolveStatus, Source
from readinglist.core.models import Paper, ParsedPaper
from readinglist.remote import RemoteConfig
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE
from readinglist.ui.resolve_thread import remote_lookup
from readinglist.ui.window_settings import auto_lookup_enabled
from tests import test_ui_pauses, test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.replay_server import ATTENTION, ReplayServer

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
settled = test_ui_pauses.settled
WindowFactory = test_ui_window.WindowFactory

RUN_MS = 60_000  # a whole run of the shared digest against the fake: 3-12 s
SMALL = 30  # papers in a digest of two chunks (25 + 5)
FIRST_CHUNK_CALLS = 26  # papers without arXiv ids: 25 title searches, then 1 id batch
HELD_CALL = FIRST_CHUNK_CALLS + 4  # a call in the second chunk
STALL_TARGET_MS = 100  # the window's target (docs/performance.md)


@pytest.fixture
def lookup() -> PatientLookup:
    return PatientLookup(delay=0.003)


@pytest.fixture
def window(make_window: WindowFactory, lookup: PatientLookup) -> MainWindow:
    main = make_window()
    main.resolver.lookup_factory = lookup.factory
    return main


@pytest.fixture
def manual(window: MainWindow) -> MainWindow:
    """The window with automatic lookups off (an import alone asks nothing)."""
    window.resolver.automatic_action.setChecked(False)
    return window


def paste(main: MainWindow, qtbot, text: str, count: int = SHARED_DIGEST_PAPERS) -> None:
    """Edit > Paste digest, until its ``count`` papers are shown (all selected)."""
    QGuiApplication.clipboard().setText(text)
    main.paste_action.trigger()
    qtbot.waitUntil(lambda: not main.importing and main.model.rowCount() == count, timeout=20000)
    qtbot.waitUntil(lambda: not main.busy, timeout=20000)


def small_digest(*titles: str) -> str:
    return render_digest([ParsedPaper(t, f"We study {t}.", i) for i, t in enumerate(titles, 1)])


def numbered(count: int) -> list[str]:
    """Titles long enough for the title rule, none the same as another."""
    return [f"A Sufficiently Long Title of Paper Number {n}" for n in range(count)]


@pytest.fixture
def digest(shared_digest_bytes: bytes) -> str:
    return shared_digest_bytes.decode("utf-8")


def papers(main: MainWindow) -> list[Paper]:
    """Every paper as the library has it (read on the read lane)."""
    library = main.library
    return main.reader.call(lambda: [library.details(p.id).paper for p in library.papers()])


def statuses(main: MainWindow) -> dict[ResolveStatus, int]:
    identity = main.library.identity
    return main.reader.call(identity.counts)


def finished(main: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: not main.resolver.running, timeout=RUN_MS)


def label(main: MainWindow) -> str:
    return main.resolver.status.text()


def recorded_labels(main: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the lookup's status label is given from now on."""
    texts: list[str] = []
    original = main.resolver.status.setText

    def record(text: str) -> None:
        texts.append(text)
        original(text)

    monkeypatch.setattr(main.resolver.status, "setText", record)
    return texts


def no_dialog_shown() -> bool:
    return not any(
        isinstance(widget, QDialog | QMessageBox) and widget.isVisible()
        for widget in QApplication.topLevelWidgets()
    )


def assert_filled(paper: Paper) -> None:
    assert paper.arxiv_id is not None and paper.arxiv_id.startswith("2401."), paper.title
    assert paper.authors == tuple(a.name for a in AUTHORS)
    assert paper.published == PUBLISHED
    assert paper.upvotes == 7
    assert paper.fact(Field.PRIMARY_CATEGORY) == "cs.LG"
    published = next(fact for fact in paper.meta if fact.name is Field.PUBLISHED)
    assert published.source is Source.ARXIV


# --- the actions ----------------------------------------------------------------------


@pytest.mark.slow
def test_looking_up_a_selection_of_more_than_a_page_fills_every_paper(
    manual: MainWindow, qtbot, lookup: PatientLookup, digest: str
):
    paste(manual, qtbot, digest)
    assert lookup.opened == 0  # automatic lookups are off
    selected = manual.selected_ids()
    assert len(selected) == SHARED_DIGEST_PAPERS > PAGE_SIZE  # rows never loaded too
    undo_steps = manual.undo_stack.count()
    manual.resolver.selected_action.trigger()
    assert manual.resolver.running
    assert manual.resolver.stop_button.isVisible()
    finished(manual, qtbot)
    every = papers(manual)
    assert len(every) == SHARED_DIGEST_PAPERS
    for paper in every:
        assert_filled(paper)
    assert label(manual) == f"Lookup done: {SHARED_DIGEST_PAPERS} found, 0 not found"
    assert statuses(manual) == {ResolveStatus.MATCHED: SHARED_DIGEST_PAPERS}
    assert lookup.opened == lookup.closed == 1
    assert not manual.resolver.stop_button.isVisible()
    assert manual.undo_stack.count() == undo_steps  # fills what was absent: not undoable
    # The rows shown were read again as their chunks landed.
    qtbot.waitUntil(lambda: (row := manual.model.paper(0)) is not None and row.authors != ())
    assert manual.model.paper(0).authors == tuple(a.name for a in AUTHORS)  # type: ignore[union-attr]


def test_the_menus_offer_the_lookups(manual: MainWindow, qtbot):
    paste(manual, qtbot, small_digest("A Paper Worth Looking Up"), 1)
    resolver = manual.resolver
    tools = manual.findChild(QMenu, "toolsMenu")
    assert isinstance(tools, QMenu)
    assert [action for action in tools.actions() if not action.isSeparator()] == [
        resolver.selected_action,
        resolver.pending_action,
        resolver.stop_action,
        resolver.automatic_action,
    ]
    assert resolver.automatic_action.isCheckable()
    menu = manual.build_context_menu()
    assert resolver.selected_action in menu.actions()
    assert not resolver.stop_action.isEnabled()  # Esc is left to others while idle
    menu.deleteLater()


def test_look_up_all_pending_takes_what_was_never_looked_up(
    manual: MainWindow, qtbot, lookup: PatientLookup
):
    paste(manual, qtbot, small_digest(*numbered(3)), 3)
    manual.resolver.pending_action.trigger()
    finished(manual, qtbot)
    assert all(paper.published == PUBLISHED for paper in papers(manual))
    manual.resolver.pending_action.trigger()  # nothing left
    finished(manual, qtbot)
    assert label(manual) == "Nothing to look up: every paper has been looked up"


# --- automatic, after an import ---------------------------------------------------------


def test_an_import_looks_its_new_papers_up(window: MainWindow, qtbot, lookup: PatientLookup):
    assert window.resolver.automatic_action.isChecked()  # the default
    paste(window, qtbot, small_digest(*numbered(SMALL)), SMALL)
    qtbot.waitUntil(lambda: lookup.closed == 1 and not window.resolver.running, timeout=RUN_MS)
    for paper in papers(window):
        assert_filled(paper)
    # The import's summary keeps the status bar; the lookup has a label of its own.
    assert f"{SMALL} new" in window.statusBar().currentMessage()
    assert label(window) == f"Lookup done: {SMALL} found, 0 not found"


def test_no_lookup_after_an_import_when_turned_off_and_the_choice_is_kept(
    make_window: WindowFactory, qtbot, lookup: PatientLookup
):
    first = make_window()
    first.resolver.lookup_factory = lookup.factory
    first.resolver.automatic_action.trigger()  # as a click on the menu item
    assert not auto_lookup_enabled()
    paste(first, qtbot, small_digest("A Paper Nobody Looks Up"), 1)
    assert lookup.opened == 0 and not first.resolver.running
    first.close()
    second = make_window()
    assert not second.resolver.automatic_action.isChecked()


# --- offline -------------------------------------------------------------------------------


def test_offline_says_so_once_queues_the_papers_and_a_later_run_resumes(
    window: MainWindow, qtbot, lookup: PatientLookup, monkeypatch
):
    lookup.error = LookupOfflineError("huggingface.co cannot be reached (connection refused)")
    lookup.fail_after = 3
    texts = recorded_labels(window, monkeypatch)
    paste(window, qtbot, small_digest(*numbered(SMALL)), SMALL)
    qtbot.waitUntil(lambda: lookup.closed == 1 and not window.resolver.running, timeout=RUN_MS)
    offline = [text for text in texts if text.startswith("Offline")]
    assert offline == [f"Offline: {SMALL} queued"]  # short: the status bar is shared
    assert window.resolver.status.toolTip() == (
        f"Offline: {SMALL} papers queued; they are looked up when you are back online"
    )
    assert lookup.calls == 4  # stopped at the first failure: no storm
    assert no_dialog_shown()
    assert statuses(window) == {ResolveStatus.QUEUED: SMALL}
    assert all(paper.meta == () for paper in papers(window))
    # Back online: the retry (every ten minutes; here at once) looks them up.
    retry = window.resolver.retry_timer
    assert retry.isActive()
    lookup.error = None
    retry.start(1)
    qtbot.waitUntil(lambda: lookup.closed == 2 and not window.resolver.running, timeout=RUN_MS)
    assert statuses(window) == {ResolveStatus.MATCHED: SMALL}


def test_offline_without_automatic_lookups_points_at_look_up_all_pending(
    manual: MainWindow, qtbot, lookup: PatientLookup
):
    paste(manual, qtbot, small_digest(*numbered(5)), 5)
    lookup.error = LookupOfflineError("export.arxiv.org cannot be reached")
    manual.resolver.selected_action.trigger()
    finished(manual, qtbot)
    assert label(manual) == "Offline: 5 queued"
    assert manual.resolver.status.toolTip() == (
        "Offline: 5 papers queued; Tools ▸ Look up all pending resumes when you are back online"
    )
    assert not manual.resolver.retry_timer.isActive()
    lookup.error = None
    manual.resolver.pending_action.trigger()
    finished(manual, qtbot)
    assert statuses(manual) == {ResolveStatus.MATCHED: 5}


def test_an_import_undone_while_its_papers_are_looked_up_offline_is_no_error(
    window: MainWindow, qtbot, lookup: PatientLookup
):
    lookup.error = LookupOfflineError("huggingface.co cannot be reached")
    release = lookup.hold_at(1)
    paste(window, qtbot, small_digest(*numbered(SMALL)), SMALL)
    qtbot.waitUntil(lookup.held.is_set, timeout=RUN_MS)
    window.undo_action.trigger()  # the papers go while the services are asked
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.busy, timeout=20000)
    release.set()
    finished(window, qtbot)  # the rest queued: of the papers that are left, none
    assert statuses(window) == {}
    assert label(window).startswith("Offline:")
    assert no_dialog_shown()


# --- stopping ---------------------------------------------------------------------------------


def _press_escape(main: MainWindow, qtbot) -> None:
    main.table.setFocus()
    qtbot.keyClick(main.table, Qt.Key.Key_Escape)


def _click_stop(main: MainWindow, qtbot) -> None:
    qtbot.mouseClick(main.resolver.stop_button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("stop", [_click_stop, _press_escape], ids=["button", "escape"])
def test_stop_stops_within_a_request_and_queues_the_rest(
    manual: MainWindow,
    qtbot,
    lookup: PatientLookup,
    stop: Callable[[MainWindow, object], None],
):
    paste(manual, qtbot, small_digest(*numbered(SMALL)), SMALL)
    release = lookup.hold_at(HELD_CALL)
    manual.resolver.selected_action.trigger()
    qtbot.waitUntil(lookup.held.is_set, timeout=RUN_MS)
    assert manual.resolver.stop_action.isEnabled()
    stop(manual, qtbot)
    assert not manual.resolver.stop_button.isEnabled()
    release.set()
    finished(manual, qtbot)
    assert lookup.calls == HELD_CALL  # the next request was never made
    rest = SMALL - 25
    assert statuses(manual) == {ResolveStatus.MATCHED: 25, ResolveStatus.QUEUED: rest}
    assert label(manual) == f"Lookup stopped: 25 found, 0 not found, {rest} queued for the next run"
    assert len(manual.reader.call(manual.library.identity.pending)) == rest


def test_closing_the_window_during_a_run_finishes_cleanly(
    manual: MainWindow, qtbot, lookup: PatientLookup, library_dir: Path
):
    paste(manual, qtbot, small_digest(*numbered(SMALL)), SMALL)
    lookup.hold_at(HELD_CALL)  # never released: only the stop wakes it
    manual.resolver.selected_action.trigger()
    qtbot.waitUntil(lookup.held.is_set, timeout=RUN_MS)
    started = time.perf_counter()
    manual.close()
    assert time.perf_counter() - started < 5
    assert not manual.resolver.running
    assert not manual.worker.running
    assert lookup.opened == lookup.closed == 1
    with open_library(library_dir) as opened:
        counts = opened.library.identity.counts()
    rest = SMALL - 25
    assert counts == {ResolveStatus.MATCHED: 25, ResolveStatus.QUEUED: rest}


def test_a_lookup_asked_for_during_a_run_follows_it(
    manual: MainWindow, qtbot, lookup: PatientLookup
):
    paste(manual, qtbot, small_digest(*numbered(4)), 4)
    ids = manual.selected_ids()
    release = lookup.hold_at(1)
    manual.select_ids(ids[:2])
    manual.resolver.selected_action.trigger()
    qtbot.waitUntil(lookup.held.is_set, timeout=RUN_MS)
    manual.select_ids(ids[2:])
    manual.resolver.selected_action.trigger()  # joins the running thread
    release.set()
    finished(manual, qtbot)
    assert lookup.opened == 1  # one lookup, one rate limiter for both
    assert statuses(manual) == {ResolveStatus.MATCHED: 4}


# --- the real lookup, against the replay server ---------------------------------------------


def test_the_real_lookup_finds_a_paper_on_the_replay_server(
    manual: MainWindow, qtbot, replay: ReplayServer
):
    config = RemoteConfig(timeout=2.0).without_spacing()
    manual.resolver.lookup_factory = partial(remote_lookup, config=config)
    paste(manual, qtbot, small_digest(ATTENTION), 1)
    manual.resolver.selected_action.trigger()
    finished(manual, qtbot)
    (paper,) = papers(manual)
    assert paper.arxiv_id == "1706.03762"
    assert paper.published is not None and paper.published.startswith("2017")
    assert "Ashish Vaswani" in paper.authors
    assert label(manual).startswith("Lookup done: 1 found")
    assert replay.requests and not replay.unrouted


# --- responsiveness ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("settled")
def test_the_window_stays_responsive_while_211_papers_are_looked_up(
    manual: MainWindow, qtbot, lookup: PatientLookup, digest: str
):
    """The probe of benchmarks/gui.py (a 5 ms timer on the GUI thread) while the whole
    shared digest is looked up, each call taking 3 ms off the GIL as a network wait.

    As the window does after start-up (``pauses.settle_after_startup``), what exists
    before is frozen: else the idle workers' full collections walk pytest's objects
    too (230 ms here, all of it the GIL held), which the window never has to.
    """
    paste(manual, qtbot, digest)
    probe = Probe()
    timer = QTimer(interval=PROBE_MS)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(probe.tick)
    gc.collect()
    gc.freeze()
    try:
        timer.start()
        probe.start_phase("resolve")
        started = time.perf_counter()
        manual.resolver.selected_action.trigger()
        finished(manual, qtbot)
        seconds = time.perf_counter() - started
        timer.stop()
    finally:
        gc.unfreeze()
    assert statuses(manual) == {ResolveStatus.MATCHED: SHARED_DIGEST_PAPERS}
    worst, load = probe.worst("resolve"), os.getloadavg()[0]
    print(
        f"\n{SHARED_DIGEST_PAPERS} papers looked up in {seconds:.2f} s: longest stall {worst} ms,"
        f" p99 {probe.percentile(0.99)} ms (load average {load:.1f})"
    )
    # Library work on the GUI thread would freeze it for seconds: never allowed. The
    # target (docs/performance.md) holds on a machine that is not oversubscribed; with
    # more runnable threads than cores the scheduler alone makes longer gaps.
    assert worst < 1000, f"the window froze for {worst} ms"
    if load < (os.cpu_count() or 1):
        assert worst <= STALL_TARGET_MS, f"the window froze for {worst} ms (load {load:.1f})"
