"""Round trips, Zotero style, and the BibTeX export run through BibTeX itself.

Export, import into a new empty library, export again: the same bytes. What a format
can say survives it: structured names, facts, cite keys, and (in BibTeX) the reader's
own state in the fields no style prints. Each test builds its libraries in tmp_path
with a fixed clock, so the access date (``urldate``, ``accessed``, ``Y2``, the day a
paper was added) is the same in both.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pybtex.database import parse_string as pybtex_parse
from pybtex.plugin import find_plugin

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.exchange import ExportOptions
from readinglist.core.library import Library
from readinglist.core.metadata import Field
from readinglist.core.models import Paper, Priority, ReadStatus
from tests.exchange_library import HOSTILE_NOTES, REFERENCES_BIB, build_rich_library
from tests.helpers import shared_digest_path

NOW = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def _library(opened: OpenLibrary) -> Library:
    """The open library's use cases on a fixed clock."""
    return Library(opened.store, clock=lambda: NOW, index=opened.index)


@pytest.fixture
def references(tmp_path: Path) -> Iterator[Library]:
    """The BibTeX references, with the reader's own state on some of them."""
    with open_library(tmp_path / "references") as opened:
        library = _library(opened)
        library.import_bytes(REFERENCES_BIB.encode(), "references.bib")
        ids = [paper.id for paper in library.papers()]
        library.set_status(ids[:2], ReadStatus.READ)
        library.set_status(ids[2:3], ReadStatus.SKIMMED)
        library.rate(ids[1:3], 4)
        library.set_priority(ids[3:], Priority.HIGH)
        library.tag(ids[:3], add=["transformers", "to-read/later", "a, b"])
        library.set_notes(ids[0], HOSTILE_NOTES)
        yield library


def _same(first: str, second: str) -> None:
    diff = "".join(difflib.unified_diff(first.splitlines(True), second.splitlines(True)))
    assert first == second, diff


def _again(
    tmp_path: Path, name: str, text: str, format_name: str, options: ExportOptions | None = None
) -> tuple[str, list[Paper]]:
    """``text`` imported into a new, empty library, exported again as ``format_name``."""
    with open_library(tmp_path / name) as opened:
        library = _library(opened)
        library.import_bytes(text.encode("utf-8"), f"{name}.{format_name}")
        return library.exchange.export(format_name, options=options), library.papers()


def _facts(paper: Paper) -> dict[Field, str]:
    """The paper's facts; an entry type "misc" is what a paper without one is written
    as (Scholar's "article" of an arXiv preprint is not kept), so it is left out."""
    facts = {fact.name: fact.value for fact in paper.meta}
    if facts.get(Field.ENTRY_TYPE) == "misc":
        del facts[Field.ENTRY_TYPE]
    return facts


def test_bibtex_export_import_export_is_byte_identical(references: Library, tmp_path: Path) -> None:
    """With the reader's own state (--include-private: moving a library to JabRef)."""
    private = ExportOptions(private=True)
    first = references.exchange.export("bibtex", options=private)
    second, papers = _again(tmp_path, "again", first, "bibtex", private)
    _same(first, second)
    before = references.papers()
    assert [p.cite_key for p in papers] == [p.cite_key for p in before]
    assert [p.people for p in papers] == [p.people for p in before]
    assert [_facts(p) for p in papers] == [_facts(p) for p in before]
    # The reader's own state travels in JabRef's fields and annote.
    assert [(p.status, p.rating, p.priority, p.tags) for p in papers] == [
        (p.status, p.rating, p.priority, p.tags) for p in before
    ]
    assert papers[0].notes == "\n".join(HOSTILE_NOTES.splitlines())
    # What the test library holds: the cases the round trip must survive.
    by_key = {paper.cite_key: paper for paper in papers}
    assert by_key["vaswani2017attention"].arxiv_id == "1706.03762"
    assert by_key["lecun1998gradient"].fact(Field.DOI) == "10.1109/5.726791"
    assert not by_key["wmt2014findings"].authors
    assert by_key["muller2020scholar"].title == (
        "Schrödinger's BERT: Über-Attention & 50% Fewer $\\alpha$ Heads"
    )
    assert by_key["muller2020scholar"].arxiv_id == "2003.12345"  # from Scholar's "journal"
    assert by_key["muller2020scholar"].fact(Field.JOURNAL) is None
    assert "a, b" in by_key["vaswani2017attention"].tags


def test_a_shared_bibtex_file_brings_no_reading_state_into_another_library(
    references: Library, tmp_path: Path
) -> None:
    shared = references.exchange.export("bibtex")
    again, papers = _again(tmp_path, "coauthor", shared, "bibtex")
    _same(shared, again)
    assert any(p.notes or p.tags or p.rating for p in references.papers())
    assert all(not p.notes and not p.tags and not p.rating for p in papers)
    assert {p.status for p in papers} == {ReadStatus.UNREAD}


def test_csljson_and_ris_round_trips_are_byte_identical(
    references: Library, tmp_path: Path
) -> None:
    before = references.papers()
    for format_name in ("csljson", "ris"):
        first = references.exchange.export(format_name)
        second, papers = _again(tmp_path, format_name, first, format_name)
        _same(first, second)
        assert [p.cite_key for p in papers] == [p.cite_key for p in before]
        assert [_facts(p).get(Field.PUBLISHED) for p in papers] == [p.published for p in before]
        assert [p.fact(Field.DOI) for p in papers] == [p.fact(Field.DOI) for p in before]
        assert all(p.status is ReadStatus.UNREAD and not p.tags for p in papers)  # not said
    _csl, papers = _again(tmp_path, "csl-names", references.exchange.export("csljson"), "csljson")
    assert [p.people for p in papers] == [p.people for p in before]  # CSL keeps the structure


@pytest.mark.slow
def test_the_whole_library_comes_back_to_the_same_file(tmp_path: Path) -> None:
    """Names nobody split (a digest's, Hugging Face's) become structured the first time
    BibTeX reads them; from then on the file is a fixed point."""
    with build_rich_library(tmp_path / "rich", shared_digest_path()) as rich:
        first = rich.library.exchange.export("bibtex")
    second, _papers = _again(tmp_path, "second", first, "bibtex")
    third, _papers = _again(tmp_path, "third", second, "bibtex")
    _same(second, third)
    changed = [
        line
        for line in difflib.unified_diff(first.splitlines(), second.splitlines(), lineterm="")
        if line.startswith(("+ ", "- ")) and not line.startswith(("+++", "---"))
    ]
    assert changed  # the Hugging Face names, now split
    assert {line[1:].split(" = ")[0].strip() for line in changed} <= {"author", "urldate"}


def test_pybtex_formats_every_entry_with_what_the_library_knows(references: Library) -> None:
    """pybtex's plain style: every entry has its title, its authors' family names and
    its year when a source gave one."""
    data = pybtex_parse(references.exchange.export("bibtex"), "bibtex")
    authorless = [key for key, entry in data.entries.items() if "author" not in entry.persons]
    assert [str(data.entries[key].fields["key"]) for key in authorless] == [
        paper.title for paper in references.papers() if not paper.authors
    ]  # pybtex's plain style wants an author: those are checked for their "key" only
    for key in authorless:
        del data.entries[key]
    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "text")()
    formatted = {entry.key: entry.text.render(backend) for entry in style.format_bibliography(data)}
    assert len(formatted) == len(references.papers()) - len(authorless) > 0
    for paper in references.papers():
        if not paper.authors:
            continue
        text = formatted[paper.cite_key or ""]
        assert paper.title.replace("$\\alpha$", "").split(":")[0] in text
        for person in paper.people:
            assert (person.family or person.name) in text
        if paper.year:
            assert paper.year in text
    assert "van der Maaten" in formatted["vaswani2017attention"]


@pytest.mark.skipif(
    shutil.which("bibtex") is None and not os.environ.get("CI"),
    reason="bibtex is not installed (scripts/dev test installs it; in CI it must be there)",
)
@pytest.mark.slow
def test_bibtex_and_latex_read_the_whole_library(tmp_path: Path) -> None:
    """The real digest's library through BibTeX with natbib's plainnat, then LaTeX:
    no error, no character BibTeX cannot read, an entry for every paper; the only
    warnings are the years no source gave."""
    with build_rich_library(tmp_path / "rich", shared_digest_path()) as rich:
        (tmp_path / "refs.bib").write_text(rich.library.exchange.export("bibtex"), "utf-8")
        papers = rich.library.papers()
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plainnat}\n\\bibdata{refs}\n")
    run = subprocess.run(
        ["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    log = (tmp_path / "doc.blg").read_text("utf-8", errors="replace")
    assert run.returncode == 0, run.stdout
    assert "isn't valid ASCII" not in log and "error message" not in log
    warnings = {line for line in log.splitlines() if line.startswith("Warning--")}
    unknown = {f"Warning--empty year in {p.cite_key}" for p in papers if not p.year}
    unknown |= {f"Warning--empty author in {p.cite_key}" for p in papers if not p.authors}
    assert {w for w in warnings if "empty year" in w} == {w for w in unknown if "year" in w}
    assert warnings <= unknown  # only what no source said
    bbl = (tmp_path / "doc.bbl").read_text("utf-8")
    assert bbl.count("\\bibitem") == len(papers)
    assert "\\bibitem[Vaswani et~al.(2017)Vaswani, Shazeer, van~der Maaten, Doe, and" in bbl
    if shutil.which("pdflatex") is None:
        return
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{natbib}\n"
        "\\usepackage{url}\n\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plainnat}\n"
        "\\bibliography{refs}\n\\end{document}\n"
    )
    for _ in range(2):  # the second run reads the .bbl
        latex = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert latex.returncode == 0, latex.stdout[-3000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 10_000
