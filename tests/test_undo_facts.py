"""Undo of an import gives the papers it met their facts back (readinglist.core.fact_restore):
what a BibTeX import wrote on papers already in the library, and what a lookup added
since, goes; what they had before (sources and times included) comes back; a value the
user typed since stays. Through the undo journal, as ``readinglist undo`` reads it in a
later process, and through the command line itself; more papers than a page of the
window's table (200)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.fact_restore import restoration
from readinglist.core.identity import Found
from readinglist.core.library import Library
from readinglist.core.metadata import Field, MetaField, PersonName, Source
from readinglist.core.models import Paper, ParsedPaper
from readinglist.core.resolve_cases import Finding
from readinglist.core.undo import ImportChange, import_change
from readinglist.core.undo_journal import dumps, loads
from tests import test_cli_undo
from tests.helpers import build_template, copy_library

pytestmark = pytest.mark.slow  # 250 papers imported twice: seconds each

PAPERS = 250  # more than a page of the window's table (PAGE_SIZE = 200)
KNOWN = 40  # papers that had facts of their own before (an earlier BibTeX import)
AUTHOR = "Zyxwvut"  # a family name only the undone import gives


def title(number: int) -> str:
    return f"A Sufficiently Long Title of Paper Number {number}"


def digest() -> bytes:
    papers = [ParsedPaper(title(n), f"We study problem {n} at length.", 0) for n in range(PAPERS)]
    return render_digest(papers).encode()


def bibtex(numbers: range, *, year: int, author: str, journal: str) -> bytes:
    entries = [
        f"@article{{key{year}n{n},\n  title = {{{title(n)}}},\n"
        f"  author = {{{author}, Alice and van der Berg, Bob}},\n"
        f"  journal = {{{journal}}}, year = {{{year}}}, doi = {{10.1234/t{year}.{n}}},\n"
        f"  eprint = {{2401.{n:05d}}}, archivePrefix = {{arXiv}}, primaryClass = {{cs.LG}},\n}}\n"
        for n in numbers
    ]
    return "\n".join(entries).encode()


def lookup_findings(library: Library, when: str, upvotes: int) -> list[Finding]:
    """What a lookup says of every paper: upvotes, stars, the Hugging Face page."""
    return [
        Finding(
            paper.id,
            (
                Found(
                    Source.HUGGINGFACE,
                    paper.title,
                    upvotes=paper.id + upvotes,
                    hf_page=f"https://huggingface.co/papers/{when}.{paper.id:05d}",
                    github_stars=11,
                ),
            ),
        )
        for paper in library.papers()
    ]


def everything(library: Library) -> dict[int, Paper]:
    return {paper.id: library.details(paper.id).paper for paper in library.papers()}


def identity_of(paper: Paper) -> tuple[object, ...]:
    """What an import and a lookup write on a paper that is already there."""
    return (
        paper.meta,
        paper.authors,
        paper.author_names,
        paper.arxiv_id,
        paper.upvotes,
        paper.abstract,
        paper.links,
        paper.updated_at,
    )


def _fill(opened: OpenLibrary) -> None:
    library = opened.library
    library.import_bytes(digest(), "digest.txt")
    library.import_bytes(
        bibtex(range(KNOWN), year=2019, author="Older", journal="Old Journal"), "old.bib"
    )
    library.identity.apply(lookup_findings(library, "1901", 3))


@pytest.fixture(scope="module")
def facts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("facts"), _fill)


@pytest.fixture
def opened(library_dir: Path, facts_template: Path) -> Iterator[OpenLibrary]:
    """250 papers from a digest; the first 40 with facts of an earlier BibTeX import
    and every one with what a lookup said (a copy of the module's template)."""
    with open_library(copy_library(facts_template, library_dir)) as opened:
        yield opened


@pytest.fixture
def library(opened: OpenLibrary) -> Library:
    return opened.library


def _undo_through_journal(change: ImportChange, library: Library) -> ImportChange:
    (loaded,) = loads(dumps([change]))  # what `readinglist undo` reads in a later process
    assert isinstance(loaded, ImportChange)
    loaded.restore(library)
    return loaded


def test_undo_of_an_import_gives_every_paper_it_met_its_facts_back(library: Library):
    before = everything(library)
    assert sum(1 for paper in before.values() if paper.fact(Field.DOI)) == KNOWN
    record = library.import_undoable(
        bibtex(range(PAPERS), year=2021, author=AUTHOR, journal="New Journal"), "refs.bib"
    )
    assert record.summary.new == 0 and len(record.summary.existing_ids) == PAPERS
    library.identity.apply(lookup_findings(library, "2402", 100))  # a lookup after the import
    after = everything(library)
    assert all(p.fact(Field.JOURNAL) == "New Journal" for p in after.values() if p.id > KNOWN)
    assert all(p.upvotes == p.id + 100 for p in after.values())
    assert all(str(p.fact(Field.HF_PAGE)).endswith(f"2402.{p.id:05d}") for p in after.values())
    assert library.search(f"author:{AUTHOR.lower()}", limit=0).total == PAPERS

    change = _undo_through_journal(import_change([("refs.bib", b"")], [record]), library)

    now = everything(library)
    assert {i: identity_of(p) for i, p in now.items()} == {
        i: identity_of(p) for i, p in before.items()
    }
    assert change.kept == ()
    # The earlier import's values and times, exactly (not the undone import's).
    older = now[1]
    journal = next(fact for fact in older.meta if fact.name is Field.JOURNAL)
    assert journal == next(fact for fact in before[1].meta if fact.name is Field.JOURNAL)
    assert journal.value == "Old Journal" and journal.source is Source.IMPORT
    assert now[PAPERS].arxiv_id is None and now[PAPERS].fact(Field.DOI) is None
    assert now[PAPERS].authors == ()
    # The search index forgot what the undone import said.
    assert library.search(f"author:{AUTHOR.lower()}", limit=0).total == 0
    assert library.search("author:older", limit=0).total == KNOWN


def test_a_value_the_user_typed_since_is_kept(library: Library, opened: OpenLibrary):
    record = library.import_undoable(
        bibtex(range(PAPERS), year=2021, author=AUTHOR, journal="New Journal"), "refs.bib"
    )
    typed = MetaField(Field.JOURNAL, "My Own Journal", Source.USER, datetime.now(UTC))
    with opened.store.unit_of_work(write=True) as uow:
        uow.put_facts(PAPERS, [typed], typed.recorded_at)
    change = import_change([("refs.bib", b"")], [record])
    change.restore(library)
    assert change.kept == (PAPERS,)
    paper = library.details(PAPERS).paper
    assert paper.fact(Field.JOURNAL) == "My Own Journal"
    assert paper.fact(Field.DOI) is None  # the rest of the import's facts went


def test_restoration_is_none_for_a_paper_that_has_its_facts(library: Library):
    paper = library.details(1).paper
    assert restoration(paper, paper) == (None, False)
    richer = replace(paper, author_names=(PersonName("Someone Else"),), authors=("Someone Else",))
    plan, typed = restoration(richer, paper)
    assert plan is not None and plan.names == paper.author_names and not typed


class Run(test_cli_undo.Run):
    """test_cli_undo's in-process command line, reading papers whole."""

    def papers(self) -> dict[int, Paper]:  # type: ignore[override]
        with open_library(self.folder) as opened:
            return everything(opened.library)


def test_readinglist_undo_takes_back_what_an_import_and_a_lookup_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    run = Run(tmp_path / "library", capsys)
    (tmp_path / "digest.txt").write_bytes(digest())
    (tmp_path / "old.bib").write_bytes(
        bibtex(range(KNOWN), year=2019, author="Older", journal="Old Journal")
    )
    (tmp_path / "refs.bib").write_bytes(
        bibtex(range(PAPERS), year=2021, author=AUTHOR, journal="New Journal")
    )
    run("import", str(tmp_path / "digest.txt"))
    run("import", str(tmp_path / "old.bib"))
    before = run.papers()
    run("import", str(tmp_path / "refs.bib"))
    with open_library(run.folder) as opened:  # what `readinglist resolve` would write
        opened.library.identity.apply(lookup_findings(opened.library, "2402", 100))
    assert run.papers()[PAPERS].fact(Field.JOURNAL) == "New Journal"

    out = run("undo")

    assert out.startswith("undone: import refs.bib (0 new)")
    now = run.papers()
    assert {i: identity_of(p) for i, p in now.items()} == {
        i: identity_of(p) for i, p in before.items()
    }
    shown = json.loads(run("show", str(PAPERS), "--json"))
    assert not shown.get("authors") and not shown.get("arxiv_id")
    with open_library(run.folder) as opened:
        assert opened.library.search(f"author:{AUTHOR.lower()}", limit=0).total == 0
