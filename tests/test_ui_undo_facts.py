"""The window's Ctrl+Z of a BibTeX import gives the papers it met their facts back:
authors, arXiv ids, dates, venues and what a lookup added since go; more papers than
a page of the table (250 > PAGE_SIZE), the shown rows read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.core.metadata import Field
from readinglist.ui.main_window import MainWindow
from readinglist.ui.paper_model import PAGE_SIZE
from tests import test_ui_resolve, test_undo_facts
from tests.test_undo_facts import AUTHOR, PAPERS, bibtex, digest, identity_of, lookup_findings

make_window = test_ui_resolve.make_window
settings_dir = test_ui_resolve.settings_dir
WindowFactory = test_ui_resolve.WindowFactory


def everything(main: MainWindow) -> dict[int, tuple[object, ...]]:
    found = main.reader.call(lambda: test_undo_facts.everything(main.library))
    return {paper_id: identity_of(paper) for paper_id, paper in found.items()}


@pytest.mark.slow
def test_undo_of_a_bibtex_import_in_the_window_gives_the_papers_their_facts_back(
    make_window: WindowFactory, qtbot, tmp_path: Path
):
    assert PAPERS > PAGE_SIZE
    main = make_window()
    main.resolver.automatic_action.setChecked(False)
    test_ui_resolve.paste(main, qtbot, digest().decode(), PAPERS)
    before = everything(main)
    refs = tmp_path / "refs.bib"
    refs.write_bytes(bibtex(range(PAPERS), year=2021, author=AUTHOR, journal="New Journal"))
    main.imports.import_files([refs])
    qtbot.waitUntil(lambda: not main.importing and not main.busy, timeout=60_000)
    library = main.library
    main.worker.call(lambda: library.identity.apply(lookup_findings(library, "2402", 100)))
    enriched = main.reader.call(lambda: library.details(PAPERS).paper)
    assert enriched.fact(Field.JOURNAL) == "New Journal" and enriched.upvotes == PAPERS + 100

    main.undo_action.trigger()
    qtbot.waitUntil(lambda: not main.busy, timeout=60_000)

    assert everything(main) == before
    assert main.reader.call(lambda: library.search(f"author:{AUTHOR.lower()}", limit=0).total) == 0
    assert main.model.rowCount() == PAPERS
