"""Ranking "for me": a linear model of the reader's signals over TF-IDF features.

With enough positives (:data:`MIN_POSITIVES`) the model is a linear SVM, as
arxiv-sanity ranked papers: ``LinearSVC(C=0.01, class_weight="balanced")``, positives
the papers queued, being read, read or rated 4+, negatives the dropped papers
(:data:`DROPPED_WEIGHT` each) and, weakly, every other paper of the library
(:data:`BACKGROUND_WEIGHT`: arxiv-sanity took all the others as negatives; a personal
library holds mostly papers the reader passed over). Below that, a cold start: the
weight vector is the time-weighted sum of the last papers the reader wanted (each
halved every :data:`HALF_LIFE_DAYS` before the newest), i.e. similarity to them.

Both are one weight vector, so ranking is one sparse product and "why" is the same
for both: the words whose weight times their TF-IDF in the paper pushed it up most, and
the wanted papers nearest to it (cosine of TF-IDF rows).

``interest`` is rank-based: the share of the library's papers that score below the
paper (its percentile among them, 0-1). A margin of an SVM with C=0.01 has no scale a
reader can read; "better than 90% of your library" has, and it is the same for the
cold start and the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from readinglist.triage.documents import NEGATIVE, POSITIVE, TriageDocument
from readinglist.triage.features import TextFeatures

MIN_POSITIVES = 5  # below: the cold start
SVM_C = 0.01
DROPPED_WEIGHT = 3.0
BACKGROUND_WEIGHT = 1.0
COLD_START_PAPERS = 10  # the last papers wanted that the cold start compares with
HALF_LIFE_DAYS = 14.0
WHY_WORDS = 5
WHY_PAPERS = 3
MIN_NEIGHBOUR_SIMILARITY = 0.05

RankerKind = Literal["svm", "similar"]


@dataclass(frozen=True, slots=True)
class Why:
    """The words and the wanted papers (ids) that pushed a paper up."""

    words: tuple[str, ...]
    papers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RankedPaper:
    paper_id: int
    interest: float  # 0-1: the share of the library's papers scoring below it
    score: float  # the raw decision value (for ties and debugging)
    why: Why


class Ranker:
    """A weight vector over the features, with what "why" and ``interest`` need."""

    def __init__(
        self,
        kind: RankerKind,
        features: TextFeatures,
        weights: np.ndarray[Any, Any],
        bias: float,
        positive_ids: Sequence[int],
    ) -> None:
        self.kind: RankerKind = kind
        self.features = features
        self.weights = weights.astype(np.float64)
        self.bias = bias
        self.positive_ids = tuple(positive_ids)
        self._positives = features.rows(self.positive_ids)
        library = features.matrix
        self._reference = np.sort(self._scores(library)) if library.shape[0] else np.zeros(1)

    def _scores(self, rows: sp.csr_matrix) -> np.ndarray[Any, Any]:
        return np.asarray(rows @ self.weights, dtype=np.float64).ravel() + self.bias

    def interest(self, scores: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        below = np.searchsorted(self._reference, scores, side="left")
        return np.asarray(below / len(self._reference), dtype=np.float64)

    def rank(
        self, ids: Sequence[int], texts: Mapping[int, str] | None = None, explain: bool = True
    ) -> list[RankedPaper]:
        """These papers best first (equal scores keep the given order), with interest and
        (``explain``) why."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        rows = self.features.rows(ids, texts)
        scores = self._scores(rows)
        interests = self.interest(scores)
        order = np.argsort(-scores, kind="stable")
        whys = self._explain(rows, ids) if explain else None
        return [
            RankedPaper(
                ids[n],
                round(float(interests[n]), 4),
                float(scores[n]),
                whys[n] if whys is not None else Why((), ()),
            )
            for n in order
        ]

    def _explain(self, rows: sp.csr_matrix, ids: Sequence[int]) -> list[Why]:
        contributions = sp.csr_matrix(rows.multiply(self.weights.reshape(1, -1)))
        near = sp.csr_matrix(rows @ self._positives.T) if self._positives.shape[0] else None
        whys: list[Why] = []
        for n, paper_id in enumerate(ids):
            start, end = contributions.indptr[n], contributions.indptr[n + 1]
            values = contributions.data[start:end]
            columns = contributions.indices[start:end]
            top = np.argsort(-values, kind="stable")[:WHY_WORDS]
            words = tuple(str(self.features.names[columns[t]]) for t in top if values[t] > 0)
            whys.append(Why(_without_repeats(words), self._neighbours(near, n, paper_id)))
        return whys

    def _neighbours(self, near: sp.csr_matrix | None, n: int, paper_id: int) -> tuple[int, ...]:
        if near is None:
            return ()
        start, end = near.indptr[n], near.indptr[n + 1]
        sims = near.data[start:end]
        columns = near.indices[start:end]
        order = np.argsort(-sims, kind="stable")
        found: list[int] = []
        for t in order:
            other = self.positive_ids[columns[t]]
            if sims[t] < MIN_NEIGHBOUR_SIMILARITY or len(found) == WHY_PAPERS:
                break
            if other != paper_id:
                found.append(other)
        return tuple(found)


def _without_repeats(words: Sequence[str]) -> tuple[str, ...]:
    """ "gaussian splatting" makes "gaussian" and "splatting" say nothing more."""
    bigrams = [word for word in words if " " in word]
    covered = {part for bigram in bigrams for part in bigram.split()}
    return tuple(word for word in words if " " in word or word not in covered)


def train_ranker(features: TextFeatures, documents: Sequence[TriageDocument]) -> Ranker | None:
    """The ranker the reader's signals allow: the SVM from :data:`MIN_POSITIVES`
    positives (and any other paper), the cold start below, None with no positive at all
    (nothing is known of the reader's interests, so nothing is ranked)."""
    if not features.width:
        return None
    positives = [doc for doc in documents if doc.label == POSITIVE]
    if not positives:
        return None
    others = [doc for doc in documents if doc.label != POSITIVE]
    if len(positives) >= MIN_POSITIVES and others:
        return _svm(features, positives, others)
    return _cold_start(features, positives)


def _svm(
    features: TextFeatures,
    positives: Sequence[TriageDocument],
    others: Sequence[TriageDocument],
) -> Ranker:
    from sklearn.svm import LinearSVC

    training = [*positives, *others]
    rows = features.rows([doc.paper_id for doc in training])
    labels = np.array([1] * len(positives) + [0] * len(others))
    weights = np.array(
        [1.0] * len(positives)
        + [DROPPED_WEIGHT if doc.label == NEGATIVE else BACKGROUND_WEIGHT for doc in others]
    )
    model = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=10_000, tol=1e-6)
    model.fit(rows, labels, sample_weight=weights)
    return Ranker(
        "svm",
        features,
        np.asarray(model.coef_).ravel(),
        float(np.asarray(model.intercept_).ravel()[0]),
        [doc.paper_id for doc in positives],
    )


def _cold_start(features: TextFeatures, positives: Sequence[TriageDocument]) -> Ranker:
    """Ages count from the newest signal, not from today: a week away from the library
    changes no ranking."""
    recent = sorted(positives, key=lambda doc: (doc.touched_at, doc.paper_id), reverse=True)
    recent = recent[:COLD_START_PAPERS]
    newest = max(doc.touched_at for doc in recent)
    ages = np.array([(newest - doc.touched_at).total_seconds() / 86_400 for doc in recent])
    decay = np.power(0.5, ages / HALF_LIFE_DAYS)
    rows = features.rows([doc.paper_id for doc in recent])
    weights = np.asarray(rows.T @ decay).ravel()
    return Ranker("similar", features, weights, 0.0, [doc.paper_id for doc in recent])
