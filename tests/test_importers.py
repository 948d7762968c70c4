"""Hugging Face daily papers, BibTeX, and picking the format from the content."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.errors import ReadingListError
from readinglist.core.exchange.bibtex import entry
from readinglist.core.exchange.bibtex_reader import read_bibtex, split_authors
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.importers import read_import, sniff
from readinglist.core.models import LinkKind, Paper, Priority, ReadStatus
from tests.exchange_library import hf_item
from tests.helpers import FIRST_TITLE, SHARED_DIGEST_PAPERS

BIB = r"""% Encoding: UTF-8
@string{nips = "NeurIPS"}
@comment{ignored {entirely}}
@article{vaswani2017attention,
  title = {{Attention Is All You Need}},
  author = {Vaswani, Ashish and Noam Shazeer and {Google Brain Team} and others},
  eprint = {1706.03762v7},
  archivePrefix = {arXiv},
  abstract = "The dominant models at " # nips #
    { use {\"u}ber-attention \& 50\% less \emph{compute}},
  year = 2017, month = jun,
}
@inproceedings(ho2020denoising, title="Denoising Diffusion Probabilistic Models",
  author="Ho, Jonathan and Jain, Ajay", url={https://github.com/hojonathanho/diffusion},
  doi = {10.5555/3495724.3496298})
@misc{notitle, author = {Nobody}}
"""


def test_bibtex_reads_titles_abstracts_authors_urls_and_eprints() -> None:
    result = read_bibtex(BIB, "refs.bib")
    first, second = result.papers
    assert first.title == "Attention Is All You Need"
    assert first.abstract == "The dominant models at NeurIPS use über-attention & 50% less compute"
    assert first.authors == ("Ashish Vaswani", "Noam Shazeer", "Google Brain Team")
    assert first.arxiv_id == "1706.03762"
    assert first.line == 4
    assert second.title == "Denoising Diffusion Probabilistic Models"
    assert second.authors == ("Jonathan Ho", "Ajay Jain")
    assert second.urls == (
        "https://github.com/hojonathanho/diffusion",
        "https://doi.org/10.5555/3495724.3496298",
    )
    assert [w.message for w in result.warnings] == ["@misc entry without a title skipped"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@misc{k, title = {never closed", "line 1: a value is never closed"),
        ("@misc{k, title = }", "a field value must be"),
        ("@misc{k title = {x}}", "expected a citation key and a comma"),
        ("@misc{k, = {x}}", "expected a field name"),
        ("@misc{k, author = {A}}", "no BibTeX entry with a title"),
    ],
)
def test_bad_bibtex_is_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message) as caught:
        read_import(text.encode(), "refs.bib")
    assert len(str(caught.value).splitlines()) == 1


def test_splitting_author_lists() -> None:
    assert split_authors("von Neumann, Jr, John and {Barnes and Noble}") == (
        "John von Neumann Jr",
        "Barnes and Noble",
    )
    assert split_authors("") == ()


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda t: t.strip()
)


@settings(deadline=None)
@given(title=_text, abstract=_text, authors=st.lists(_text, max_size=3))
def test_our_bibtex_export_reads_back_through_our_reader(
    title: str, abstract: str, authors: list[str]
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    paper = Paper(1, " ".join(title.split()), abstract, ReadStatus.READ, Priority.NONE, 0, (),
                  (), "", now, now, None, None, 0, tuple(" ".join(a.split()) for a in authors),
                  "2401.01234")  # fmt: skip
    [parsed] = read_bibtex(entry(paper, "key"), "x.bib").papers
    assert parsed.title == paper.title
    assert parsed.abstract == " ".join(abstract.split())
    assert parsed.arxiv_id == "2401.01234"
    assert len(parsed.authors) <= len(paper.authors)  # "others" is not an author
    assert all(a in paper.authors for a in parsed.authors)


@settings(deadline=None)
@given(st.text(max_size=300))
def test_any_bibtex_like_text_fails_only_with_a_message(text: str) -> None:
    try:
        read_bibtex("@misc{" + text, "x.bib")
    except ImportFormatError as error:
        assert len(str(error).splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("[Re] Reproducing a Paper\nWe reproduce it. It works.\n", "digest"),
        ('[{"paper": {}}]', "json"),
        ("  {\n", "json"),
        ("[]", "json"),
        ("% a comment\n\n@Article{x,", "bibtex"),
        ("Title Line\n@misc{x, in an abstract\n", "digest"),
    ],
)
def test_the_format_comes_from_the_content(text: str, kind: str) -> None:
    assert sniff(text) == kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2401.01234v12", "2401.01234"),
        ("arXiv:0704.0001", "0704.0001"),
        ("https://arxiv.org/pdf/2401.01234v2.pdf", "2401.01234"),
        ("math.GT/0309136", "math.gt/0309136"),
        ("2401.1", None),
        ("", None),
        ("x" * 500, None),
    ],
)
def test_arxiv_ids(value: str, expected: str | None) -> None:
    assert normalize_arxiv_id(value) == expected


# --- on a library ---------------------------------------------------------------------


def test_hf_daily_papers_enrich_the_digest_papers(
    opened: OpenLibrary, shared_digest_bytes: bytes
) -> None:
    library = opened.library
    library.import_bytes(shared_digest_bytes, "digest.txt")
    library.set_status([1], ReadStatus.QUEUED)
    library.set_notes(1, "mine")
    papers = library.papers()
    daily = [hf_item(p.title.upper(), p.abstract, i) for i, p in enumerate(papers[:12])]
    daily.append(hf_item("A Brand New Paper From The Hub", "It is new. It has a repo.", 99))
    summary = library.import_bytes(json.dumps(daily).encode(), "2024-06-14.txt")  # any name
    assert (summary.new, summary.already_present) == (1, 12)
    assert len(summary.enriched) == 12
    assert "12 enriched with authors, arXiv ids or upvotes" in summary.describe()
    assert len(library.papers()) == SHARED_DIGEST_PAPERS + 1
    first = library.details(1).paper
    assert first.title == FIRST_TITLE  # the digest's spelling stays
    assert first.authors == ("Ada Lovelace0", "José Ñúñez-García", "Yann van der Berg")
    assert (first.arxiv_id, first.upvotes) == ("2406.10000", 10)
    assert (first.status, first.notes) == (ReadStatus.QUEUED, "mine")
    assert [link.url for link in first.links if link.kind is LinkKind.CODE][-1] == (
        "https://github.com/example/repo-0"
    )
    assert library.details(1).paper.first_link(LinkKind.PROJECT) is not None
    new = library.papers()[-1]
    assert (new.title, new.upvotes, new.arxiv_id) == (
        "A Brand New Paper From The Hub",
        109,
        "2406.10099",
    )

    # The next day: more upvotes, a changed title, found by its arXiv id.
    daily[0]["paper"]["upvotes"] = 500  # type: ignore[index]
    daily[0]["paper"]["title"] = "A Renamed Title"  # type: ignore[index]
    again = library.import_bytes(json.dumps(daily).encode(), "next.json")
    assert again.new == 0 and again.enriched == (1,)
    assert library.details(1).paper.upvotes == 500
    assert library.details(1).paper.times_seen == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"paper": {"title": 5}}], r"\[0\].paper.title: expected a string"),
        ([{"paper": {"title": "T", "authors": "A"}}], "authors: expected a list"),
        ([{"paper": {"title": "T", "upvotes": "many"}}], "upvotes: expected a whole number"),
        ([{"paper": {"title": ""}}], "no papers found"),
    ],
)
def test_hf_json_of_the_wrong_shape_changes_nothing(
    opened: OpenLibrary, value: object, message: str
) -> None:
    with pytest.raises(ReadingListError, match=message):
        opened.library.import_bytes(json.dumps(value).encode(), "daily.json")
    assert opened.library.papers() == []


def test_bibtex_import_and_a_bib_export_imported_again(opened: OpenLibrary) -> None:
    library = opened.library
    summary = library.import_bytes(BIB.encode(), "refs.txt")  # the content decides
    assert summary.new == 2 and len(summary.warnings) == 1
    papers = library.papers()
    assert papers[0].authors[0] == "Ashish Vaswani"
    assert papers[0].arxiv_id == "1706.03762"
    assert papers[1].first_link(LinkKind.CODE) is not None
    assert papers[1].first_link(LinkKind.DOI) is not None
    exported = library.exchange.export("bibtex")
    again = library.import_bytes(exported.encode(), "again.bib")
    assert (again.new, again.already_present) == (0, 2)
    assert [(p.title, p.abstract, p.authors) for p in library.papers()] == [
        (p.title, p.abstract, p.authors) for p in papers
    ]


@pytest.mark.parametrize("format_name", ["csv", "md", "html"])
def test_an_export_that_is_not_a_digest_is_refused_and_changes_nothing(
    digest_library: Path, tmp_path: Path, format_name: str
) -> None:
    """Each export of this program read back as a "digest" made junk papers named
    after its lines ("TY - GEN"); now one line says what the file is."""
    with open_library(digest_library) as opened:
        text = opened.library.exchange.export(format_name)
    with open_library(tmp_path / "fresh") as fresh:
        with pytest.raises(ImportFormatError, match="not a digest"):
            fresh.library.import_bytes(text.encode("utf-8"), f"list.{format_name}")
        assert fresh.library.papers() == []
        assert fresh.library.digests() == []


def test_a_bib_file_with_a_header_is_bibtex() -> None:
    mendeley = (
        "Automatically generated by Mendeley Desktop.\n"
        "Any changes to this file will be lost if it is overwritten.\n\n" + BIB
    )
    assert sniff(mendeley) == "bibtex"
    result = read_import(mendeley.encode(), "library.bib")
    assert [paper.title for paper in result.papers] == [
        paper.title for paper in read_bibtex(BIB, "refs.bib").papers
    ]
