"""Sorting benchmark: every order of the table's columns on a big library.

    python -m benchmarks.sort_columns --library DIR [--json] [--rounds 5] [--annotate]

``DIR``: a library made by ``python -m benchmarks.synthetic --size 20000 --out DIR``.
Synthetic digests name no authors and no dates, so ``--annotate`` first gives a
deterministic 70% of the papers authors (a third of them with a family name, as
arXiv gives) and 60% a publication date (year, month or day precision), the way a
lookup writes them; the rest stay unknown, as they would be.

For each order and direction it times (median of ``--rounds``, in ms):

* ``store_page_ms``: ``Library.papers(PaperQuery(sort, limit=200))``, what
  ``readinglist list --sort`` runs;
* ``window_ms``: ``Library.search("", sort, limit=200, with_ids=True)``, what the
  window asks for on a header click (every id in order and the first page);
* ``words_ms``: the same for a search with words (``gaussian splatting``).

The new orders (authors, published, tags, code) are sorted by the database
(core/database_sorts.py); the others by the index, for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from readinglist.app_context import open_library
from readinglist.core.library import Library
from readinglist.core.metadata import Field, MetaField, PersonName, Source
from readinglist.core.models import PaperQuery
from readinglist.core.orders import ORDERS

WORDS = "gaussian splatting"
PAGE = 200
FAMILIES = ("Vaswani", "Kerbl", "Mildenhall", "Ho", "Rombach", "Zhang", "Li", "Wang", "Chen")
GIVEN = ("Ashish", "Bernhard", "Ben", "Jonathan", "Robin", "Wei", "Yu", "Xin", "Ting")


def annotate(library_dir: Path, seed: int = 7) -> int:
    """Authors and dates on a deterministic share of the papers (see the docstring); the
    next open brings the search index up to date."""
    chooser = random.Random(seed)
    now = datetime.now(UTC)
    opened = open_library(library_dir)
    try:
        with opened.store.unit_of_work() as uow:
            ids = uow.all_ids()
        with opened.store.unit_of_work(write=True) as uow:
            for paper_id in ids:
                if chooser.random() < 0.7:
                    names = []
                    for _ in range(chooser.randint(1, 6)):
                        family, given = chooser.choice(FAMILIES), chooser.choice(GIVEN)
                        split = chooser.random() < 0.33
                        names.append(
                            PersonName(
                                f"{given} {family}",
                                family if split else None,
                                given if split else None,
                            )
                        )
                    uow.set_author_names(paper_id, names, now)
                if chooser.random() < 0.6:
                    year = chooser.randint(2015, 2026)
                    date = [f"{year}", f"{year}-{chooser.randint(1, 12):02d}"][
                        chooser.randint(0, 1)
                    ]
                    if chooser.random() < 0.5:
                        date = f"{year}-{chooser.randint(1, 12):02d}-{chooser.randint(1, 28):02d}"
                    uow.put_facts(
                        paper_id, [MetaField(Field.PUBLISHED, date, Source.ARXIV, now)], now
                    )
    finally:
        opened.close()
    return len(ids)


def timed(run: Callable[[], object], rounds: int) -> float:
    run()  # warm-up: caches, the index's arrays
    found = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        found.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(found), 1)


def timings(library: Library, sort: str, descending: bool, rounds: int) -> dict[str, float]:
    def store_page() -> object:
        return library.papers(PaperQuery(sort=sort, descending=descending, limit=PAGE))

    def window() -> object:
        return library.search("", sort, descending, 0, PAGE, whole_abstracts=True, with_ids=True)

    def words() -> object:
        return library.search(WORDS, sort, descending, 0, PAGE, whole_abstracts=True, with_ids=True)

    return {
        "store_page_ms": timed(store_page, rounds),
        "window_ms": timed(window, rounds),
        "words_ms": timed(words, rounds),
    }


def measure(library_dir: Path, rounds: int) -> dict[str, object]:
    opened = open_library(library_dir)
    library = opened.library
    results: dict[str, object] = {}
    try:
        papers = len(library.search("", limit=0, with_ids=True).ids)
        for sort in ORDERS:
            for descending in (False, True):
                name = f"{sort}{' reversed' if descending else ''}"
                results[name] = timings(library, sort, descending, rounds)
    finally:
        opened.close()
    loadavg = Path("/proc/loadavg").read_text().split()[:3]
    return {"papers": papers, "rounds": rounds, "loadavg_end": loadavg, "orders": results}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--annotate", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.annotate:
        annotate(args.library)
    report = measure(args.library, args.rounds)
    if args.json:
        json.dump(report, sys.stdout)
        print()
    else:
        print(f"{report['papers']} papers, median of {args.rounds} rounds, ms")
        print(f"{'order':22} {'list page':>10} {'window':>10} {'words':>10}")
        orders = report["orders"]
        assert isinstance(orders, dict)
        for name, row in orders.items():
            print(
                f"{name:22} {row['store_page_ms']:>10} {row['window_ms']:>10} {row['words_ms']:>10}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
