"""Which index segments to merge: a log-structured (tiered) policy, pure and without I/O.

Every write to the index adds a segment of its own (``BulkWriter`` never merges: Whoosh's
merge holds the GIL for hundreds of milliseconds). Segments are merged by re-indexing
their papers from the database, which costs about a millisecond a paper, so the policy
has to keep two promises at once:

- **bounded work per paper** — a paper is re-indexed O(log n) times over any run of
  writes, not once per write. Segments are grouped in tiers by size (``tier_factor``
  apart: 1-7 documents, 8-63, 64-511, ...) and a tier is merged only when it holds
  more than ``max_per_tier`` segments; the result lands (at least) one tier up, so a
  paper climbs each tier at most about once before it is edited again;
- **few segments** — at most ``max_per_tier`` per tier and a handful of tiers, so
  searches, which visit every segment, stay fast.

Sizes count deleted documents too (``total``): a big segment with one edited paper is
still big. Whoosh never reclaims the space of deleted documents by itself, so a segment
is rewritten alone once ``reclaim_share`` of its documents are deleted; every deletion
is paid for by the edit that caused it, so this too is amortised (at most
``(1 - share) / share`` papers re-indexed per deletion). A merge never writes more than
``max_merge_docs`` papers (a rebuild's segment size): full segments are left alone until
they need reclaiming.

How much of this runs inside an edit is the caller's choice (``Library`` runs only small
merges there and leaves the rest to ``Library.maintain_index``); this module only says
what is due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# 8 rather than 10: a tier-2 merge then writes 500-900 papers, which an edit can pay
# (Indexing.INLINE_MERGE_PAPERS); with 10 it wrote 1,000-1,900, so it waited for idle
# time and segments piled up five times faster without it (simulated: 10,000 edits).
TIER_FACTOR = 8
MAX_PER_TIER = 7
RECLAIM_SHARE = 0.4
MAX_MERGE_DOCS = 25_000


@dataclass(frozen=True)
class SegmentStats:
    """One segment as the policy sees it: its id and its documents, deleted ones too."""

    segment_id: str
    total: int
    deleted: int = 0

    @property
    def live(self) -> int:
        return self.total - self.deleted


@dataclass(frozen=True)
class Merge:
    """Segments to rewrite as one: ``papers`` (their live documents) is what it costs."""

    segment_ids: tuple[str, ...]
    papers: int
    reason: str  # "tier N" or "reclaim"


@dataclass(frozen=True)
class MergePolicy:
    """The parameters; see the module's docstring for what each one bounds."""

    tier_factor: int = TIER_FACTOR
    max_per_tier: int = MAX_PER_TIER
    max_merge_docs: int = MAX_MERGE_DOCS
    reclaim_share: float = RECLAIM_SHARE

    def __post_init__(self) -> None:
        if self.tier_factor < 2 or self.max_per_tier < 1 or self.max_merge_docs < 2:
            raise ValueError("tier_factor >= 2, max_per_tier >= 1 and max_merge_docs >= 2")
        if not 0.0 < self.reclaim_share <= 1.0:
            raise ValueError("reclaim_share is a share of a segment's documents: (0, 1]")

    def tier(self, total: int) -> int:
        """0 for 1-7 documents (with the default factor), 1 for 8-63, ..."""
        tier, bound = 0, self.tier_factor
        while total >= bound:
            tier += 1
            bound *= self.tier_factor
        return tier

    def full(self, segment: SegmentStats) -> bool:
        """Too big to merge with a segment of its size (over half a merge's limit): left
        out of its tier, so a big library's rebuilt segments never make a tier "too
        full" (they are rewritten only to reclaim deletions)."""
        return 2 * segment.live > self.max_merge_docs

    def merges(self, segments: Iterable[SegmentStats]) -> list[Merge]:
        """The merges due now, cheapest first; no segment is in two of them.

        Segments without a live document are left out: the next commit drops them.
        """
        alive = [segment for segment in segments if segment.live > 0]
        due = [
            Merge((segment.segment_id,), segment.live, "reclaim")
            for segment in alive
            if segment.total >= self.tier_factor  # smaller ones go with their tier
            and segment.deleted >= self.reclaim_share * segment.total
        ]
        reclaimed = {merge.segment_ids[0] for merge in due}
        tiers: dict[int, list[SegmentStats]] = {}
        for segment in alive:
            if segment.segment_id not in reclaimed and not self.full(segment):
                tiers.setdefault(self.tier(segment.total), []).append(segment)
        for tier, members in sorted(tiers.items()):
            if len(members) > self.max_per_tier:
                chosen = self._fill(members)
                if len(chosen) >= 2:
                    ids = tuple(segment.segment_id for segment in chosen)
                    papers = sum(segment.live for segment in chosen)
                    due.append(Merge(ids, papers, f"tier {tier}"))
        return sorted(due, key=lambda merge: (merge.papers, merge.segment_ids))

    def _fill(self, members: Sequence[SegmentStats]) -> list[SegmentStats]:
        """The tier's segments, smallest first, as many as one merge may write (all of
        them unless the tier holds near-full segments)."""
        chosen: list[SegmentStats] = []
        papers = 0
        for segment in sorted(members, key=lambda s: (s.live, s.segment_id)):
            if papers + segment.live > self.max_merge_docs:
                break
            chosen.append(segment)
            papers += segment.live
        return chosen
