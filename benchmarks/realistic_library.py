"""A library of realistic papers (benchmarks/realistic_corpus.py), and its vocabulary.

    python -m benchmarks.realistic_library --size 100000 --out DIR   # a library, JSON info
    python -m benchmarks.realistic_library --size 100000 --stats     # vocabulary only

The library is filled like the synthetic one (benchmarks/synthetic.py: digests over
540 days, papers seen again, statuses, ratings, tags and notes); the JSON info carries
the vocabulary's statistics (distinct index terms, document frequency of the top terms,
lengths) for the benchmark's report.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.realistic_corpus import realistic_papers
from benchmarks.synthetic import (
    DEFAULT_SEED,
    DIGESTS,
    IMPORT_BATCH,
    SPAN_DAYS,
    BuildInfo,
    _annotate,
    _Clock,
)
from readinglist.core.library import Library
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.search.analysis import analyze
from readinglist.storage.store import SqlStore

# ------------------------------------------------------------------------- statistics


def vocabulary_stats(papers: Sequence[ParsedPaper], top: int = 20) -> dict[str, Any]:
    """Distinct index terms (the index's own analysis), their document frequencies and
    the text lengths: what to compare with the real digest and the synthetic corpus."""
    frequency: Counter[str] = Counter()
    title_words: list[int] = []
    abstract_words: list[int] = []
    for paper in papers:
        frequency.update(list(dict.fromkeys(analyze(f"{paper.title} {paper.abstract}"))))
        title_words.append(len(paper.title.split()))
        abstract_words.append(len(paper.abstract.split()))
    count = max(len(papers), 1)
    singletons = sum(1 for value in frequency.values() if value == 1)
    return {
        "papers": len(papers),
        "distinct_terms": len(frequency),
        "terms_in_one_paper": singletons,
        "top_terms_df": [[word, round(df / count, 3)] for word, df in frequency.most_common(top)],
        "title_words_median": _median(title_words),
        "abstract_words_median": _median(abstract_words),
        "abstract_words_p5_p95": [_quantile(abstract_words, 0.05), _quantile(abstract_words, 0.95)],
    }


def _median(values: Sequence[int]) -> float:
    return _quantile(values, 0.5)


def _quantile(values: Sequence[int], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(share * len(ordered)))])


# -------------------------------------------------------------------------- library


def build_realistic_library(
    folder: Path,
    papers: Sequence[ParsedPaper],
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
) -> BuildInfo:
    """Like :func:`benchmarks.synthetic.build_library` (digests over 540 days, papers
    seen again, statuses, ratings, tags and notes), with these (realistic) papers."""
    started = time.perf_counter()
    n = len(papers)
    rng = random.Random(f"{seed}/library")
    anchor = datetime.now(UTC).replace(microsecond=0)
    clock = _Clock(anchor)
    store = SqlStore.open(folder)
    try:
        library = Library(store, clock=clock)
        size = max(1, min(IMPORT_BATCH, max(50, -(-n // DIGESTS))))
        batches = [papers[start : start + size] for start in range(0, n, size)]
        ids: list[int] = []
        trending: list[ParsedPaper] = []
        again_total = 0
        for number, fresh in enumerate(batches):
            back = SPAN_DAYS * (len(batches) - 1 - number) / max(len(batches) - 1, 1)
            clock.now = anchor - timedelta(days=back + 1, hours=rng.randint(0, 20))
            again = rng.sample(trending, min(len(trending), max(1, size // 10)))
            again_total += len(again)
            summary = library.import_parsed(
                ParseResult(tuple(fresh) + tuple(again)),
                f"realistic-{number:03d}.txt",
                f"realistic digest {seed}/{n}/{number}".encode(),
            )
            ids.extend(summary.new_ids)
            trending.extend(paper for paper in fresh if rng.random() < 0.02)
            if progress is not None:
                progress(f"imported {len(ids)}/{n}")
        clock.now = anchor - timedelta(hours=1)
        annotated = _annotate(library, rng, ids, papers)
        with store.engine.begin() as connection:
            connection.execute(text("DELETE FROM search_outbox"))
    finally:
        store.close()
    seconds = time.perf_counter() - started
    return BuildInfo(n, len(batches), again_total, seconds, anchor.isoformat(), annotated)


def main(argv: Sequence[str] | None = None) -> int:
    """Build a realistic library (``--out``) or only report its vocabulary (``--stats``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.realistic_library")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--digest", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None, help="a new library folder")
    parser.add_argument("--stats", action="store_true", help="vocabulary statistics only")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be positive")
    if args.stats:
        json.dump(vocabulary_stats(realistic_papers(args.size, args.seed, args.digest)), sys.stdout)
        print()
        return 0
    if args.out is None:
        parser.error("--out or --stats is needed")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    papers = realistic_papers(args.size, args.seed, args.digest)
    info = asdict(build_realistic_library(args.out, papers, args.seed))
    info["vocabulary"] = vocabulary_stats(papers)
    json.dump(info, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
