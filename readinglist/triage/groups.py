"""Topic groups of a digest: TF-IDF, LSA, k-means, labelled by class-based TF-IDF.

The digest alone is vectorised (its own vocabulary: what sets its papers apart from
each other, not from the library), reduced by LSA (TruncatedSVD, then L2 normalised, so
k-means on it is spherical k-means on cosine), and clustered for every k in
:func:`candidate_ks`; the k kept is the one with the best silhouette (cosine), the
smaller k on a tie. Why that rule: it needs no labelled data, and over a small range
it picks a grouping a reader can scan (a 211-paper digest: 4 to 12 groups). Why not
WordLlama: TF-IDF + LSA needs nothing beyond scikit-learn, which triage loads anyway,
and is deterministic with a fixed seed.

A group's words are the top terms of class-based TF-IDF (c-TF-IDF, as BERTopic): the
group's term frequencies weighted by ``log(1 + A / f)``, A the average number of words
per group and f the term's frequency over all groups, so a word frequent in one group
and rare elsewhere comes first. The label is its first three words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from readinglist.triage.features import TOKEN_PATTERN

SEED = 0
MIN_GROUPED = 8  # fewer papers: one group
MIN_K, MAX_K = 4, 12
PAPERS_PER_GROUP = 8  # at most one group per this many papers
LSA_COMPONENTS = 60
LABEL_WORDS = 3
GROUP_WORDS = 8


@dataclass(frozen=True, slots=True)
class TopicGroup:
    label: str
    words: tuple[str, ...]
    paper_ids: tuple[int, ...]  # in the order the papers were given (the digest's)


# Words every abstract uses, which would label every group: the English stop words and
# the vocabulary of writing a paper.
PAPER_WORDS = frozenset(
    {
        "al", "approach", "approaches", "based", "et", "existing", "extensive", "experiments",
        "framework", "method", "methods", "model", "models", "novel", "paper", "performance",
        "propose", "proposed", "results", "show", "state", "art", "task", "tasks", "use", "using",
        "work", "achieve", "achieves", "demonstrate", "introduce", "new", "different", "large",
        "high", "significantly", "significant", "various",
    }
)  # fmt: skip


# A link in an abstract ("code at https://github.com/..."): its pieces would group and
# label papers by where their code is ("com / github / https"), not by their topic.
URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)


def stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | PAPER_WORDS)


def candidate_ks(papers: int) -> range:
    """The k tried: 4 to 12, never more than one group per 8 papers, at least 2."""
    high = min(MAX_K, papers // PAPERS_PER_GROUP)
    low = min(MIN_K, high)
    return range(max(low, 2), max(high, 2) + 1)


def topic_groups(papers: Sequence[tuple[int, str]], seed: int = SEED) -> list[TopicGroup]:
    """Every paper in exactly one group; groups by size, largest first (ties: the group
    whose first paper comes first). Deterministic for the same papers and seed."""
    papers = list(dict(papers).items())  # each paper once
    if not papers:
        return []
    ids = [paper_id for paper_id, _ in papers]
    texts = [URL.sub(" ", text) for _, text in papers]
    assignment = _cluster(texts, seed) if len(papers) >= MIN_GROUPED else None
    if assignment is None:
        assignment = np.zeros(len(papers), dtype=int)
    return _labelled(ids, texts, assignment)


def _cluster(texts: Sequence[str], seed: int) -> np.ndarray[Any, Any] | None:
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import normalize
    from threadpoolctl import threadpool_limits

    vectorizer = TfidfVectorizer(
        stop_words=stop_words(),
        token_pattern=TOKEN_PATTERN,
        sublinear_tf=True,
        min_df=2,
        max_df=0.5,
    )
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # no word shared by two papers: nothing to group by
        return None
    components = min(LSA_COMPONENTS, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
    if components < 2:
        return None
    # One thread: on a few hundred points OpenMP's start-up and spinning cost more than
    # they save, all the more on a busy machine.
    with threadpool_limits(limits=1):
        lsa = TruncatedSVD(n_components=components, random_state=seed, n_iter=7)
        points = normalize(lsa.fit_transform(tfidf))
        best: tuple[float, np.ndarray[Any, Any]] | None = None
        for k in candidate_ks(len(texts)):
            labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(points)
            if len(set(labels.tolist())) < 2:
                continue
            score = float(silhouette_score(points, labels, metric="cosine"))
            if best is None or score > best[0] + 1e-9:
                best = (score, labels)
    return None if best is None else best[1]


def _labelled(
    ids: Sequence[int], texts: Sequence[str], assignment: np.ndarray[Any, Any]
) -> list[TopicGroup]:
    from sklearn.feature_extraction.text import CountVectorizer

    clusters = sorted(set(assignment.tolist()))
    members = {c: [n for n in range(len(ids)) if assignment[n] == c] for c in clusters}
    counter = CountVectorizer(
        stop_words=stop_words(),
        token_pattern=TOKEN_PATTERN,
        ngram_range=(1, 2),
        min_df=2 if len(ids) >= MIN_GROUPED else 1,
        max_df=0.5 if len(ids) >= MIN_GROUPED else 1.0,
    )
    try:  # per paper, so that min_df and max_df count papers
        per_paper = counter.fit_transform(texts)
        names = counter.get_feature_names_out()
        counts = np.vstack(
            [np.asarray(per_paper[members[c]].sum(axis=0)).ravel() for c in clusters]
        ).astype(np.float64)
    except ValueError:  # only stop words, or no word in two papers
        counts, names = np.zeros((len(clusters), 0)), np.array([], dtype=object)
    groups: list[TopicGroup] = []
    for row, cluster in enumerate(clusters):
        words = _class_words(counts, names, row)
        label = " / ".join(words[:LABEL_WORDS]) or "other"
        groups.append(TopicGroup(label, words, tuple(ids[n] for n in members[cluster])))
    groups.sort(key=lambda group: (-len(group.paper_ids), ids.index(group.paper_ids[0])))
    return groups


def _class_words(
    counts: np.ndarray[Any, Any], names: np.ndarray[Any, Any], row: int
) -> tuple[str, ...]:
    """The group's top terms by c-TF-IDF (a bigram hides its own words)."""
    if not counts.shape[1]:
        return ()
    totals = counts.sum(axis=1, keepdims=True)
    tf = counts / np.maximum(totals, 1.0)
    average = float(totals.mean())
    idf = np.log1p(average / np.maximum(counts.sum(axis=0), 1.0))
    weights = tf[row] * idf
    order = np.argsort(-weights, kind="stable")
    chosen: list[str] = []
    for column in order:
        if weights[column] <= 0 or len(chosen) == GROUP_WORDS:
            break
        word = str(names[column])
        if any(word in other.split() or other in word.split() for other in chosen):
            continue
        chosen.append(word)
    return tuple(chosen)
