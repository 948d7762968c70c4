"""TF-IDF word n-grams over title and abstract, fitted on the whole library.

The vocabulary and the matrix are kept: retraining after a status change reuses them
(only the classifier is fitted again), and a paper already in the library is ranked
from its stored row, so ranking 10k papers is one sparse product. Papers the matrix
lacks (a new import) are transformed with the fitted vocabulary; the vocabulary is
fitted again only when the library has grown by half since (new words matter then).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

# Words of two letters and more, starting with a letter ("3d" is kept as "3d" by the
# second alternative: names such as 3D, 4K, 2D matter to this domain).
TOKEN_PATTERN = r"(?u)\b(?:[a-zA-Z][a-zA-Z0-9]+|[0-9][a-zA-Z]+)\b"
MAX_FEATURES = 60_000
REFIT_GROWTH = 1.5  # refit the vocabulary when the library grew by half


def make_vectorizer(papers: int) -> TfidfVectorizer:
    """Unigrams and bigrams, sublinear term frequency, English stop words; a term must
    occur in two papers once the library is big enough for that to remove typos and
    one-off names rather than the reader's topics."""
    return TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        token_pattern=TOKEN_PATTERN,
        sublinear_tf=True,
        min_df=2 if papers >= 500 else 1,
        max_df=0.5 if papers >= 50 else 1.0,
        max_features=MAX_FEATURES,
        dtype=np.float32,
    )


class TextFeatures:
    """A fitted vectorizer and the rows of the papers it has seen, by paper id."""

    def __init__(self, texts: Mapping[int, str]) -> None:
        ids = list(texts)
        self.vectorizer = make_vectorizer(len(ids))
        self.fitted_on = len(ids)
        self.row_of: dict[int, int] = {paper_id: row for row, paper_id in enumerate(ids)}
        self.text_of: dict[int, str] = dict(texts)
        try:
            self.matrix = sp.csr_matrix(self.vectorizer.fit_transform([texts[i] for i in ids]))
            self.names: np.ndarray[Any, Any] = self.vectorizer.get_feature_names_out()
        except ValueError:  # no paper, or not one word that is not a stop word
            self.matrix = sp.csr_matrix((len(ids), 0), dtype=np.float32)
            self.names = np.array([], dtype=object)

    @property
    def width(self) -> int:
        return int(self.matrix.shape[1])

    def updated(self, texts: Mapping[int, str]) -> TextFeatures:
        """Features brought up to date with the library's texts: refitted when it grew by
        half (or had nothing), else a copy with the new and edited papers transformed and
        added (this object is left as it is: another thread may be ranking with it)."""
        if not self.width or len(texts) >= REFIT_GROWTH * max(self.fitted_on, 1):
            return TextFeatures(texts)
        fresh = [i for i, text in texts.items() if self.text_of.get(i) != text]
        if not fresh:
            return self
        copy = object.__new__(TextFeatures)
        copy.vectorizer, copy.fitted_on, copy.names = self.vectorizer, self.fitted_on, self.names
        rows = sp.csr_matrix(self.vectorizer.transform([texts[i] for i in fresh]))
        start = self.matrix.shape[0]
        copy.matrix = sp.csr_matrix(sp.vstack([self.matrix, rows], format="csr"))
        copy.row_of = dict(self.row_of)
        copy.text_of = dict(self.text_of)
        for offset, paper_id in enumerate(fresh):
            copy.row_of[paper_id] = start + offset
            copy.text_of[paper_id] = texts[paper_id]
        return copy

    def rows(self, ids: Sequence[int], texts: Mapping[int, str] | None = None) -> sp.csr_matrix:
        """The rows of these papers, in this order; a paper not seen yet is transformed
        from ``texts`` (an empty row when its text is unknown)."""
        if not self.width:
            return sp.csr_matrix((len(ids), 0), dtype=np.float32)
        known = [i for i in ids if i in self.row_of]
        missing = [i for i in ids if i not in self.row_of]
        if not missing:
            return sp.csr_matrix(self.matrix[[self.row_of[i] for i in ids]])
        given = texts or {}
        new = sp.csr_matrix(self.vectorizer.transform([given.get(i, "") for i in missing]))
        stacked = sp.vstack([self.matrix[[self.row_of[i] for i in known]], new], format="csr")
        place = {paper_id: n for n, paper_id in enumerate(known + missing)}
        return sp.csr_matrix(stacked[[place[i] for i in ids]])
