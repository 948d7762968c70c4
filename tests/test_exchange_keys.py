"""Cite keys are stored and stable: a document's \\cite{} keeps working whatever the user
exports next, and no new paper ever takes or renames another paper's key."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import pybtex.database
import pytest
from sqlalchemy import text

from readinglist.app_context import OpenLibrary
from readinglist.core.errors import LibraryBusyError, ReadingListError
from readinglist.core.exchange import ExportScope
from readinglist.core.exchange.keys import base_key, new_keys
from readinglist.core.library import Library
from readinglist.core.models import Paper, Priority, ReadStatus
from readinglist.core.ports import Store, UnitOfWork

BIB = r"""
@article{smith2020deep, title = {Deep Nets}, author = {Smith, Jane}, year = 2020}
@misc{k2, title = {Deep Nets Again}, author = {Smith, Jane}, year = 2020}
@misc{k3, title = {Untitled Ideas On Trees}}
"""
DIGEST = b"Attention Is All You Need\nWe propose the Transformer.\n\n" + (
    b"Deep Residual Learning\nWe train very deep networks.\n"
)


def _keys(opened: OpenLibrary) -> dict[int, str | None]:
    return {paper.id: paper.cite_key for paper in opened.library.papers()}


def _bib_keys(opened: OpenLibrary, scope: ExportScope | None = None) -> dict[str, str]:
    """title -> key, as a BibTeX parser reads the export."""
    data = pybtex.database.parse_string(opened.library.exchange.export("bibtex", scope), "bibtex")
    return {str(entry.fields["title"]).strip("{}"): key for key, entry in data.entries.items()}


def test_keys_are_stored_at_the_first_export_and_kept_in_every_scope(
    opened: OpenLibrary,
) -> None:
    library = opened.library
    library.import_bytes(DIGEST, "digest.txt")
    assert set(_keys(opened).values()) == {None}  # a digest gives no key
    library.tag([2], add=["resnets"])
    library.lists.create("Group")
    library.lists.add("Group", [2, 1])
    library.searches.save("Deep", "deep")
    before = {p.id: p.updated_at for p in library.papers()}
    whole = _bib_keys(opened)
    stored = _keys(opened)
    assert sorted(whole.values()) == sorted(key for key in stored.values() if key)
    assert whole == {
        "Attention Is All You Need": "attentionall",
        "Deep Residual Learning": "deepresidual",
    }
    # Not a change a view or the index has to follow: the papers' times stay.
    assert {p.id: p.updated_at for p in library.papers()} == before
    with opened.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM search_outbox")).scalar() == 0
    for scope in (
        ExportScope("list", "Group"),
        ExportScope("search", "Deep"),
        ExportScope("tag", "resnets"),
        ExportScope("ids", ids=(2,)),
    ):
        for title, key in _bib_keys(opened, scope).items():
            assert whole[title] == key, scope
    items = json.loads(library.exchange.export("csljson", ExportScope("list", "Group")))
    assert [item["id"] for item in items] == [stored[2], stored[1]]
    assert _bib_keys(opened) == whole  # exported again: the same keys


def test_a_new_paper_never_renames_a_key_and_never_takes_one(opened: OpenLibrary) -> None:
    library = opened.library
    library.import_bytes(BIB.encode(), "refs.bib")
    keys = _keys(opened)
    assert keys == {1: "smith2020deep", 2: "k2", 3: "k3"}  # the entries' own keys, stored
    library.exchange.export("bibtex")
    assert _keys(opened) == keys  # every paper had one: nothing new
    # Unrelated papers arrive, one whose natural key is a stored one ("smith2020deep").
    later = r"""
@misc{SMITH2020DEEP, title = {Deep Nets Revisited}, author = {Smith, Jane}, year = 2020}
@misc{other, title = {Graph Nets}, author = {Doe, John}}
"""
    library.import_bytes(later.encode(), "later.bib")
    now = _keys(opened)
    assert {i: now[i] for i in keys} == keys  # nobody's key changed
    assert now[4] is None  # SMITH2020DEEP is smith2020deep to BibTeX: taken
    assert now[5] == "other"
    library.exchange.export("bibtex")
    final = _keys(opened)
    assert {i: final[i] for i in keys} == keys
    assert final[4] is not None and final[4].startswith("smith2020deep-")  # a suffix
    assert len({key.casefold() for key in final.values() if key}) == len(final)


def _paper(paper_id: int, title: str, authors: tuple[str, ...] = ()) -> Paper:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Paper(paper_id, title, "", ReadStatus.UNREAD, Priority.NONE, 0, (), (), "",
                 now, now, None, None, 0, authors)  # fmt: skip


def test_a_key_is_made_of_the_paper_alone() -> None:
    hinton = _paper(1, "Dynamic Routing Between Capsules", ("Geoffrey E. Hinton",))
    assert base_key(hinton) == "hintondynamic"  # no year: nobody said one
    assert base_key(_paper(2, "The Annotated Transformer")) == "annotatedtransformer"
    assert base_key(_paper(3, "On the Ünïcode Tïtle", ("José Ñúñez-García",))) == (
        "nunezgarciaunicode"
    )
    # Two new papers with the same base key and one clashing with a stored key.
    twins = [_paper(4, "Capsules A", ("G Hinton",)), _paper(5, "Capsules B", ("G Hinton",))]
    keys = new_keys(twins, taken={"other"})
    assert keys[4] != keys[5] and all(k.startswith("hintoncapsules-") for k in keys.values())
    assert new_keys(list(reversed(twins)), taken={"other"}) == keys
    alone = new_keys([hinton], taken={"HintonDynamic"})  # BibTeX ignores case
    assert alone[1].startswith("hintondynamic-")


class _CannotWrite:
    """A store on read-only media: it reads, and any write fails as the real one says."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def unit_of_work(self, write: bool = False) -> AbstractContextManager[UnitOfWork]:
        if write:
            raise ReadingListError("the library is read-only here (no write permission)")
        return self._store.unit_of_work()


def test_a_library_that_cannot_be_written_still_exports_the_same_keys(
    opened: OpenLibrary,
) -> None:
    opened.library.import_bytes(BIB.encode() + DIGEST, "refs.bib")
    opened.library.import_bytes(DIGEST, "digest.txt")
    read_only = Library(_CannotWrite(opened.store))
    first = read_only.exchange.export("bibtex")
    assert first == read_only.exchange.export("bibtex")
    assert _keys(opened)[4] is None  # nothing was stored...
    assert opened.library.exchange.export("bibtex") == first  # ...and nothing differs
    busy = Library(_Busy(opened.store))
    opened.library.import_bytes(b"A Brand New Title\nIts abstract.\n", "new.txt")
    with pytest.raises(LibraryBusyError):  # busy is not read-only: the user is told
        busy.exchange.export("bibtex")


class _Busy(_CannotWrite):
    def unit_of_work(self, write: bool = False) -> AbstractContextManager[UnitOfWork]:
        if write:
            raise LibraryBusyError("the library is busy")
        return self._store.unit_of_work()
