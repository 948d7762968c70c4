"""A window started on a library whose last session was offline looks the queued papers
up again by itself (automatic lookups on), the real lookup against the replay server;
with automatic lookups off it leaves them for "Look up all pending"."""

from __future__ import annotations

from functools import partial

import pytest

from readinglist.core.metadata import ResolveStatus
from readinglist.remote import RemoteConfig
from readinglist.ui import resolve_controller
from readinglist.ui.main_window import MainWindow
from readinglist.ui.resolve_thread import remote_lookup
from tests import test_ui_resolve
from tests.replay_server import ATTENTION, NO_SUCH_TITLE, ReplayServer

make_window = test_ui_resolve.make_window
settings_dir = test_ui_resolve.settings_dir
WindowFactory = test_ui_resolve.WindowFactory
CLOSED = "http://127.0.0.1:9"


def counts(main: MainWindow) -> dict[ResolveStatus, int]:
    return main.reader.call(main.library.identity.counts)


@pytest.fixture
def queued(make_window: WindowFactory, qtbot) -> None:
    """A first session, offline: its import's papers looked up, and queued."""
    offline = RemoteConfig(
        hf_endpoint=CLOSED, arxiv_endpoint=CLOSED, s2_endpoint=CLOSED, timeout=2.0
    ).without_spacing()
    first = make_window()
    first.resolver.lookup_factory = partial(remote_lookup, config=offline)
    digest = test_ui_resolve.small_digest(ATTENTION, NO_SUCH_TITLE)
    test_ui_resolve.paste(first, qtbot, digest, 2)
    qtbot.waitUntil(lambda: not first.resolver.running, timeout=test_ui_resolve.RUN_MS)
    assert counts(first) == {ResolveStatus.QUEUED: 2}
    assert test_ui_resolve.label(first) == "Offline: 2 queued"
    assert first.resolver.status.toolTip().startswith("Offline: 2 papers queued")
    first.close()


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch, replay: ReplayServer) -> ReplayServer:
    """The next window's lookups go to the replay server (from its start-up on)."""
    config = RemoteConfig(timeout=2.0).without_spacing()
    monkeypatch.setattr(resolve_controller, "remote_lookup", partial(remote_lookup, config=config))
    return replay


@pytest.mark.slow
@pytest.mark.usefixtures("queued")
def test_a_window_started_later_looks_the_queued_papers_up(
    make_window: WindowFactory, qtbot, online: ReplayServer
):
    second = make_window()  # nothing asked of it: it resumes by itself
    qtbot.waitUntil(
        lambda: not second.resolver.running and counts(second).get(ResolveStatus.QUEUED) is None,
        timeout=test_ui_resolve.RUN_MS,
    )
    assert counts(second) == {ResolveStatus.MATCHED: 1, ResolveStatus.UNMATCHED: 1}
    (paper,) = [p for p in test_ui_resolve.papers(second) if p.title == ATTENTION]
    assert paper.arxiv_id == "1706.03762"
    assert online.requests
    assert test_ui_resolve.label(second).startswith("Lookup done: 1 found, 1 not found")


@pytest.mark.slow
@pytest.mark.usefixtures("queued")
def test_without_automatic_lookups_the_queue_waits_for_look_up_all_pending(
    make_window: WindowFactory, qtbot, online: ReplayServer
):
    from readinglist.ui.window_settings import save_auto_lookup

    save_auto_lookup(False)
    second = make_window()
    qtbot.wait(300)  # a resume would have asked by now (it reads the queue at start-up)
    assert not second.resolver.running and online.requests == []
    assert counts(second) == {ResolveStatus.QUEUED: 2}
    second.resolver.pending_action.trigger()
    qtbot.waitUntil(lambda: not second.resolver.running, timeout=test_ui_resolve.RUN_MS)
    assert counts(second)[ResolveStatus.MATCHED] == 1
