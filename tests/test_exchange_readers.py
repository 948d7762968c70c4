"""What the BibTeX, CSL-JSON and RIS readers keep, and what an import writes with it.

Names are checked against pybtex, an implementation of BibTeX's name rules we did not
write; dates, facts and the reader's state against what each entry says.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pybtex.database import Person

from readinglist.app_context import OpenLibrary
from readinglist.core.exchange.bibtex_reader import read_bibtex
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.importers import read_import, sniff
from readinglist.core.exchange.names import bibtex_name, parse_name, parse_names
from readinglist.core.metadata import Field, MetaField, PersonName, Source
from readinglist.core.models import ParsedPaper, ParseResult, Priority, ReadStatus


def _one(entry: str) -> ParsedPaper:
    [paper] = read_bibtex(entry, "x.bib").papers
    return paper


def _facts(paper: ParsedPaper) -> dict[Field, str]:
    return dict(paper.facts)


# --- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "family", "given", "suffix"),
    [
        ("van der Maaten, Laurens", "van der Maaten", "Laurens", None),
        ("Laurens van der Maaten", "van der Maaten", "Laurens", None),
        ("Doe, Jr., John", "Doe", "John", "Jr."),
        ("{Google DeepMind}", "Google DeepMind", None, None),
        ("Ludwig van Beethoven", "van Beethoven", "Ludwig", None),
        ("Maria De la Cruz", "la Cruz", "Maria De", None),  # BibTeX's rule, as documented
        ("Jean {de la} Fontaine", "Fontaine", "Jean de la", None),  # braces: not a particle
        ("Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin", "de la Vallée Poussin",
         "Charles Louis Xavier Joseph", None),
        ("Jean-Paul Sartre", "Sartre", "Jean-Paul", None),
        ("{\\'E}mile Zola", "Zola", "Émile", None),
        ("{\\'e}mile Zola", "émile Zola", None, None),  # a lower-case first word: "von"
        ("Smith-Jones", "Smith-Jones", None, None),
    ],
)  # fmt: skip
def test_names_are_split_by_bibtex_rules(
    raw: str, family: str, given: str | None, suffix: str | None
) -> None:
    name = parse_name(raw)
    assert name is not None
    assert (name.family, name.given, name.suffix) == (family, given, suffix)
    if "{" not in raw:  # pybtex, the same rules written by others, agrees
        person = Person(raw)
        assert " ".join(person.prelast_names + person.last_names) == family
        assert (" ".join(person.first_names + person.middle_names) or None) == given
        assert (" ".join(person.lineage_names) or None) == suffix


@pytest.mark.parametrize(
    "name",
    [
        PersonName("Laurens van der Maaten", "van der Maaten", "Laurens"),
        PersonName("John Doe Jr.", "Doe", "John", "Jr."),
        PersonName("Google DeepMind", "Google DeepMind"),
        PersonName("Barnes and Noble", "Barnes and Noble"),
        PersonName("Ltd Smith, Inc.", "Smith, Inc.", "Ltd"),
        PersonName("others", "others"),
        PersonName("Ümit Öz", "Öz", "Ümit"),
    ],
)
def test_a_written_name_reads_back_as_the_same_parts(name: PersonName) -> None:
    assert parse_names(bibtex_name(name)) == (name,)
    person = Person(bibtex_name(name))
    assert len(person.first_names + person.middle_names + person.last_names) >= 1


def test_others_is_not_an_author_and_a_name_nobody_split_is_written_as_it_is() -> None:
    assert [n.name for n in parse_names("Ada Lovelace and others")] == ["Ada Lovelace"]
    assert bibtex_name(PersonName("José Ñúñez-García")) == "José Ñúñez-García"
    assert bibtex_name(PersonName("Smith, Inc")) == "{Smith, Inc}"


# --- BibTeX: dates and facts ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "published"),
    [
        ("year = 2017", "2017"),
        ("year = 2017, month = jun", "2017-06"),
        ("year = {2017}, month = {June}", "2017-06"),
        ("year = 2017, month = {6}", "2017-06"),
        ("year = 2017, month = {Sep.}", "2017-09"),
        ("year = 2017, month = 13", "2017"),
        ("year = 2017, month = jun, date = {2017-06-08}", "2017-06-08"),  # date wins
        ("year = 2016, date = {2017-06}", "2017-06"),
        ("year = 2017, month = jun, date = {2017-02-30}", "2017-02"),  # no such day
        ("date = {2017/2018}", "2017"),
        ("year = {n.d.}", None),
        ("year = {forthcoming}, month = jun", None),
        ("", None),
    ],
)
def test_a_publication_date_is_as_precise_as_the_entry(fields: str, published: str | None) -> None:
    paper = _one(f"@article{{k, title = {{T}}, {fields}}}")
    assert _facts(paper).get(Field.PUBLISHED) == published


def test_an_entry_keeps_what_it_says() -> None:
    paper = _one(r"""@inproceedings{Key:2017/x,
      title = {T}, author = {Vaswani, Ashish and {Google Brain}},
      booktitle = {Advances in {NeurIPS}}, publisher = {Curran}, volume = 30, number = {2},
      pages = {5998--6008}, doi = {https://doi.org/10.5555/ABC\_1}, keywords = {a, b},
      note = {Oral}, primaryclass = {cs.CL}, eprint = {1706.03762}, archiveprefix = {arXiv},
      urldate = {2020-01-01}, annote = {mine}, readstatus = {skimmed}, ranking = {rank2},
      priority = {prio3}, groups = {nlp, To Read/Later, {a, b}}}""")
    assert _facts(paper) == {
        Field.ENTRY_TYPE: "inproceedings",
        Field.BOOKTITLE: "Advances in NeurIPS",
        Field.PUBLISHER: "Curran",
        Field.VOLUME: "30",
        Field.NUMBER: "2",
        Field.PAGES: "5998--6008",
        Field.PRIMARY_CATEGORY: "cs.CL",
        Field.KEYWORDS: "a, b",
        Field.NOTE: "Oral",
        Field.DOI: "10.5555/ABC_1",
    }
    assert paper.cite_key == "Key:2017/x"
    assert paper.arxiv_id == "1706.03762"
    assert paper.author_names[1] == PersonName("Google Brain", "Google Brain")
    reader = paper.reader
    assert reader is not None
    assert (reader.status, reader.rating, reader.priority, reader.notes) == (
        ReadStatus.SKIMMED, 2, Priority.LOW, "mine",
    )  # fmt: skip
    assert reader.tags == ("nlp", "to read/later", "a, b")


def test_what_an_arxiv_id_already_says_is_not_a_fact() -> None:
    """Better BibTeX's arXiv DOI and number, and Google Scholar's journal, restate the id."""
    ours = _one("""@misc{k, title = {T}, eprint = {2403.13043}, archiveprefix = {arXiv},
      doi = {10.48550/arXiv.2403.13043}, number = {arXiv:2403.13043}}""")
    assert ours.arxiv_id == "2403.13043"
    assert Field.DOI not in _facts(ours) and Field.NUMBER not in _facts(ours)
    scholar = _one(
        "@article{k, title = {T}, journal = {arXiv preprint arXiv:2403.13043}, year = {2024}}"
    )
    assert scholar.arxiv_id == "2403.13043"
    assert _facts(scholar) == {Field.PUBLISHED: "2024"}  # no journal, no forced "article"
    s2 = _one("@article{k, title = {T}, journal = {ArXiv}, volume = {abs/2403.13043}}")
    assert s2.arxiv_id == "2403.13043" and Field.VOLUME not in _facts(s2)
    journal = _one("@article{k, title = {T}, journal = {arXiviana Quarterly}}")
    assert _facts(journal)[Field.JOURNAL] == "arXiviana Quarterly"
    assert journal.arxiv_id is None


def test_a_key_bibtex_could_not_read_back_is_not_kept() -> None:
    assert _one("@misc{ok-key_1:2, title = {T}}").cite_key == "ok-key_1:2"
    assert _one("@misc{clé, title = {T}}").cite_key is None  # not ASCII
    assert _one("@misc{, title = {T}}").cite_key is None


# --- on a library: what an import writes -----------------------------------------------


def test_the_reader_state_of_a_file_goes_to_new_papers_only(opened: OpenLibrary) -> None:
    library = opened.library
    library.import_bytes(b"Known Paper Title\nIts abstract. It is known.\n", "digest.txt")
    library.set_status([1], ReadStatus.QUEUED)
    library.rate([1], 1)
    bib = r"""
@misc{a, title = {Known Paper Title}, readstatus = {read}, ranking = {rank5},
  priority = {prio1}, groups = {from-file}, annote = {notes from the file}}
@misc{b, title = {A New Paper}, readstatus = {read}, ranking = {rank5},
  priority = {prio1}, groups = {from-file, second}, annote = {first line
  second line}}
"""
    library.import_bytes(bib.encode(), "jabref.bib")
    known, new = library.papers()
    assert (known.status, known.rating, known.priority, known.tags) == (
        ReadStatus.QUEUED, 1, Priority.NONE, (),
    )  # fmt: skip  # the user's own state is never overwritten
    assert known.notes == "notes from the file"  # empty notes are filled
    assert (new.status, new.rating, new.priority, new.tags) == (
        ReadStatus.READ, 5, Priority.HIGH, ("from-file", "second"),
    )  # fmt: skip
    assert new.notes == "first line\nsecond line"
    library.set_notes(1, "my own notes")
    library.import_bytes(bib.replace("notes from", "other notes from").encode(), "again.bib")
    assert library.papers()[0].notes == "my own notes"


def test_an_import_fills_what_is_missing_and_never_replaces_the_user(opened: OpenLibrary) -> None:
    library = opened.library
    library.import_bytes(b"Attention Is All You Need\nWe propose the Transformer.\n", "digest.txt")
    earlier = datetime(2020, 1, 1, tzinfo=UTC)
    with opened.store.unit_of_work(write=True) as uow:  # a lookup and the user said these
        uow.put_facts(1, [
            MetaField(Field.PUBLISHED, "2017-06-12", Source.ARXIV, earlier),
            MetaField(Field.JOURNAL, "My Venue", Source.USER, earlier),
            MetaField(Field.VOLUME, "30", Source.IMPORT, earlier),
        ], earlier)  # fmt: skip
        uow.set_author_names(1, [PersonName("Ashish Vaswani"), PersonName("Noam Shazeer")], earlier)
    bib = r"""@article{vaswani2017attention, title = {Attention is all you need},
      author = {Vaswani, Ashish and Shazeer, Noam}, journal = {NeurIPS}, volume = {30},
      year = {2017}, pages = {1--11}}"""
    summary = library.import_bytes(bib.encode(), "refs.bib")
    assert summary.enriched == (1,)
    paper = library.papers()[0]
    facts = {fact.name: fact for fact in paper.meta}
    assert facts[Field.JOURNAL].value == "My Venue"  # the user's: kept
    assert facts[Field.PUBLISHED].value == "2017"  # a lookup's: an import may replace it
    assert facts[Field.PUBLISHED].source is Source.IMPORT
    assert facts[Field.VOLUME].recorded_at == earlier  # unchanged: not written again
    assert facts[Field.PAGES].value == "1--11"  # missing: filled
    assert paper.people == (  # the same people, now with their structure
        PersonName("Ashish Vaswani", "Vaswani", "Ashish"),
        PersonName("Noam Shazeer", "Shazeer", "Noam"),
    )
    assert paper.cite_key == "vaswani2017attention"
    again = library.import_bytes(bib.encode(), "refs-again.bib")
    assert again.enriched == ()  # nothing new to say
    with opened.store.unit_of_work(write=True) as uow:  # the user typed the authors
        uow.put_facts(1, [MetaField(Field.AUTHORS, "1", Source.USER, earlier)], earlier)
        uow.set_author_names(1, [PersonName("A. Vaswani", "Vaswani", "A.")], earlier)
    library.import_bytes(bib.replace("Noam", "Niki").encode(), "other-authors.bib")
    assert library.papers()[0].authors == ("A. Vaswani",)


def test_structured_names_replace_names_as_written_of_the_same_people(
    opened: OpenLibrary,
) -> None:
    library = opened.library
    authors = [{"name": "Ashish Vaswani"}, {"name": "Łukasz Kaiser"}]
    daily = [
        {"paper": {"id": "1706.03762", "title": "Attention Is All You Need", "authors": authors}}
    ]
    library.import_bytes(json.dumps(daily).encode(), "daily.json")
    assert not any(name.structured for name in library.papers()[0].people)
    bib = r"""@misc{v, title = {Attention Is All You Need},
      author = {Vaswani, Ashish and Kaiser, {\L}ukasz}, eprint = {1706.03762}}"""
    library.import_bytes(bib.encode(), "refs.bib")
    [paper] = library.papers()
    assert [(n.family, n.given) for n in paper.people] == [
        ("Vaswani", "Ashish"), ("Kaiser", "Łukasz"),
    ]  # fmt: skip
    library.import_bytes(json.dumps(daily).encode(), "daily-again.json")
    assert library.papers()[0].people == paper.people  # names as written never undo them


# --- CSL-JSON and RIS -------------------------------------------------------------------


CSL = [
    {
        "id": "vaswani2017",
        "type": "paper-conference",
        "title": "Attention Is All You Need",
        "author": [
            {"family": "Maaten", "non-dropping-particle": "van der", "given": "Laurens"},
            {"family": "Doe", "given": "John", "suffix": "Jr."},
            {"literal": "Google Brain"},
        ],
        "issued": {"date-parts": [[2017, 6]]},
        "container-title": "NeurIPS",
        "page": "5998-6008",
        "DOI": "10.48550/arXiv.1706.03762",
        "URL": "https://arxiv.org/abs/1706.03762",
        "note": "Oral",
    },
    {"id": "no title", "type": "article"},
]


def test_csljson_keeps_names_dates_and_facts() -> None:
    text = json.dumps(CSL)
    assert sniff(text) == "json"
    result = read_import(text.encode(), "zotero.json")
    assert isinstance(result, ParseResult)
    [paper] = result.papers
    assert [w.message for w in result.warnings] == ["item [1] has no title; skipped"]
    assert paper.author_names == (
        PersonName("Laurens van der Maaten", "van der Maaten", "Laurens"),
        PersonName("John Doe Jr.", "Doe", "John", "Jr."),
        PersonName("Google Brain"),  # a literal: nobody split it
    )
    assert paper.arxiv_id == "1706.03762"
    assert _facts(paper) == {
        Field.PUBLISHED: "2017-06",
        Field.ENTRY_TYPE: "inproceedings",
        Field.BOOKTITLE: "NeurIPS",
        Field.PAGES: "5998-6008",
        Field.NOTE: "Oral",
    }  # arXiv's own DOI is not a fact: the id says it
    assert paper.cite_key == "vaswani2017"


RIS = """TY  - JOUR\r
ID  - lecun1998\r
TI  - Gradient-Based Learning Applied to\r
  Document Recognition\r
AU  - LeCun, Yann\r
AU  - Doe, John, Jr.\r
AU  - Google Brain\r
PY  - 1998\r
DA  - 1998/11/\r
T2  - Proceedings of the IEEE\r
VL  - 86\r
IS  - 11\r
SP  - 2278\r
EP  - 2324\r
KW  - learning\r
KW  - vision\r
DO  - 10.1109/5.726791\r
ER  - \r
\r
TY  - GEN\r
AB  - a record without a title\r
ER  - \r
"""


def test_ris_keeps_names_dates_and_facts() -> None:
    assert sniff(RIS) == "ris"
    result = read_import(RIS.encode(), "endnote.ris")
    assert isinstance(result, ParseResult)
    [paper] = result.papers
    assert paper.title == "Gradient-Based Learning Applied to Document Recognition"
    assert paper.author_names == (
        PersonName("Yann LeCun", "LeCun", "Yann"),
        PersonName("John Doe Jr.", "Doe", "John", "Jr."),
        PersonName("Google Brain"),
    )
    assert _facts(paper) == {
        Field.PUBLISHED: "1998-11",
        Field.ENTRY_TYPE: "article",
        Field.JOURNAL: "Proceedings of the IEEE",
        Field.VOLUME: "86",
        Field.NUMBER: "11",
        Field.PAGES: "2278--2324",
        Field.KEYWORDS: "learning, vision",
        Field.DOI: "10.1109/5.726791",
    }
    assert paper.cite_key == "lecun1998"
    assert [w.line for w in result.warnings] == [20]
    with pytest.raises(ImportFormatError, match="no RIS record with a title"):
        read_import(b"TY  - GEN\nER  - \n", "empty.ris")
