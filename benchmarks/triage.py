"""Triage benchmark (issue 19): speed of the learning triage, and an offline evaluation
of its quality with simulated readers.

    python -m benchmarks.triage [--json] [--sizes 1000 10000] [--workdir DIR] [--quiet]

Speed, per library size (a synthetic library, benchmarks/synthetic.py, with its
statuses and tags): reading the training data through the Library API, the first
training (TF-IDF fitted on every paper, the SVM, the tag suggester), a retrain after a
change (vocabulary reused), ranking every paper of the library (no "why") and ranking a
200-paper digest with "why". On the real digest: grouping its 211 papers (after the
library is loaded and scikit-learn imported), and importing scikit-learn itself.
Times are wall clock and CPU (``*_cpu_s``): the machine is shared, CPU time moves less.

Quality (no library needed; documents built in memory): simulated readers. A reader's
interest is a topic defined by words of the title and abstract (:data:`TOPICS`); it
gives signals over a pool of papers in order (reads the papers of its topic, drops the
papers of another) until it has given 20 (or 50), then held-out digests are ranked
(their papers in the library, unlabelled, as a new digest's are): ROC AUC and
precision@10 of "is of the reader's topic", against random (``random``: the topic's
share of the digest) and recency (``recency``: the digest's own first ten). Readers:
one topic (drops one other), two topics (drops a third), and a noisy one (reads 70% of
its topic and 5% of anything, drops half of another topic and 5% of anything).

- On the real digest: 10 random splits, 131 papers to learn from, 80 held out.
- On the synthetic corpus (3000 papers): the first 2400 to learn from, three 200-paper
  digests held out. Its abstracts are real sentences of *different* papers, so a
  synthetic paper's "topic" (a sentence that mentions it) says little of the rest of its
  text: an upper bound far below the real digest's, and why the real digest is the
  measure that counts.

Tag suggestions: the reader has tagged 30% of the papers it learns from with the
synthetic libraries' topic tags (every tag whose words the paper holds);
precision@3 of the suggestions for the held-out papers against those tags. Topic
groups: purity of the real digest's groups against :data:`TOPICS` (over the papers of
exactly one topic).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.synthetic import _TOPIC_TAGS, SHARED_DIGEST, build_library, synthetic_papers

T = TypeVar("T")
DIGEST = 200
HELD_OUT_DIGESTS = 3
REAL_SPLITS = 10
SYNTHETIC_PAPERS = 3000
TOPICS: dict[str, re.Pattern[str]] = {
    "splatting": re.compile(r"gaussian splatting|3dgs|radiance field|\bnerf", re.I),
    "quantization": re.compile(r"quantiz", re.I),
    "moe": re.compile(r"mixture[- ]of[- ]experts|\bmoe\b", re.I),
    "segmentation": re.compile(r"segment", re.I),
    "optimizers": re.compile(r"\bsgd\b|\badam\b|optimizer|learning rate", re.I),
}
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


# --- speed --------------------------------------------------------------------------


def speed(size: int, workdir: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    from readinglist.app_context import open_database, open_library
    from readinglist.triage.documents import library_documents
    from readinglist.triage.service import Triage

    folder = workdir / f"library-{size}"
    if not folder.exists():
        progress(f"building a {size}-paper library")
        build_library(folder, size)
    with open_database(folder) as opened:
        library = opened.library
        docs, load_s, load_cpu = timed(lambda: library_documents(library))
        progress(f"{size}: training")
        triage, train_s, train_cpu = timed(lambda: Triage.train(docs))
        _, retrain_s, retrain_cpu = timed(lambda: triage.retrained(docs))
        ids = [doc.paper_id for doc in docs]
        _, rank_s, rank_cpu = timed(lambda: triage.rank(ids, explain=False))
        digest = library.digest_paper_ids([library.digests()[-1].id])[:DIGEST]
        _, explain_s, explain_cpu = timed(lambda: triage.rank(digest))
    with open_library(folder) as opened:  # the window's: with its search index
        window = window_interest(opened.library, triage, ids, digest)
    return {
        **window,
        "papers": size,
        "ranker": triage.kind,
        "features": triage.features.width,
        "load_s": load_s,
        "load_cpu_s": load_cpu,
        "first_train_s": train_s,
        "first_train_cpu_s": train_cpu,
        "retrain_s": retrain_s,
        "retrain_cpu_s": retrain_cpu,
        "rank_all_s": rank_s,
        "rank_all_cpu_s": rank_cpu,
        "rank_digest_with_why_s": explain_s,
        "rank_digest_with_why_cpu_s": explain_cpu,
    }


class _Interest:
    """The window's interest source (TriageController) without Qt: the same lookups."""

    def __init__(self, known: dict[int, float]) -> None:
        self.known = known

    def interest(self, paper_id: int) -> float | None:
        return self.known.get(paper_id)

    def by_interest(self, ids: Sequence[int]) -> list[int]:
        from readinglist.ui.triage_interest import rank_by_interest

        return rank_by_interest(self.known, ids)


def window_interest(
    library: Any, triage: Any, ids: Sequence[int], digest: Sequence[int]
) -> dict[str, Any]:
    """What the window does with the interest: the table sorted by it (every paper,
    the first page read, as PaperTableModel does on its worker) and one paper's "why"
    (the detail pane's line, on the GUI thread)."""
    from readinglist.ui.paper_model import PAGE_SIZE
    from readinglist.ui.triage_interest import search_by_interest

    ranked = triage.rank(ids, explain=False) or []
    source = _Interest({r.paper_id: r.interest for r in ranked})
    search_by_interest(library, "", False, source, None, PAGE_SIZE)  # warm
    page, sort_s, sort_cpu = timed(
        lambda: search_by_interest(library, "", False, source, None, PAGE_SIZE)
    )
    whys: list[float] = []
    for paper_id in digest[:20]:
        one: list[int] = [paper_id]
        _, why_s, _ = timed(lambda: triage.rank(one))  # noqa: B023 (called at once)
        whys.append(why_s)
    return {
        "table_sort_by_interest_rows": len(page.ids),
        "table_sort_by_interest_s": sort_s,
        "table_sort_by_interest_cpu_s": sort_cpu,
        "why_one_paper_median_s": sorted(whys)[len(whys) // 2] if whys else None,
        "why_one_paper_max_s": max(whys) if whys else None,
    }


def real_digest_groups(workdir: Path) -> dict[str, Any]:
    from readinglist.app_context import open_library
    from readinglist.triage.service import digest_groups

    folder = workdir / "library-real"
    with open_library(folder) as opened:
        if not opened.library.digests():
            opened.library.import_bytes(SHARED_DIGEST.read_bytes(), SHARED_DIGEST.name)
        ids = opened.library.digest_paper_ids([opened.library.digests()[-1].id])
        groups, wall, cpu = timed(lambda: digest_groups(opened.library, ids))
        again = digest_groups(opened.library, ids)
        texts = {p.id: f"{p.title}\n{p.abstract}" for p in opened.library.papers()}
    return {
        "papers": len(ids),
        "groups": len(groups),
        "group_s": wall,
        "group_cpu_s": cpu,
        "deterministic": groups == again,
        "purity": purity([g.paper_ids for g in groups], texts),
        "labels": [g.label for g in groups],
    }


def purity(groups: Sequence[Sequence[int]], texts: dict[int, str]) -> float | None:
    """Share of the papers of exactly one topic that sit in their group's main topic."""
    single = {}
    for paper_id, text in texts.items():
        found = [name for name, pattern in TOPICS.items() if pattern.search(text)]
        if len(found) == 1:
            single[paper_id] = found[0]
    total = agree = 0
    for group in groups:
        topics = [single[i] for i in group if i in single]
        if topics:
            agree += max(topics.count(t) for t in set(topics))
            total += len(topics)
    return round(agree / total, 4) if total else None


# --- quality --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    name: str
    reads: tuple[str, ...]
    drops: tuple[str, ...]
    read_share: float = 1.0
    drop_share: float = 1.0
    random_reads: float = 0.0
    random_drops: float = 0.0


READERS = (
    Reader("one_topic", ("splatting",), ("quantization",)),
    Reader("two_topics", ("splatting", "moe"), ("segmentation",)),
    Reader("noisy", ("quantization",), ("splatting",), 0.7, 0.5, 0.05, 0.05),
)


def topic_mask(texts: Sequence[str], topics: Sequence[str]) -> list[bool]:
    return [any(TOPICS[t].search(text) for t in topics) for text in texts]


def simulate(
    reader: Reader, texts: Sequence[str], split: Split, signals: int, seed: int
) -> dict[str, float | None]:
    """Signals over the pool, in its order, until ``signals`` were given; then each
    held-out digest ranked (its papers are in the library, unlabelled, as a new
    digest's are)."""
    from sklearn.metrics import roc_auc_score

    from readinglist.triage.documents import NEGATIVE, POSITIVE, UNLABELLED, TriageDocument
    from readinglist.triage.service import Triage

    rng = random.Random(seed)
    wanted = topic_mask(texts, reader.reads)
    unwanted = topic_mask(texts, reader.drops)
    labels: dict[int, int] = {}
    for n in split.pool:
        if len(labels) >= signals:
            break
        if (wanted[n] and rng.random() < reader.read_share) or rng.random() < reader.random_reads:
            labels[n] = POSITIVE
        elif (unwanted[n] and rng.random() < reader.drop_share) or (
            rng.random() < reader.random_drops
        ):
            labels[n] = NEGATIVE
    everything = [*split.pool, *(n for digest in split.held for n in digest)]
    docs = [
        TriageDocument(n, texts[n], labels.get(n, UNLABELLED), (), NOW - timedelta(minutes=k))
        for k, n in enumerate(everything)
    ]
    triage = Triage.train(docs)
    scores: dict[str, list[float]] = {"auc": [], "p10": [], "random": [], "recency": []}
    for digest in split.held:
        ranked = triage.rank(digest, explain=False) or []
        score = {r.paper_id: r.score for r in ranked}
        y = [wanted[n] for n in digest]
        if 0 < sum(y) < len(y):
            scores["auc"].append(float(roc_auc_score(y, [score[n] for n in digest])))
        top = min(10, len(digest))
        scores["p10"].append(sum(wanted[r.paper_id] for r in ranked[:top]) / top)
        scores["random"].append(sum(y) / len(y))
        scores["recency"].append(sum(wanted[n] for n in digest[:top]) / top)
    return {name: _mean(values) for name, values in scores.items()} | {
        "signals": float(len(labels)),
        "svm": float(triage.kind == "svm"),
    }


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


@dataclass(frozen=True)
class Split:
    pool: list[int]  # where the reader gives signals, in this order
    held: list[list[int]]  # the held-out digests, each in its own order


def real_splits(count: int, papers: int) -> list[Split]:
    """The real digest shuffled (seeds 0..count-1): 131 papers to learn from, the other
    80 held out as one digest."""
    splits = []
    for seed in range(count):
        order = list(range(papers))
        random.Random(seed).shuffle(order)
        splits.append(Split(order[:131], [order[131:]]))
    return splits


def synthetic_split(size: int) -> Split:
    """Synthetic papers in arrival order: the last three 200-paper digests held out."""
    held_from = size - DIGEST * HELD_OUT_DIGESTS
    held = [list(range(s, s + DIGEST)) for s in range(held_from, size, DIGEST)]
    return Split(list(range(held_from)), held)


def evaluate(texts: Sequence[str], splits: Sequence[Split]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    for reader in READERS:
        for signals in (20, 50):
            results = [simulate(reader, texts, split, signals, n) for n, split in enumerate(splits)]
            run: dict[str, Any] = {"reader": reader.name, "signals_wanted": signals}
            for name in ("signals", "svm", "auc", "p10", "random", "recency"):
                run[name] = _mean([v for r in results if (v := r[name]) is not None])
            runs.append(run)
    return runs


def tag_precision(texts: Sequence[str], splits: Sequence[Split]) -> dict[str, Any]:
    """The reader tagged 30% of the pool with the synthetic libraries' topic tags (every
    tag whose words the paper holds); suggestions for the held-out papers against those."""
    from readinglist.triage.documents import UNLABELLED, TriageDocument
    from readinglist.triage.service import Triage

    truth = [
        tuple(tag for tag, needles in _TOPIC_TAGS if any(n in text.lower() for n in needles))
        for text in texts
    ]
    hits = made = covered = tagged = 0
    for seed, split in enumerate(splits):
        rng = random.Random(seed)
        held = [n for digest in split.held for n in digest]
        docs = [
            TriageDocument(n, texts[n], UNLABELLED, truth[n] if rng.random() < 0.3 else (), NOW)
            for n in split.pool
        ] + [TriageDocument(n, texts[n], UNLABELLED, (), NOW) for n in held]
        triage = Triage.train(docs)
        for n in held:
            suggested = [s.tag for s in triage.suggest_tags(n)]
            made += len(suggested)
            right = sum(tag in truth[n] for tag in suggested)
            hits += right
            covered += right > 0
            tagged += bool(truth[n])
    return {
        "suggestions": made,
        "precision_at_3": round(hits / made, 4) if made else None,
        "tagged_papers_given_a_right_tag": round(covered / tagged, 4) if tagged else None,
    }


def quality(seed: int, progress: Callable[[str], None]) -> dict[str, Any]:
    from readinglist.core.digest_sources import read_digest

    real = [f"{p.title}\n{p.abstract}" for p in read_digest(SHARED_DIGEST.read_bytes(), "d").papers]
    progress("simulated readers on the real digest")
    splits = real_splits(REAL_SPLITS, len(real))
    synthetic = [f"{p.title}\n{p.abstract}" for p in synthetic_papers(SYNTHETIC_PAPERS, seed)]
    progress("simulated readers on the synthetic corpus")
    return {
        "real_digest": {
            "readers": evaluate(real, splits),
            "tags": tag_precision(real, splits),
        },
        "synthetic": {
            "readers": evaluate(synthetic, [synthetic_split(SYNTHETIC_PAPERS)]),
            "tags": tag_precision(synthetic, [synthetic_split(SYNTHETIC_PAPERS)]),
        },
    }


def sklearn_import_s() -> float:
    """A fresh interpreter importing what triage uses (what the first run pays)."""
    import subprocess

    code = (
        "import time; t = time.perf_counter();"
        " import sklearn.svm, sklearn.cluster, sklearn.decomposition, sklearn.metrics,"
        " sklearn.feature_extraction.text; print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.triage", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None, help="keep libraries here")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[triage] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        result: dict[str, Any] = {
            "loadavg_start": os.getloadavg(),
            "sklearn_import_s": sklearn_import_s(),
            "speed": [speed(size, workdir, progress) for size in args.sizes],
            "real_digest_groups": real_digest_groups(workdir),
        }
        if not args.skip_quality:
            result["quality"] = quality(args.seed, progress)
        result["loadavg_end"] = os.getloadavg()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(json.dumps(result, indent=2))  # the same object: it is small enough to read
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
