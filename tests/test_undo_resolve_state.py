"""Undo of an import puts back the lookup state too (readinglist.core.fact_restore): a
paper "matched" only by lookup facts the undo took away is "queued" again, as a paper
never looked up; a paper matched before the import keeps its state. More papers than
a page of the window's table (200), through the undo journal."""

from __future__ import annotations

import pytest

from readinglist.app_context import OpenLibrary
from readinglist.core.metadata import Field, ResolveStatus
from readinglist.core.undo import ImportChange, import_change
from readinglist.core.undo_journal import dumps, loads
from tests.test_undo_facts import AUTHOR, PAPERS, bibtex, digest, lookup_findings

pytestmark = pytest.mark.slow  # 250 papers imported twice: seconds

LOOKED_UP = 30  # papers looked up (matched) before the import that is undone


def test_undo_of_an_import_unmatches_papers_whose_lookup_facts_went(opened: OpenLibrary):
    library = opened.library
    library.import_bytes(digest(), "digest.txt")
    early = [f for f in lookup_findings(library, "1901", 3) if f.paper_id <= LOOKED_UP]
    library.identity.apply(early)
    record = library.import_undoable(
        bibtex(range(PAPERS), year=2021, author=AUTHOR, journal="New Journal"), "refs.bib"
    )
    library.identity.apply(lookup_findings(library, "2402", 100))  # every paper matched
    ids = [paper.id for paper in library.papers()]
    assert len(ids) == PAPERS
    states = library.identity.states(ids)
    assert {state.status for state in states.values()} == {ResolveStatus.MATCHED}

    (change,) = loads(dumps([import_change([("refs.bib", b"")], [record])]))
    assert isinstance(change, ImportChange)
    change.restore(library)

    now = library.identity.states(ids)
    early_ids = {finding.paper_id for finding in early}
    assert {i for i, s in now.items() if s.status is ResolveStatus.MATCHED} == early_ids
    later = [i for i in ids if i not in early_ids]
    assert all(now[i].status is ResolveStatus.QUEUED for i in later)
    assert all(now[i].attempts == 0 and now[i].checked_at is None for i in later)
    assert set(later) <= set(library.identity.pending())  # asked again by the next run
    kept = library.details(min(early_ids)).paper  # its own lookup's facts are back
    assert str(kept.fact(Field.HF_PAGE)).endswith(f"1901.{kept.id:05d}")
