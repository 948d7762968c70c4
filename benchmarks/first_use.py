"""First use: each query of a list run once, in order, by a fresh interpreter.

The warm percentiles hide what a Zipfian vocabulary costs the first time a term is
searched (its postings read from disk, its prefix or fuzzy expansion computed, the
index's readers opened). A fresh process opened on the library runs the list once:
every query is a first use, of its terms at least (terms shared with earlier queries of
the list are warm, as they would be in a session). The disk cache is warm: this is a
fresh process, not a cold machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# Run by a fresh interpreter; reads the query texts (JSON) on stdin.
_PROBE = """
import json, sys, time
from pathlib import Path
from readinglist.app_context import open_library
from readinglist.core.query import typing_query
texts, typing = json.load(sys.stdin)
opened = open_library(Path(sys.argv[1]))
timings, totals = [], []
for text in texts:
    started = time.perf_counter()
    totals.append(opened.library.search(typing_query(text) if typing else text, limit=50).total)
    timings.append(time.perf_counter() - started)
opened.close()
print(json.dumps({"seconds": timings, "totals": totals}))
"""


def first_use(
    folder: Path,
    texts: Sequence[str],
    typing: bool,
    cwd: Path,
    env: dict[str, str],
) -> tuple[list[float], list[int]]:
    """Seconds and totals of each query's run in a fresh process. ``typing``: the
    texts are made prefixes the way the window does (``typing_query``)."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(folder)],
        input=json.dumps([list(texts), typing]),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"first-use probe failed:\n{done.stderr}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return [float(t) for t in found["seconds"]], [int(t) for t in found["totals"]]


def summarise(
    kinds: Sequence[str],
    seconds: Sequence[float],
    percentile: Callable[[Sequence[float], float], float],
) -> dict[str, object]:
    """p50/p95/max over the list and p95 by kind, in milliseconds."""

    def ms(value: float) -> float:
        return round(value * 1000.0, 3)

    by_kind: dict[str, list[float]] = {}
    for kind, value in zip(kinds, seconds, strict=True):
        by_kind.setdefault(kind, []).append(value)
    return {
        "first_use_p50_ms": ms(percentile(seconds, 0.5)),
        "first_use_p95_ms": ms(percentile(seconds, 0.95)),
        "first_use_max_ms": ms(max(seconds, default=0.0)),
        "first_use_p95_by_kind": {k: ms(percentile(v, 0.95)) for k, v in by_kind.items()},
    }
