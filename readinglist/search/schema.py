"""What the index holds for each paper, and how text is analysed.

Bump :data:`SCHEMA_VERSION` whenever the schema or the analysis changes: the version is
in the index folder's name, so a new version is built from the database on next start.
"""

from __future__ import annotations

from datetime import UTC, datetime

from whoosh import columns, formats
from whoosh.analysis import Analyzer
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from readinglist.core.models import LinkKind, Paper, index_stamp
from readinglist.core.orders import key_value
from readinglist.search.acronym_table import ACRONYM_FIELD, AcronymField, field_value
from readinglist.search.analysis import EnglishAnalyzer, PairAnalyzer

SCHEMA_VERSION = 9

# English words and the pieces of names ("YOLOv9": yolov9, yolo, v, 9), stop words
# dropped, British spellings folded, Porter2 stems (see readinglist.search.tokens).
ANALYZER: Analyzer = EnglishAnalyzer()

# BM25F: a word in the title counts three times a word in the abstract or notes.
FIELD_BOOSTS = {"title": 3.0, "abstract": 1.0, "notes": 1.0}

# The phrase field holds the word pairs of these fields, joined by newlines (a newline
# never joins two words, so no pair spans two fields).
PAIR_FIELD = "pairs"
PAIR_SOURCES = ("title", "abstract", "notes", "author")


def _pairs_field() -> TEXT:
    """Word pairs: only whether a paper has one matters (no frequencies, no lengths)."""
    field = TEXT(analyzer=PairAnalyzer(), phrase=False)
    field.format = formats.Existence()
    field.scorable = False
    return field


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        # The id again, as a column: every document's paper id in one array, so that a
        # search within some papers (a digest, a list) is a mask, not a lookup per hit.
        paper_id=COLUMN(columns.NumericColumn("I")),
        stamp=STORED(),
        # No positions (phrase=False): phrases are answered by the pairs field, which
        # costs less to build than positions and far less to query.
        title=TEXT(analyzer=ANALYZER, field_boost=FIELD_BOOSTS["title"], phrase=False),
        abstract=TEXT(analyzer=ANALYZER, phrase=False),
        notes=TEXT(analyzer=ANALYZER, phrase=False),
        # Authors' names, one per line; searched only when named ("author:hinton").
        author=TEXT(analyzer=ANALYZER, phrase=False),
        arxiv=ID(),
        pairs=_pairs_field(),
        # The acronyms the paper defines, with what they stand for (search/acronym_table).
        acronyms=AcronymField(),
        tags=KEYWORD(commas=True, lowercase=False, scorable=False),
        status=ID(),
        has=KEYWORD(scorable=False),
        hosts=KEYWORD(scorable=False),
        repos=KEYWORD(lowercase=True, scorable=False),
        # Few precision levels per number (shift_step) keep postings per paper low;
        # sort-only values are columns, not terms.
        added=NUMERIC(int, bits=32, signed=False, shift_step=8, sortable=True),
        rating=NUMERIC(int, bits=8, signed=False, shift_step=8, sortable=True),
        seen=NUMERIC(int, bits=16, signed=False, shift_step=16, sortable=True),
        # The key values of readinglist.core.orders (key_value), exactly: times in
        # microseconds like the database's (the "added" field above is in minutes, for
        # date filters), the title key as UTF-8 (byte order is code point order).
        added_us=COLUMN(columns.NumericColumn("q")),
        last_seen_us=COLUMN(columns.NumericColumn("q")),
        status_order=COLUMN(columns.NumericColumn("B")),
        priority_order=COLUMN(columns.NumericColumn("B")),
        title_key=COLUMN(columns.VarBytesColumn()),
    )


def _tag_terms(tags: tuple[str, ...]) -> str:
    """Each tag and its ancestors, so ``tag:3d`` matches ``3d/gaussian-splatting``."""
    terms: set[str] = set()
    for tag in tags:
        parts = tag.split("/")
        terms.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return ",".join(sorted(terms))


def epoch_minutes(moment: datetime) -> int:
    """Minutes since 1970 (32 bits last until the year 10136)."""
    return max(int(moment.astimezone(UTC).timestamp()) // 60, 0)


def document(paper: Paper) -> dict[str, object]:
    """The index document of a paper."""
    has = {link.kind.value for link in paper.links} & {LinkKind.CODE.value, LinkKind.PROJECT.value}
    if paper.notes.strip():
        has.add("notes")
    code = [link for link in paper.links if link.kind is LinkKind.CODE]
    authors = "\n".join(paper.authors)
    return {
        "id": str(paper.id),
        "paper_id": paper.id,
        "stamp": index_stamp(paper.updated_at, paper.times_seen),
        "title": paper.title,
        "abstract": paper.abstract,
        "notes": paper.notes,
        "author": authors,
        "arxiv": paper.arxiv_id,
        PAIR_FIELD: "\n".join((paper.title, paper.abstract, paper.notes, authors)),
        # None (no field at all) when it defines nothing: most papers, and the cheapest.
        ACRONYM_FIELD: field_value(paper.title, paper.abstract) or None,
        "tags": _tag_terms(paper.tags),
        "status": paper.status.value,
        "has": " ".join(sorted(has)),
        "hosts": " ".join(sorted({link.host for link in paper.links if link.host})),
        "repos": " ".join(sorted({f"{link.owner}/{link.repo}" for link in code})),
        "added": epoch_minutes(paper.added_at),
        "rating": paper.rating,
        "seen": paper.times_seen,
        "added_us": key_value(paper, "added"),
        "last_seen_us": key_value(paper, "last_seen"),
        "status_order": key_value(paper, "status"),
        "priority_order": key_value(paper, "priority"),
        "title_key": str(key_value(paper, "title")).encode("utf-8"),
    }
