"""The sidebar, headless: digests by day, tags as a tree, the sections to come."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from readinglist.core.digests import DigestInfo, days_of
from readinglist.core.models import ReadStatus, TagCount
from readinglist.ui.main_window import MainWindow
from readinglist.ui.sidebar import NEW_KEY, Entry, day_label, tag_tree
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_actions import select
from tests.test_ui_window import idle, sidebar_text

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded


def children(main: MainWindow, section: str) -> list[str]:
    item = main.sidebar.sections[section]
    return [item.child(row).text(0) for row in range(item.childCount())]  # type: ignore[union-attr]


def test_the_sidebar_model_passes_the_model_tester(loaded: MainWindow, qtmodeltester):
    qtmodeltester.check(loaded.sidebar.model())
    assert list(loaded.sidebar.sections) == [
        "Library",
        "Digests",
        "Tags",
        "Reading lists",
        "Saved searches",
    ]


def test_an_empty_library_says_what_each_section_will_hold(window: MainWindow):
    assert children(window, "Digests") == ["None imported yet"]
    assert children(window, "Tags") == ["No tags yet"]
    assert children(window, "Reading lists") == ["No lists yet"]
    assert children(window, "Saved searches") == ["No saved searches yet"]
    note = window.sidebar.sections["Tags"].child(0)
    assert note is not None
    assert not note.flags() & Qt.ItemFlag.ItemIsSelectable


@pytest.mark.slow
def test_digests_by_day_and_new_in_the_last_digest(loaded: MainWindow, qtbot):
    new = f"New in the last digest  ({SHARED_DIGEST_PAPERS})"
    assert children(loaded, "Digests") == [new, f"Today  ({SHARED_DIGEST_PAPERS})"]
    ids = select(loaded, [0, 1, 2])
    loaded.set_status(ReadStatus.READ)
    idle(loaded, qtbot)

    assert loaded.sidebar.select(f"day:{date.today().isoformat()}")
    qtbot.waitUntil(lambda: loaded.model.query.scope is not None, timeout=5000)
    idle(loaded, qtbot)
    assert loaded.model.rowCount() == SHARED_DIGEST_PAPERS
    loaded.search_box.setText("status:read")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 3, timeout=10000)
    assert {loaded.model.paper_id(row) for row in range(3)} == set(ids)

    loaded.search_box.clear()
    assert loaded.sidebar.select(NEW_KEY)
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)


def test_a_second_digest_brings_fewer_new_papers(loaded: MainWindow, qtbot):
    first = [loaded.model.paper(row) for row in range(2)]
    text = "\n\n".join(f"{p.title}\n\n{p.abstract}" for p in first if p is not None)
    text += "\n\nA Brand New Paper About Splines\n\nWe fit splines to everything, fast."
    loaded.imports.import_text(text, "second digest")
    qtbot.waitUntil(lambda: sidebar_text(loaded, NEW_KEY) == "New in the last digest  (1)")
    assert sidebar_text(loaded, "all") == f"All  ({SHARED_DIGEST_PAPERS + 1})"
    assert loaded.sidebar.select(NEW_KEY)
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 1, timeout=10000)
    paper = loaded.model.paper(0)
    assert paper is not None
    assert paper.title == "A Brand New Paper About Splines"


def test_tags_show_as_a_tree_with_counts_and_colours(loaded: MainWindow, qtbot):
    ids = select(loaded, [0, 1, 2])
    loaded.worker.call(lambda: loaded.library.tag(ids, add=["3d/nerf"]))
    loaded.worker.call(lambda: loaded.library.tag(ids[:2], add=["3d"]))
    loaded.worker.call(lambda: loaded.library.tag(ids[:1], add=["3d/gaussian", "todo"]))
    loaded.worker.call(lambda: loaded.library.set_tag_colour("todo", "#ff8800"))
    loaded.refresh_counts()
    idle(loaded, qtbot)

    assert children(loaded, "Tags") == ["3d  (3)", "todo  (1)"]
    three_d = loaded.sidebar.item("tag:3d")
    assert three_d is not None
    assert [three_d.child(r).text(0) for r in range(three_d.childCount())] == [  # type: ignore[union-attr]
        "gaussian  (1)",
        "nerf  (3)",
    ]
    todo = loaded.sidebar.item("tag:todo")
    assert todo is not None
    assert not todo.icon(0).isNull()
    assert three_d.icon(0).isNull()

    assert loaded.sidebar.select("tag:3d")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 3, timeout=10000)
    assert loaded.sidebar.select("tag:3d/gaussian")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 1, timeout=10000)
    assert loaded.model.paper_id(0) == ids[0]


@pytest.mark.slow
def test_the_chosen_entry_stays_chosen_when_counts_change(loaded: MainWindow, qtbot):
    ids = select(loaded, [0, 1])
    loaded.add_tag("later")
    idle(loaded, qtbot)
    assert loaded.sidebar.select("tag:later")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 2, timeout=10000)
    select(loaded, [0])
    loaded.set_status(ReadStatus.QUEUED)
    idle(loaded, qtbot)
    current = loaded.sidebar.current_entry()
    assert current is not None
    assert current.key == "tag:later"
    assert loaded.model.rowCount() == 2

    loaded.worker.call(lambda: loaded.library.tag(ids, remove=["later"]))
    loaded.refresh_counts()  # the tag is gone: back to All
    qtbot.waitUntil(lambda: loaded.model.rowCount() == SHARED_DIGEST_PAPERS, timeout=10000)
    assert loaded.sidebar.current_entry() == Entry("all")


def test_reading_lists_and_saved_searches_can_be_filled(loaded: MainWindow, qtbot):
    ids = select(loaded, [4, 5])
    loaded.sidebar.set_reading_lists([("Thesis", tuple(ids))])
    loaded.sidebar.set_saved_searches([("Splatting with code", "gaussian has:code")])
    assert children(loaded, "Reading lists") == ["Thesis  (2)"]
    assert children(loaded, "Saved searches") == ["Splatting with code"]

    assert loaded.sidebar.select("list:Thesis")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 2, timeout=10000)
    assert {loaded.model.paper_id(0), loaded.model.paper_id(1)} == set(ids)

    assert loaded.sidebar.select("search:Splatting with code")
    assert loaded.search_box.text() == "gaussian has:code"
    qtbot.waitUntil(lambda: 0 < loaded.model.rowCount() < SHARED_DIGEST_PAPERS, timeout=10000)
    assert loaded.model.query.scope is None


def test_the_library_s_lists_and_saved_searches_are_shown(loaded: MainWindow, qtbot):
    ids = select(loaded, [7, 8, 9])
    library = loaded.library
    loaded.worker.call(lambda: library.lists.create("Reading group"))
    loaded.worker.call(lambda: library.lists.add("Reading group", ids))
    loaded.worker.call(lambda: library.searches.save("With code", "has:code"))
    loaded.refresh_counts()
    idle(loaded, qtbot)
    assert children(loaded, "Reading lists") == ["Reading group  (3)"]
    assert children(loaded, "Saved searches") == ["With code"]
    assert loaded.sidebar.select("list:Reading group")
    qtbot.waitUntil(lambda: loaded.model.rowCount() == 3, timeout=10000)


def test_tag_tree_counts_folders_by_their_papers():
    tags = [TagCount("3d/nerf", 2, None), TagCount("3d/gs", 1, "#00ff00"), TagCount("old", 0, None)]
    asked: list[str] = []

    def count(path: str) -> int:
        asked.append(path)
        return 3

    nodes = tag_tree(tags, count)
    assert [(n.path, n.count, n.depth) for n in nodes] == [
        ("3d", 3, 0),
        ("3d/gs", 1, 1),
        ("3d/nerf", 2, 1),
    ]
    assert asked == ["3d"]
    assert nodes[1].colour == "#00ff00"


def test_digests_are_grouped_by_day_newest_first():
    from datetime import UTC, datetime

    def info(digest_id: int, day: int, hour: int) -> DigestInfo:
        return DigestInfo(digest_id, "d", datetime(2026, 11, day, hour, tzinfo=UTC), 1, 1)

    days = days_of([info(1, 20, 9), info(2, 21, 9), info(3, 20, 15)], UTC)
    assert days == {date(2026, 11, 21): [2], date(2026, 11, 20): [1, 3]}
    assert day_label(date(2026, 11, 21), today=date(2026, 11, 21)) == "Today"
    assert day_label(date(2026, 11, 20), today=date(2026, 11, 21)) == "Yesterday"
    assert day_label(date(2026, 11, 2), today=date(2026, 11, 21)) == "Mon 02 Nov 2026"
