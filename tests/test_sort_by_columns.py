"""The orders of the Authors, Published, Tags and Code columns (core.orders).

The search index keeps no column of these keys: a search sorted by one takes its hits
from the index and their order from the database (core/database_sorts.py). The store,
the search, the browse without an index and the core's reference must agree, and a
paper missing the value (no author, no date, no tag) is last in both directions.
"""

from __future__ import annotations

import pytest

from readinglist.core import database_sorts
from readinglist.core.metadata import Field, PersonName
from readinglist.core.models import PaperQuery, ParsedPaper, ParseResult
from readinglist.core.orders import DATABASE_ORDERS, sorted_papers

NEW_ORDERS = ("authors", "published", "tags", "code")


def _paper(n: int, **fields: object) -> ParsedPaper:
    return ParsedPaper(f"Paper {n} about sorting", f"Abstract {n} on sorting.", 0, **fields)  # type: ignore[arg-type]


@pytest.fixture
def library(opened):
    library = opened.library
    papers = [
        _paper(0, authors=("Ashish Vaswani", "Noam Shazeer"), facts=((Field.PUBLISHED, "2017"),)),
        _paper(1),  # nothing known
        _paper(
            2,
            authors=("Laurens van der Maaten",),
            author_names=(PersonName("Laurens van der Maaten", "van der Maaten", "Laurens"),),
            facts=((Field.PUBLISHED, "2008-11-01"),),
        ),
        _paper(3, authors=("bob Zed",), facts=((Field.PUBLISHED, "2017-06-08"),)),
        _paper(4, urls=("https://github.com/a/b",)),
        _paper(5, authors=("Élodie Abel",), urls=("https://github.com/c/d",)),
    ]
    library.import_parsed(ParseResult(tuple(papers)), "one.txt", b"one")
    ids = [p.id for p in library.papers()]
    library.tag([ids[0], ids[3]], add=["zeta"])
    library.tag([ids[3], ids[4]], add=["alpha"])
    return library


def _ids(library, sort: str, descending: bool) -> list[int]:
    return [p.id for p in library.papers(PaperQuery(sort=sort, descending=descending))]


@pytest.mark.parametrize("sort", NEW_ORDERS)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("few_hits", [2000, 1])  # hits sorted by ``IN``, or picked out
def test_store_search_browse_and_reference_agree(
    library, sort: str, descending: bool, few_hits: int, monkeypatch
) -> None:
    monkeypatch.setattr(database_sorts, "FEW_HITS", few_hits)
    assert sort in DATABASE_ORDERS
    expected = [p.id for p in sorted_papers(library.papers(), sort, descending)]
    assert _ids(library, sort, descending) == expected
    found = library.search("", sort=sort, descending=descending, limit=2, with_ids=True)
    assert list(found.ids) == expected
    assert [r.paper.id for r in found.results] == expected[:2]
    assert found.total == len(expected)
    page = library.search("", sort=sort, descending=descending, offset=2, limit=3)
    assert [r.paper.id for r in page.results] == expected[2:5]
    browsed = library.browse("", sort, descending, 0, 50, with_ids=True)
    assert list(browsed.ids) == expected


def test_the_first_author_sorts_by_family_name_and_missing_ones_go_last(library) -> None:
    ids = [p.id for p in library.papers()]
    # As the table shows them: "Ashish Vaswani" (no source split it), "bob Zed" (case
    # folded), "van der Maaten" (the family name a source gave), "Élodie Abel" (É is not
    # ASCII: after z, by code point as the database compares); then no author.
    assert _ids(library, "authors", False) == [ids[0], ids[3], ids[2], ids[5], ids[1], ids[4]]
    assert _ids(library, "authors", True) == [ids[5], ids[2], ids[3], ids[0], ids[1], ids[4]]


def test_published_is_newest_first_and_undated_papers_last_both_ways(library) -> None:
    ids = [p.id for p in library.papers()]
    undated = [ids[1], ids[4], ids[5]]
    assert _ids(library, "published", False) == [ids[3], ids[0], ids[2], *undated]
    assert _ids(library, "published", True) == [ids[2], ids[0], ids[3], *undated]


def test_tags_and_code_orders(library) -> None:
    ids = [p.id for p in library.papers()]
    untagged = [ids[1], ids[2], ids[5]]
    assert _ids(library, "tags", False) == [ids[3], ids[4], ids[0], *untagged]
    assert _ids(library, "tags", True) == [ids[0], ids[3], ids[4], *untagged]
    assert _ids(library, "code", False) == [ids[4], ids[5], ids[0], ids[1], ids[2], ids[3]]
    assert _ids(library, "code", True) == [ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]]


@pytest.mark.parametrize("few_hits", [2000, 1])
def test_a_search_with_words_keeps_its_hits_in_the_database_order(
    library, few_hits: int, monkeypatch
) -> None:
    monkeypatch.setattr(database_sorts, "FEW_HITS", few_hits)
    ids = [p.id for p in library.papers()]
    found = library.search("tag:alpha OR tag:zeta", sort="authors", with_ids=True)
    assert list(found.ids) == [ids[0], ids[3], ids[4]]
    within = library.search("sorting", sort="published", within=[ids[1], ids[2]], with_ids=True)
    assert list(within.ids) == [ids[2], ids[1]]
    assert within.total == 2


def test_the_command_line_sorts_by_the_new_orders(library_dir, opened, capsys) -> None:
    from readinglist.cli import main

    parsed = ParseResult(
        (_paper(0, authors=("Zoe Last",)), _paper(1), _paper(2, authors=("Ann First",)))
    )
    opened.library.import_parsed(parsed, "one.txt", b"one")
    opened.close()
    assert main(["--library", str(library_dir), "list", "--sort", "authors", "--json"]) == 0
    import json

    titles = [row["title"] for row in json.loads(capsys.readouterr().out)]
    assert titles == ["Paper 2 about sorting", "Paper 0 about sorting", "Paper 1 about sorting"]
