"""Tags edited by hand (core/tag_cases.py): rename, merge, recolour and delete, and the
undo of each giving back every tag touched exactly (its papers and its colour)."""

from __future__ import annotations

import pytest

from readinglist.core.errors import NotFoundError
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.core.tag_cases import TagState, colour_change, delete_change, rename_change
from readinglist.core.undo import record_and_apply

NAMES = ("3d", "3d/nerf", "ml", "ml/nerf", "other")


@pytest.fixture
def library(opened):
    library = opened.library
    papers = tuple(ParsedPaper(f"Paper {n} on tags", f"Abstract {n}.", 0) for n in range(6))
    library.import_parsed(ParseResult(papers), "one.txt", b"one")
    ids = [p.id for p in library.papers()]
    library.tag(ids[0:2], add=["3d"])
    library.tag(ids[1:3], add=["3d/nerf"])
    library.tag(ids[2:4], add=["ml"])
    library.tag(ids[5:6], add=["other"])
    library.set_tag_colour("3d", "#f00")
    library.set_tag_colour("ml", "#00ff00")
    return library


def states(library) -> dict[str, TagState | None]:
    found: dict[str, TagState | None] = library.tag_edits.snapshot(NAMES)
    return found


def test_undoing_a_merge_gives_every_tag_back(library) -> None:
    ids = [p.id for p in library.papers()]
    before = states(library)
    assert before["ml/nerf"] is None
    change = rename_change("3d", "ml", merge=True)
    record_and_apply(change)(library)
    after = states(library)
    assert after["3d"] is None and after["3d/nerf"] is None
    assert after["ml"] == TagState("#00ff00", tuple(ids[0:4]))  # the target keeps its colour
    assert after["ml/nerf"] == TagState(None, tuple(ids[1:3]))
    assert set(change.ids) == set(ids[0:4])
    changes = change.restore(library)
    assert changes.tags
    assert states(library) == before
    record_and_apply(change)(library)  # redo
    assert states(library) == after


def test_undoing_a_delete_puts_the_tag_back_on_exactly_its_papers(library) -> None:
    ids = [p.id for p in library.papers()]
    before = states(library)
    library.delete([ids[0]])  # a paper deleted meanwhile is skipped by the restore
    before_now = states(library)
    change = delete_change("3d")
    changes = record_and_apply(change)(library)
    assert changes.count == 2  # ids[1] and ids[2] lost a tag
    gone = states(library)
    assert gone["3d"] is None and gone["3d/nerf"] is None
    assert gone["ml"] == before["ml"]
    assert all("3d" not in p.tags and "3d/nerf" not in p.tags for p in library.papers())
    change.restore(library)
    assert states(library) == before_now
    assert states(library)["3d"] == TagState("#f00", (ids[1],))


def test_recolour_and_its_undo(library) -> None:
    change = colour_change("ml", "#123")
    record_and_apply(change)(library)
    assert states(library)["ml"].colour == "#123"  # type: ignore[union-attr]
    change.restore(library)
    assert states(library)["ml"].colour == "#00ff00"  # type: ignore[union-attr]
    cleared = colour_change("3d", "none")
    assert cleared.text.startswith("clear the colour")
    record_and_apply(cleared)(library)
    assert states(library)["3d"].colour is None  # type: ignore[union-attr]
    cleared.restore(library)
    assert states(library)["3d"].colour == "#f00"  # type: ignore[union-attr]


def test_unknown_tags_and_merges_into_nothing_change_nothing(library) -> None:
    before = states(library)
    with pytest.raises(NotFoundError):
        library.tag_edits.delete("nope")
    with pytest.raises(NotFoundError):
        library.tag_edits.merge("3d", "nope", library)
    with pytest.raises(NotFoundError):
        record_and_apply(colour_change("nope", "#fff"))(library)
    assert states(library) == before


def test_the_command_line_deletes_and_merges_tags(library_dir, opened, capsys) -> None:
    from readinglist.cli import main

    papers = tuple(ParsedPaper(f"Paper {n} on tags", f"Abstract {n}.", 0) for n in range(3))
    opened.library.import_parsed(ParseResult(papers), "one.txt", b"one")
    ids = [p.id for p in opened.library.papers()]
    opened.library.tag(ids[:2], add=["a"])
    opened.library.tag(ids[1:], add=["b"])
    opened.close()
    where = ["--library", str(library_dir)]
    assert main([*where, "tags", "merge", "a", "c"]) == 1
    assert "no tag named 'c'" in capsys.readouterr().err
    assert main([*where, "tags", "merge", "a", "b"]) == 0
    assert capsys.readouterr().out.strip() == "a -> b"
    assert main([*where, "tags", "delete", "b"]) == 0
    assert capsys.readouterr().out.strip() == "3 papers lost the tag"
    assert main([*where, "tags", "delete", "b"]) == 1
    assert main([*where, "tags", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
