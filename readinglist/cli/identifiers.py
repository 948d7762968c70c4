"""``readinglist import 2403.13043 https://arxiv.org/abs/... https://huggingface.co/papers/...``:
papers made (or merged) from identifiers, looked up on arXiv and Hugging Face.

Kept apart from the file import so ``import FILE`` never loads the network clients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist.cli.output import say
from readinglist.core.errors import NotFoundError

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.models import ImportSummary


def is_identifier(name: str) -> bool:
    """An argument that names a paper rather than a file (a file of that name wins)."""
    from readinglist.core.arxiv import identifier_arxiv_id

    return name != "-" and identifier_arxiv_id(name) is not None and not Path(name).exists()


def import_identifiers(
    opened: OpenDatabase,
    names: Sequence[str],
    import_undoable: Callable[[OpenDatabase, bytes, str], ImportSummary],
) -> ImportSummary:
    """Looks the identifiers up, imports what is known (undoable), then records its facts."""
    from readinglist.core.identifier_import import (
        look_up_identifiers,
        record_facts,
        split_identifiers,
    )
    from readinglist.locations import lookup_cache_dir
    from readinglist.remote import open_lookup

    ids, _ = split_identifiers(names)
    with open_lookup(lookup_cache_dir()) as lookup:
        records = look_up_identifiers(lookup, ids)
    if not records.found:
        raise NotFoundError(
            f"neither arXiv nor Hugging Face knows {', '.join(ids)}; nothing was imported"
        )
    for arxiv_id in records.unknown:
        say(f"{arxiv_id}: neither arXiv nor Hugging Face knows this id; skipped")
    summary = import_undoable(opened, records.content, records.source_name)
    record_facts(opened.library.identity, opened.library.identity.by_arxiv(ids), records)
    return summary
