"""The resolve use case against a fake lookup: what it writes, what it keeps, when it stops.

The services themselves are tested against a local replay server in test_remote_*.py
and end to end in test_resolve_cli.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from readinglist.app_context import OpenLibrary
from readinglist.core.identity import (
    Found,
    LookupOfflineError,
    LookupUnavailableError,
    normalise_title,
    same_title,
)
from readinglist.core.metadata import (
    Field,
    MetaField,
    PersonName,
    ResolveStatus,
    Source,
)
from readinglist.core.models import LinkKind, ParsedPaper, ParseResult
from readinglist.core.resolve_cases import CHUNK, plan, resolve

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

GOYAL = "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour"
PI0 = r"$\pi_0$: A Vision-Language-Action Flow Model for General Robot Control"


class FakeLookup:
    """Answers from dictionaries; records what it was asked; can fail on demand."""

    def __init__(
        self,
        titles: dict[str, list[Found]] | None = None,
        ids: dict[str, list[Found]] | None = None,
    ) -> None:
        self.titles = titles or {}
        self.ids = ids or {}
        self.asked_titles: list[str] = []
        self.asked_ids: list[list[str]] = []
        self.fail_after: int | None = None
        self.error: Exception | None = None

    def _maybe_fail(self) -> None:
        calls = len(self.asked_titles) + len(self.asked_ids)
        if self.error is not None and self.fail_after is not None and calls > self.fail_after:
            raise self.error

    def by_title(self, title: str) -> list[Found]:
        self.asked_titles.append(title)
        self._maybe_fail()
        return list(self.titles.get(title, []))

    def by_arxiv_ids(self, arxiv_ids: Sequence[str]) -> dict[str, list[Found]]:
        self.asked_ids.append(list(arxiv_ids))
        self._maybe_fail()
        return {i: list(self.ids[i]) for i in arxiv_ids if i in self.ids}


def _import(opened: OpenLibrary, *papers: ParsedPaper) -> list[int]:
    summary = opened.library.import_parsed(ParseResult(tuple(papers)), "test.txt", b"x")
    return list(summary.new_ids)


def _arxiv(arxiv_id: str, title: str, **values: object) -> Found:
    return Found(Source.ARXIV, title, arxiv_id, **values)  # type: ignore[arg-type]


def _hf(arxiv_id: str, title: str, **values: object) -> Found:
    return Found(Source.HUGGINGFACE, title, arxiv_id, **values)  # type: ignore[arg-type]


# --- the title rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (GOYAL, "Accurate Large Minibatch SGD Training ImageNet in 1 Hour", True),
        (GOYAL, GOYAL.upper(), True),
        (PI0, "π0: A Vision-Language-Action Flow Model for General Robot Control", True),
        (PI0, "π1: A Vision-Language-Action Flow Model for General Robot Control", False),
        (PI0, "pi_0: A Vision-Language-Action Flow Model for General Robot Control", True),
        ("Attention Is All You Need", "Attention Is Not All You Need", False),
        (
            "YOLOv9: Learning What You Want to Learn Using Programmable Gradient Information",
            "YOLOv8: Learning What You Want to Learn Using Programmable Gradient Information",
            False,
        ),
        (
            "Scaling Rectified Flow Transformers for High-Resolution Image Synthesis",
            "Scaling Rectified Flow Transformer for High-Resolution Image Synthesis",
            True,
        ),
        ("Short title", "Short titles", False),  # under 30 characters: exact only
        ("", "", False),
    ],
)
def test_the_title_rule(a: str, b: str, same: bool) -> None:
    assert same_title(a, b) is same


def test_normalised_titles_drop_tex_and_accents() -> None:
    assert normalise_title(PI0).startswith("pi0 a vision language action")
    assert normalise_title("Schrödinger Bridges") == "schrodinger bridges"


# --- what one finding writes -----------------------------------------------------------


def test_a_lookup_fills_what_is_absent_and_keeps_what_the_user_imported(
    opened: OpenLibrary,
) -> None:
    (paper_id,) = _import(opened, ParsedPaper(GOYAL, "", 1, authors=("P. Goyal",)))
    with opened.store.unit_of_work(write=True) as uow:
        uow.put_facts(paper_id, [MetaField(Field.PUBLISHED, "2017", Source.IMPORT, NOW)], NOW)
    paper = opened.library.details(paper_id).paper
    found = [
        _arxiv(
            "1706.02677",
            GOYAL,
            authors=(PersonName("Priya Goyal"), PersonName("Piotr Dollár")),
            published="2017-06-08",
            primary_category="cs.CV",
            abstract="Deep learning thrives with large neural networks.",
        ),
        _hf(
            "1706.02677",
            GOYAL,
            upvotes=12,
            github_repo="https://github.com/facebookresearch/Detectron",
            github_stars=26000,
        ),
    ]
    writes = plan(paper, found, NOW)
    facts = {fact.name: fact for fact in writes.facts}
    assert Field.PUBLISHED not in facts  # the imported year is the user's
    assert writes.kept == 2  # the year and the imported author list
    assert writes.names is None
    assert facts[Field.PRIMARY_CATEGORY].value == "cs.CV"
    assert facts[Field.PRIMARY_CATEGORY].source is Source.ARXIV
    assert facts[Field.GITHUB_STARS].value == "26000"
    assert facts[Field.GITHUB_STARS].source is Source.HUGGINGFACE
    assert writes.arxiv_id == "1706.02677"
    assert writes.upvotes == 12
    assert writes.abstract == "Deep learning thrives with large neural networks."  # was empty
    assert [link.kind for link in writes.links] == [LinkKind.CODE]


def test_a_lookup_never_replaces_an_abstract_or_an_arxiv_id(opened: OpenLibrary) -> None:
    (paper_id,) = _import(
        opened, ParsedPaper(GOYAL, "The digest's abstract.", 1, arxiv_id="1706.02677")
    )
    paper = opened.library.details(paper_id).paper
    writes = plan(paper, [_arxiv("9999.99999", GOYAL, abstract="Another")], NOW)
    assert writes.abstract is None
    assert writes.arxiv_id is None


def test_resolving_by_title_writes_facts_with_source_and_time(opened: OpenLibrary) -> None:
    (paper_id,) = _import(opened, ParsedPaper(GOYAL, "abstract", 1))
    lookup = FakeLookup(
        titles={GOYAL: [_hf("1706.02677", GOYAL.upper())]},
        ids={
            "1706.02677": [
                _arxiv(
                    "1706.02677",
                    GOYAL,
                    published="2017-06-08",
                    authors=(PersonName("Priya Goyal"),),
                ),
                _hf(
                    "1706.02677",
                    GOYAL,
                    upvotes=3,
                    hf_page="https://huggingface.co/papers/1706.02677",
                ),
            ]
        },
    )
    report = resolve(opened.library.identity, lookup, [paper_id])
    assert report.matched == (paper_id,)
    paper = opened.library.details(paper_id).paper
    assert paper.arxiv_id == "1706.02677"
    assert paper.published == "2017-06-08"
    assert paper.year == "2017"
    assert paper.authors == ("Priya Goyal",)
    assert paper.upvotes == 3
    published = next(fact for fact in paper.meta if fact.name is Field.PUBLISHED)
    assert published.source is Source.ARXIV
    assert published.recorded_at.year == datetime.now(UTC).year
    assert opened.library.identity.states([paper_id])[paper_id].status is ResolveStatus.MATCHED
    assert opened.library.identity.pending() == []
    assert report.changes.touched == frozenset({paper_id})


def test_a_near_miss_title_is_no_match_and_writes_nothing(opened: OpenLibrary) -> None:
    (paper_id,) = _import(opened, ParsedPaper("Attention Is All You Need", "abstract", 1))
    lookup = FakeLookup(
        titles={"Attention Is All You Need": [_hf("2401.00001", "Attention Is Not All You Need")]}
    )
    report = resolve(opened.library.identity, lookup, [paper_id])
    assert report.unmatched == (paper_id,)
    assert lookup.asked_ids == []  # no id, nothing more to ask
    paper = opened.library.details(paper_id).paper
    assert paper.arxiv_id is None and paper.meta == ()
    assert opened.library.identity.states([paper_id])[paper_id].status is ResolveStatus.UNMATCHED
    assert opened.library.identity.pending() == []
    assert opened.library.identity.pending(retry_unmatched=True) == [paper_id]


def test_every_chunk_of_a_big_selection_is_looked_up_and_announced(opened: OpenLibrary) -> None:
    count = CHUNK * 2 + 7
    titles = [f"A sufficiently long paper title number {i:03d} about things" for i in range(count)]
    ids = _import(opened, *(ParsedPaper(t, "abstract", i + 1) for i, t in enumerate(titles)))
    lookup = FakeLookup(
        titles={t: [_arxiv(f"2401.{i:05d}", t)] for i, t in enumerate(titles)},
        ids={
            f"2401.{i:05d}": [_arxiv(f"2401.{i:05d}", t, published="2024-01-02")]
            for i, t in enumerate(titles)
        },
    )
    heard: list[int] = []
    progress: list[tuple[int, int]] = []
    report = resolve(
        opened.library.identity,
        lookup,
        ids,
        progress=lambda done, total: progress.append((done, total)),
        on_changes=lambda changes: heard.extend(changes.touched),
    )
    assert len(report.matched) == count
    assert sorted(heard) == sorted(ids)
    assert progress[-1] == (count, count)
    assert [done for done, _ in progress] == list(range(1, count + 1))  # a step per title
    assert len(lookup.asked_ids) == 3  # one id batch per chunk
    assert all(p.published == "2024-01-02" for p in opened.library.papers())


def test_offline_stops_at_once_and_queues_the_rest(opened: OpenLibrary) -> None:
    count = CHUNK + 5
    titles = [f"Another sufficiently long title for paper {i:03d} here" for i in range(count)]
    ids = _import(opened, *(ParsedPaper(t, "abstract", i + 1) for i, t in enumerate(titles)))
    lookup = FakeLookup()
    lookup.error = LookupOfflineError("huggingface.co could not be reached.")
    lookup.fail_after = 3
    report = resolve(opened.library.identity, lookup, ids)
    assert len(lookup.asked_titles) == 4  # stopped at the first failure, no storm
    assert report.queued == tuple(ids)
    assert "next run" in (report.message or "")
    states = opened.library.identity.states(ids)
    assert {state.status for state in states.values()} == {ResolveStatus.QUEUED}
    assert opened.library.identity.pending() == ids
    assert all(p.meta == () for p in opened.library.papers())


def test_a_service_error_marks_the_chunk_failed_with_a_retry_time(opened: OpenLibrary) -> None:
    (paper_id,) = _import(opened, ParsedPaper(GOYAL, "abstract", 1))
    lookup = FakeLookup()
    lookup.error = LookupUnavailableError("export.arxiv.org answered 503 three times.")
    lookup.fail_after = 0
    report = resolve(opened.library.identity, lookup, [paper_id])
    assert report.failed == (paper_id,)
    state = opened.library.identity.states([paper_id])[paper_id]
    assert state.status is ResolveStatus.FAILED and state.attempts == 1
    assert state.next_try_at is not None and state.next_try_at > datetime.now(UTC)
    assert opened.library.identity.pending() == []  # not due yet
    resolve(opened.library.identity, lookup, [paper_id])
    assert opened.library.identity.states([paper_id])[paper_id].attempts == 2


def test_a_paper_deleted_while_the_services_answer_is_skipped(opened: OpenLibrary) -> None:
    (paper_id,) = _import(opened, ParsedPaper(GOYAL, "abstract", 1))

    class Deleting(FakeLookup):
        def by_title(self, title: str) -> list[Found]:
            opened.library.delete([paper_id])
            return [_arxiv("1706.02677", title)]

    report = resolve(opened.library.identity, Deleting(), [paper_id])
    assert report.changes.touched == frozenset()
    assert opened.library.papers() == []
