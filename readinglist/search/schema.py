"""What the index holds for each paper, and how text is analysed.

Bump :data:`SCHEMA_VERSION` whenever the schema or the analysis changes: the version is
in the index folder's name, so a new version is built from the database on next start.
"""

from __future__ import annotations

from datetime import UTC, datetime

from whoosh.analysis import Analyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from readinglist.core.models import LinkKind, Paper, ReadStatus, index_stamp

SCHEMA_VERSION = 2

# English stemming (Snowball's Porter2: whoosh's Porter leaves "splatting" as "splatt")
# with a stop list: "splat" finds "splatting" and "splats". Stop words stay out of the
# postings (they match half the library and slow every query); the query side drops them
# too. The stem cache is unbounded: a library's vocabulary is small and stemming would
# otherwise dominate indexing time.
ANALYZER: Analyzer = (
    RegexTokenizer()
    | LowercaseFilter()
    | StopFilter(minsize=1)
    | StemFilter(lang="english", cachesize=-1)
)

STATUS_ORDER = {status.value: order for order, status in enumerate(ReadStatus)}


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        stamp=STORED(),
        title=TEXT(analyzer=ANALYZER, field_boost=3.0),
        abstract=TEXT(analyzer=ANALYZER),
        notes=TEXT(analyzer=ANALYZER),
        tags=KEYWORD(commas=True, lowercase=False, scorable=False),
        status=ID(),
        has=KEYWORD(scorable=False),
        hosts=KEYWORD(scorable=False),
        repos=KEYWORD(lowercase=True, scorable=False),
        added=NUMERIC(int, bits=64, signed=True, sortable=True),
        rating=NUMERIC(int, sortable=True),
        seen=NUMERIC(int, sortable=True),
        status_order=NUMERIC(int, sortable=True),
        title_key=ID(sortable=True),
    )


def _tag_terms(tags: tuple[str, ...]) -> str:
    """Each tag and its ancestors, so ``tag:3d`` matches ``3d/gaussian-splatting``."""
    terms: set[str] = set()
    for tag in tags:
        parts = tag.split("/")
        terms.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return ",".join(sorted(terms))


def epoch_seconds(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())


def document(paper: Paper) -> dict[str, object]:
    """The index document of a paper."""
    has = {link.kind.value for link in paper.links} & {LinkKind.CODE.value, LinkKind.PROJECT.value}
    if paper.notes.strip():
        has.add("notes")
    code = [link for link in paper.links if link.kind is LinkKind.CODE]
    return {
        "id": str(paper.id),
        "stamp": index_stamp(paper.updated_at, paper.times_seen),
        "title": paper.title,
        "abstract": paper.abstract,
        "notes": paper.notes,
        "tags": _tag_terms(paper.tags),
        "status": paper.status.value,
        "has": " ".join(sorted(has)),
        "hosts": " ".join(sorted({link.host for link in paper.links if link.host})),
        "repos": " ".join(sorted({f"{link.owner}/{link.repo}" for link in code})),
        "added": epoch_seconds(paper.added_at),
        "rating": paper.rating,
        "seen": paper.times_seen,
        "status_order": STATUS_ORDER[paper.status.value],
        "title_key": paper.title.casefold(),
    }
