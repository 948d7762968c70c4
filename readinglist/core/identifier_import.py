"""Import by identifier: ``readinglist import 2403.13043 https://arxiv.org/abs/...``.

Each identifier (an arXiv id, an arXiv URL, a Hugging Face paper page) is looked up;
what the services say becomes a paper record in Hugging Face's daily-papers JSON, the
format readinglist already imports, so the import is an ordinary one: it merges with
a paper the library has under the same title or arXiv id, the window and ``undo`` take
it back like any other, and redo imports the same records again. The facts the record
format cannot carry (dates, category, stars) are then written by the resolve use case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from readinglist.core.arxiv import identifier_arxiv_id
from readinglist.core.identity import Found, PaperLookup
from readinglist.core.metadata import Source
from readinglist.core.resolve_cases import Finding, Identity


def split_identifiers(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """(arXiv ids, the rest) of what the user gave, ids in order without repeats."""
    ids: list[str] = []
    rest: list[str] = []
    for text in texts:
        arxiv_id = identifier_arxiv_id(text)
        if arxiv_id is None:
            rest.append(text)
        elif arxiv_id not in ids:
            ids.append(arxiv_id)
    return ids, rest


def identifiers_only(text: str) -> list[str] | None:
    """The arXiv ids of a paste made only of identifiers (separated by white space or
    commas), or None when anything else is in it: then it is a digest."""
    words = text.replace(",", " ").split()
    if not words or len(words) > MAX_IDENTIFIERS:
        return None
    ids, rest = split_identifiers(words)
    return ids if ids and not rest else None


# More than this in one paste is a digest or a list, not identifiers typed by hand.
MAX_IDENTIFIERS = 500


def identifiers_name(ids: Sequence[str]) -> str:
    """What an import of these ids is called: ``arXiv 2403.13043, 2406.12345 and 2 more``."""
    more = f" and {len(ids) - 3} more" if len(ids) > 3 else ""
    return "arXiv " + ", ".join(ids[:3]) + more


@dataclass(frozen=True, slots=True)
class IdentifierRecords:
    """What the services said about the identifiers, ready to import."""

    content: bytes  # daily-papers JSON, one record per known id
    source_name: str
    found: dict[str, list[Found]]
    unknown: tuple[str, ...]


def _record(arxiv_id: str, found: Sequence[Found]) -> dict[str, object]:
    by_source = {item.source: item for item in found}
    main = by_source.get(Source.ARXIV) or found[0]
    hf = by_source.get(Source.HUGGINGFACE)
    paper: dict[str, object] = {
        "id": arxiv_id,
        "title": main.title,
        "summary": main.abstract or (hf.abstract if hf else None) or "",
        "authors": [{"name": name.name} for name in main.authors],
    }
    if hf is not None and hf.upvotes is not None:
        paper["upvotes"] = hf.upvotes
    repo = next((item.github_repo for item in found if item.github_repo), None)
    if repo:
        paper["githubRepo"] = repo
    return {"paper": paper}


def look_up_identifiers(lookup: PaperLookup, arxiv_ids: Sequence[str]) -> IdentifierRecords:
    """Asks the services about the ids (raises the lookup's errors: nothing is imported)."""
    found = lookup.by_arxiv_ids(list(arxiv_ids))
    known = [i for i in arxiv_ids if found.get(i)]
    records = [_record(i, found[i]) for i in known]
    content = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    name = identifiers_name(known)
    unknown = tuple(i for i in arxiv_ids if i not in known)
    return IdentifierRecords(content, name, {i: found[i] for i in known}, unknown)


def record_facts(identity: Identity, paper_ids: dict[str, int], records: IdentifierRecords) -> None:
    """Writes the facts of the imported records (dates, category, stars) on their papers."""
    identity.apply(
        [
            Finding(paper_ids[i], tuple(found))
            for i, found in records.found.items()
            if i in paper_ids
        ]
    )
