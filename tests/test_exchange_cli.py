"""``readinglist export``'s exchange options: ``--bom`` for spreadsheets, ``--group-by``,
``--include-private`` for BibTeX."""

from __future__ import annotations

import csv
from pathlib import Path

from readinglist.app_context import open_library
from readinglist.core.models import ReadStatus
from tests.exchange_library import REFERENCES_BIB
from tests.test_cli import Cli, ok, usage_error


def test_csv_with_bom_and_markdown_of_a_list_in_its_order(tmp_path: Path) -> None:
    library_dir = tmp_path / "library"
    with open_library(library_dir) as opened:
        opened.library.import_bytes(REFERENCES_BIB.encode(), "references.bib")
        opened.library.lists.create("Seminar")
        opened.library.lists.add("Seminar", [4, 1, 3])
        titles = {paper.id: paper.title for paper in opened.library.papers()}
    cli = Cli(tmp_path, library_dir)
    ok(cli("export", "--format", "csv", "--bom", "-o", str(tmp_path / "excel.csv")))
    ok(cli("export", "--format", "csv", "-o", str(tmp_path / "plain.csv")))
    marked = (tmp_path / "excel.csv").read_bytes()
    assert marked.startswith(b"\xef\xbb\xbf")
    assert marked[3:] == (tmp_path / "plain.csv").read_bytes()
    with (tmp_path / "excel.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["published"] for row in rows] == [
        "2017-12",
        "1998-11",
        "2016-06-27",
        "2020",
        "2014",
    ]

    listed = ok(cli("export", "--format", "md", "--list", "seminar")).out
    assert "\n## " not in listed  # the list's own order, not sections by status
    order = [listed.index(titles[i].split(":")[0][:20]) for i in (4, 1, 3)]
    assert order == sorted(order)
    grouped = ok(cli("export", "--format", "md", "--list", "seminar", "--group-by", "status")).out
    assert "\n## unread (3)" in grouped


def test_a_bibtex_import_that_meets_known_papers_can_be_undone(tmp_path: Path) -> None:
    """The undo history keeps the papers an import met as they were, names and facts
    included (a PersonName in it made every second import fail to be kept)."""
    bib = tmp_path / "references.bib"
    bib.write_text(REFERENCES_BIB, encoding="utf-8")
    cli = Cli(tmp_path, tmp_path / "library")
    ok(cli("import", str(bib)))
    again = ok(cli("import", str(bib)))
    assert "0 new, 5 already in the library" in again.out
    assert "undone" in ok(cli("undo")).out
    assert "undone" in ok(cli("undo")).out
    assert ok(cli("list", "--json")).json() == []


def test_bibtex_holds_notes_and_reading_state_only_with_include_private(tmp_path: Path) -> None:
    library_dir = tmp_path / "library"
    with open_library(library_dir) as opened:
        opened.library.import_bytes(REFERENCES_BIB.encode(), "references.bib")
        opened.library.set_notes(1, "my private thoughts")
        opened.library.set_status([1], ReadStatus.READ)
        opened.library.rate([1], 4)
        opened.library.tag([1], add=["mine"])
    cli = Cli(tmp_path, library_dir)
    shared = ok(cli("export", "--format", "bibtex")).out
    for private in ("annote", "readstatus", "ranking", "groups", "my private thoughts"):
        assert private not in shared
    own = ok(cli("export", "--format", "bibtex", "--include-private")).out
    for private in ("annote", "readstatus", "ranking = {rank4}", "groups = {mine}", "my private"):
        assert private in own
    # Another format: a usage error, and no file written.
    target = tmp_path / "list.ris"
    refused = usage_error(
        cli("export", "--format", "ris", "--include-private", "-o", str(target)), "bibtex"
    )
    assert "--include-private" in refused.err
    assert not target.exists()
