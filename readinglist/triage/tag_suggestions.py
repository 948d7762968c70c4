"""Suggest up to three of the reader's existing tags for a paper.

Nearest tagged neighbours: the :data:`NEIGHBOURS` tagged papers most like this one
(cosine of TF-IDF rows) vote for their tags with their similarity; a tag's score is
its share of the votes (0-1). A tag is suggested from :data:`MIN_SHARE`, and only when
its share is :data:`MIN_LIFT` times its share of the tagged papers (or :data:`SURE`):
a tag on half the library wins half of any paper's votes without saying anything. (Measured in
benchmarks/triage.py on the real digest: precision@3 0.36 without the lift at share
0.2, 0.73 with these values; fewer papers get a suggestion, but the ones made are
right.) Why
neighbours rather than a linear model per tag: a reader's tags have a handful of
papers each, too few for a classifier per tag, and a neighbour vote needs none, learns
a new tag from its first paper and says which papers it came from. A tag the paper
already has is never suggested; with no tagged paper nothing is. Only tags that some
paper carries can come out: nothing is invented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from readinglist.triage.documents import TriageDocument
from readinglist.triage.features import TextFeatures

NEIGHBOURS = 10
MAX_SUGGESTIONS = 3
MIN_SHARE = 0.4
MIN_LIFT = 2.0
SURE = 0.75  # a share that suggests a tag whatever its frequency (a reader with two tags)


@dataclass(frozen=True, slots=True)
class TagSuggestion:
    tag: str
    score: float  # the tag's share of the neighbours' votes, 0-1


class TagSuggester:
    def __init__(self, features: TextFeatures, documents: Sequence[TriageDocument]) -> None:
        tagged = [doc for doc in documents if doc.tags and doc.paper_id in features.row_of]
        self.features = features
        self.ids = [doc.paper_id for doc in tagged]
        self.tags = [doc.tags for doc in tagged]
        self.own: dict[int, tuple[str, ...]] = {doc.paper_id: doc.tags for doc in documents}
        self._rows = features.rows(self.ids) if self.ids else None
        counts: dict[str, int] = {}
        for tags in self.tags:
            for tag in set(tags):
                counts[tag] = counts.get(tag, 0) + 1
        self._counts = counts

    @property
    def vocabulary(self) -> set[str]:
        return {tag for tags in self.tags for tag in tags}

    def suggest(
        self,
        paper_id: int,
        texts: Mapping[int, str] | None = None,
        limit: int = MAX_SUGGESTIONS,
    ) -> list[TagSuggestion]:
        """Best first (ties: by name). ``texts``: the paper's text when it is not in the
        library the suggester was trained on."""
        if self._rows is None or not self.features.width:
            return []
        row = self.features.rows([paper_id], texts)
        sims = np.asarray(sp.csr_matrix(self._rows @ row.T).toarray()).ravel()
        order = [n for n in np.argsort(-sims, kind="stable") if self.ids[n] != paper_id]
        nearest = [n for n in order[:NEIGHBOURS] if sims[n] > 0]
        total = float(sum(sims[n] for n in nearest))
        if total <= 0:
            return []
        votes: dict[str, float] = {}
        for n in nearest:
            for tag in self.tags[n]:
                votes[tag] = votes.get(tag, 0.0) + float(sims[n])
        has = set(self.own.get(paper_id, ()))
        ranked = sorted(
            ((tag, vote / total) for tag, vote in votes.items() if tag not in has),
            key=lambda item: (-item[1], item[0]),
        )
        return [
            TagSuggestion(tag, round(share, 4))
            for tag, share in ranked
            if share >= max(MIN_SHARE, min(MIN_LIFT * self._counts[tag] / len(self.tags), SURE))
        ][:limit]
