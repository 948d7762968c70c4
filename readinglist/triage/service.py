"""The triage of a library: features, ranker and tag suggester trained together.

:meth:`Triage.train` is the first training (the vocabulary fitted on every paper);
:meth:`Triage.retrained` is what runs after each change: the features are reused (new
and edited papers transformed, see features.py), the classifier fitted again. Both
are plain computations on :class:`TriageDocument` values, safe on a worker thread; the
result is immutable once built, so another thread may rank with it meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from readinglist.core.library import Library
from readinglist.triage.documents import TriageDocument, library_documents, signal_counts
from readinglist.triage.features import TextFeatures
from readinglist.triage.groups import TopicGroup, topic_groups
from readinglist.triage.ranker import RankedPaper, Ranker, train_ranker
from readinglist.triage.tag_suggestions import TagSuggester, TagSuggestion


@dataclass(frozen=True, slots=True)
class Triage:
    features: TextFeatures
    ranker: Ranker | None  # None: no positive signal yet, nothing is ranked
    suggester: TagSuggester
    positives: int
    negatives: int
    texts: dict[int, str]

    @classmethod
    def train(
        cls, documents: Sequence[TriageDocument], features: TextFeatures | None = None
    ) -> Triage:
        texts = {doc.paper_id: doc.text for doc in documents}
        features = TextFeatures(texts) if features is None else features.updated(texts)
        positives, negatives = signal_counts(documents)
        return cls(
            features=features,
            ranker=train_ranker(features, documents),
            suggester=TagSuggester(features, documents),
            positives=positives,
            negatives=negatives,
            texts=texts,
        )

    @classmethod
    def from_library(cls, library: Library) -> Triage:
        return cls.train(library_documents(library))

    def retrained(self, documents: Sequence[TriageDocument]) -> Triage:
        """Trained again on the library as it is now, reusing the fitted vocabulary."""
        return Triage.train(documents, self.features)

    @property
    def kind(self) -> str | None:
        """ "svm", "similar" (the cold start) or None (no signal)."""
        return None if self.ranker is None else self.ranker.kind

    def rank(self, ids: Sequence[int], explain: bool = True) -> list[RankedPaper] | None:
        """These papers best first; None while the reader has given no positive signal."""
        if self.ranker is None:
            return None
        return self.ranker.rank(ids, self.texts, explain)

    def groups(self, ids: Sequence[int]) -> list[TopicGroup]:
        """Topic groups of these papers (the library's papers among them)."""
        return topic_groups([(i, self.texts[i]) for i in ids if i in self.texts])

    def suggest_tags(self, paper_id: int) -> list[TagSuggestion]:
        return self.suggester.suggest(paper_id, self.texts)


def digest_groups(library: Library, ids: Sequence[int]) -> list[TopicGroup]:
    """Groups of a digest read straight from the library: no model needed."""
    from readinglist.core.models import PaperQuery

    papers = {paper.id: paper for paper in library.papers(PaperQuery(ids=tuple(ids)))}
    return topic_groups(
        [(i, f"{papers[i].title}\n{papers[i].abstract}") for i in ids if i in papers]
    )
