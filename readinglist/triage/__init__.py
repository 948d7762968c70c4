"""Triage that learns (issue 19): rank a digest for its reader, group it by topic,
suggest the reader's own tags.

Why a package of its own: it is the one place scikit-learn and its NumPy/SciPy load
(about a second), so the command line imports it only inside ``triage``, ``groups``
and ``suggest-tags``, and the window only on its background thread. It knows the
domain's values (``readinglist.core``) and nothing of Qt, SQLAlchemy or Whoosh
(import-linter contract in pyproject.toml).

- :mod:`.documents`: the plain facts a model learns from, read from a library.
- :mod:`.features`: TF-IDF word n-grams, fitted once, kept for every later retrain.
- :mod:`.ranker`: "for me": a linear SVM as arxiv-sanity did, or a cold start.
- :mod:`.groups`: LSA + k-means topic groups labelled by class-based TF-IDF.
- :mod:`.tag_suggestions`: up to three of the reader's existing tags for a paper.
- :mod:`.service`: the three together, trained from a library.
"""
