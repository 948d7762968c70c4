"""The triage in the window (readinglist/ui/triage_*.py), on a real MainWindow: trained
off the GUI thread, retrained after a change, "New in the last digest" ordered by
interest, the topic groups with their actions (on groups of more than one page of
rows), suggested tags taken with Tab."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from readinglist.core.changes import OUTSIDE_CHANGES
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import PaperQuery, ParsedPaper, ReadStatus
from readinglist.triage import service
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE
from readinglist.ui.triage_controller import format_interest
from readinglist.ui.triage_groups import PAPER_IDS_ROLE, TopicGroupsModel
from readinglist.ui.triage_tag_suggestions import TagSuggestionBar
from readinglist.ui.triage_window import TriageParts, install_triage
from tests import test_ui_window
from tests.test_triage import TOPICS, text_of
from tests.test_ui_window import idle

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window

PER_TOPIC = 130  # two topics: groups of more than one page (PAGE_SIZE rows) together


def digest_bytes(topics: list[str], per_topic: int, seed: int = 3) -> bytes:
    rng = random.Random(seed)
    papers: list[ParsedPaper] = []
    for topic in topics:
        for n in range(per_topic):
            words = TOPICS[topic].split()
            title = f"{words[n % len(words)].title()} {topic.title()} Study {n}"
            abstract = f"We present {text_of(topic, rng)} and more {text_of(topic, rng)}."
            papers.append(ParsedPaper(title, abstract, len(papers) + 1))
    return render_digest(papers).encode()


@pytest.fixture
def triaged(
    window: MainWindow, qtbot
) -> Iterator[tuple[MainWindow, TriageParts, dict[str, list[int]]]]:
    """Papers of two topics (splat first, then quant), six splat papers read."""
    summary = window.library.import_bytes(digest_bytes(["splat", "quant"], PER_TOPIC), "d.txt")
    ids = list(summary.new_ids)
    assert len(ids) == 2 * PER_TOPIC
    by_topic = {"splat": ids[:PER_TOPIC], "quant": ids[PER_TOPIC:]}
    window.library.set_status(by_topic["splat"][:6], ReadStatus.READ)
    parts = install_triage(window, window, start=False, retrain_delay_ms=20)
    yield window, parts, by_topic
    parts.stop()


def test_training_runs_off_the_gui_thread_and_ranks_the_readers_topic_first(
    triaged, qtbot, monkeypatch
):
    window, parts, by_topic = triaged
    threads: list[threading.Thread] = []
    train = service.Triage.train.__func__  # type: ignore[attr-defined]

    def recording(cls, *args, **kwargs):
        threads.append(threading.current_thread())
        return train(cls, *args, **kwargs)

    monkeypatch.setattr(service.Triage, "train", classmethod(recording))
    controller = parts.controller
    assert controller.interest(by_topic["splat"][10]) is None  # nothing before training
    with qtbot.waitSignal(controller.trained, timeout=20000):
        controller.start()
    assert threads and threading.main_thread() not in threads
    assert controller.kind == "svm" and controller.enough_signals
    splat, quant = by_topic["splat"][10], by_topic["quant"][10]
    assert controller.interest(splat) > controller.interest(quant)
    digest = window.library.digest_paper_ids([window.library.digests()[-1].id])
    ordered = controller.digest_order(digest)
    assert sorted(ordered) == sorted(digest)
    top = ordered[:50]
    assert sum(i in by_topic["splat"] for i in top) >= 45
    assert format_interest(controller.interest(splat)).count(".") == 1
    words, papers = controller.why(splat) or ((), ())
    assert words and set(papers) <= set(by_topic["splat"][:6])


def test_a_change_retrains_in_the_background(triaged, qtbot):
    window, parts, by_topic = triaged
    controller = parts.controller
    with qtbot.waitSignal(controller.trained, timeout=20000):
        controller.start()
    before = controller.interest(by_topic["quant"][20])
    assert before is not None
    with qtbot.waitSignal(controller.trained, timeout=20000):
        window.set_status(ReadStatus.READ, by_topic["quant"][:30])  # announced: retrain
    assert controller.trainings == 2
    after = controller.interest(by_topic["quant"][20])
    assert after is not None and after > before


def test_no_signal_keeps_the_digest_order(window: MainWindow, qtbot):
    window.library.import_bytes(digest_bytes(["splat", "robot"], 10), "d.txt")
    parts = install_triage(window, window, start=False)
    try:
        with qtbot.waitSignal(parts.controller.trained, timeout=20000):
            parts.controller.start()
        ids = window.library.digest_paper_ids([window.library.digests()[-1].id])
        assert parts.controller.kind is None and not parts.controller.enough_signals
        assert parts.controller.digest_order(ids) == ids
        assert parts.controller.interest(ids[0]) is None
    finally:
        parts.stop()


def test_the_groups_model_passes_the_model_tester(triaged, qtbot, qtmodeltester):
    _window, parts, by_topic = triaged
    with qtbot.waitSignal(parts.controller.groupsReady, timeout=20000):
        parts.controller.request_latest_groups()
    model = parts.groups.groups_model
    qtmodeltester.check(model)
    assert model.rowCount() >= 2
    every = [i for row in range(model.rowCount()) for i in model.index(row).data(PAPER_IDS_ROLE)]
    assert sorted(every) == sorted(by_topic["splat"] + by_topic["quant"])
    assert "(" in model.index(0).data(Qt.ItemDataRole.DisplayRole)
    empty = TopicGroupsModel()
    qtmodeltester.check(empty)


@pytest.mark.slow
def test_group_actions_act_on_the_whole_group_in_one_undo_step(triaged, qtbot):
    window, parts, _by_topic = triaged
    with qtbot.waitSignal(parts.controller.groupsReady, timeout=20000):
        parts.controller.request_latest_groups()
    view = parts.groups
    groups = [view.groups_model.group(r) for r in range(view.groups_model.rowCount())]
    ids = [i for group in groups for i in group.paper_ids]
    assert len(ids) > PAGE_SIZE  # more than one page of rows
    undo_before = window.undo_stack.count()
    for row in range(len(groups)):
        view.actions_for(row)["Queue all"]()
    idle(window, qtbot)
    papers = window.library.papers(PaperQuery(ids=tuple(ids)))
    assert {p.status for p in papers} == {ReadStatus.QUEUED}
    assert window.undo_stack.count() == undo_before + len(groups)
    window.undo_stack.undo()
    idle(window, qtbot)
    first = groups[-1].paper_ids
    assert {p.status for p in window.library.papers(PaperQuery(ids=first))} != {ReadStatus.QUEUED}
    view.ask_tag = lambda _parent, _label: "from-group"
    view.actions_for(0)["Tag all…"]()
    view.actions_for(0)["Drop all"]()
    idle(window, qtbot)
    dropped = window.library.papers(PaperQuery(ids=groups[0].paper_ids))
    assert all("from-group" in p.tags and p.status is ReadStatus.DROPPED for p in dropped)


def test_tab_in_the_empty_tag_box_takes_the_first_suggestion(qtbot):
    from PySide6.QtWidgets import QLineEdit

    editor = QLineEdit(placeholderText="Add a tag, Enter")
    qtbot.addWidget(editor)
    bar = TagSuggestionBar()
    qtbot.addWidget(bar)
    bar.attach(editor)
    taken: list[str] = []
    bar.accepted.connect(taken.append)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert taken == []  # nothing suggested: Tab is Tab
    bar.set_tags(["3d/splatting", "R&D", "llm", "too-many"])
    assert bar.tags == ["3d/splatting", "R&D", "llm"]
    assert "3d/splatting" in editor.placeholderText()
    assert bar.buttons[1].text() == "R&&D"
    editor.setText("ty")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert taken == []  # text typed: Tab keeps its meaning
    editor.clear()
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert taken == ["3d/splatting"]
    assert bar.tags == ["R&D", "llm"]  # the rest moved up
    bar.buttons[1].click()
    assert taken == ["3d/splatting", "llm"]
    assert bar.tags == ["R&D"]


def test_suggested_tags_in_the_window_are_the_readers_own(triaged, qtbot):
    window, parts, by_topic = triaged
    window.library.tag(by_topic["splat"][:8], add=["3d"])
    window.library.tag(by_topic["quant"][:8], add=["llm"])
    with qtbot.waitSignal(parts.controller.trained, timeout=20000):
        parts.controller.start()
    paper = by_topic["splat"][40]
    parts.show_paper(paper)
    assert parts.suggestions.tags == ["3d"]
    window.changes.announce(OUTSIDE_CHANGES)  # the table learns of the papers made here
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 * PER_TOPIC, timeout=10000)
    window.select_ids([paper])
    qtbot.waitUntil(lambda: window.selected_ids() == [paper], timeout=10000)
    qtbot.waitUntil(lambda: window.detail.tag_editor.isEnabled(), timeout=10000)
    with qtbot.waitSignal(parts.controller.trained, timeout=20000):  # the change retrains
        qtbot.keyClick(window.detail.tag_editor, Qt.Key.Key_Tab)
        assert parts.suggestions.tags == []  # taken at once
    idle(window, qtbot)
    (tagged,) = window.library.papers(PaperQuery(ids=(paper,)))
    assert tagged.tags == ("3d",)
    assert parts.suggestions.tags == []  # retrained: the paper has it, not suggested again


def test_the_windows_own_triage_orders_new_in_the_last_digest_by_interest(
    window: MainWindow, qtbot
) -> None:
    """Wired into MainWindow: the "New in the last digest" entry lists the reader's
    topic first once the classifier is trained; the digest's order before."""
    from readinglist.ui.sidebar import new_entry

    summary = window.library.import_bytes(digest_bytes(["quant", "splat"], PER_TOPIC), "d.txt")
    ids = list(summary.new_ids)
    splat = set(ids[PER_TOPIC:])
    window.library.set_status(ids[PER_TOPIC : PER_TOPIC + 6], ReadStatus.READ)
    controller = window.triage.controller
    with qtbot.waitSignal(controller.trained, timeout=30000):
        window.changes.announce(OUTSIDE_CHANGES)
    qtbot.waitUntil(lambda: controller.enough_signals, timeout=30000)
    digest = window.library.digests()[-1]
    window.search.show_entry(new_entry(digest.id))
    idle(window, qtbot)
    shown = [window.model.paper_id(row) for row in range(window.model.rowCount())]
    assert sorted(paper_id or 0 for paper_id in shown) == sorted(ids)
    assert shown == controller.digest_order(ids)
    assert sum(paper_id in splat for paper_id in shown[:50]) >= 45  # quant came first
