"""Edit benchmark: what a status, tag, rating or note change costs on a big library.

    python -m benchmarks.edits --size 100000 [--edits 1000] [--seed 7] [--out DIR] [--json]

Each edit goes through ``Library`` with the search index attached and is timed end to
end, as a user pays it: the transaction, draining the outbox into the index and the
merges the index's policy runs inline. Two rounds of ``--edits`` edits each (the second
shows whether costs drift as segments pile up); between them ``Library.indexing.maintain()``
runs the merges too big for an edit, as the window does when idle, and again after the
second round; its time is reported apart (``maintain_s``, ``final_maintain_s``), never
inside an edit's figures. ``--no-maintain`` skips both.

The library is the synthetic one of ``benchmarks/synthetic.py``, prepared (and cached in
``--out``) as ``benchmarks/search.py`` does; its rebuilt index is cached there too, keyed
by the search code's sources, since a 100k rebuild takes about a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.search import REPO, _loadavg, _ms, percentile, prepare_library
from benchmarks.synthetic import DEFAULT_SEED
from readinglist.core.library import Library
from readinglist.core.models import Paper, ReadStatus
from readinglist.search.index import WhooshIndex
from readinglist.search.index_folders import INDEX_PREFIX
from readinglist.search.schema import SCHEMA_VERSION
from readinglist.storage.store import SqlStore

EDITS = 1000
BENCH_TAGS = ("bench/alpha", "bench/beta", "bench/gamma", "bench/delta", "bench/epsilon")
# The mix of edits (kind, weight) and how often an edit returns to a recently edited
# paper (a reader marks a paper read, then tags and rates it).
MIX = (("status", 30), ("tag_add", 20), ("tag_remove", 15), ("rating", 20), ("note", 15))
RECENT_SHARE = 0.3
RECENT = 20


@dataclass
class Round:
    """One round's edits: seconds each, by kind, and the papers merges re-indexed."""

    seconds: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)

    def summary(self, prefix: str) -> dict[str, Any]:
        pairs = list(zip(self.seconds, self.merged, strict=True))
        plain = [seconds for seconds, merged in pairs if not merged]
        merging = [seconds for seconds, merged in pairs if merged]
        out: dict[str, Any] = {
            f"{prefix}edit_p50_ms": _ms(percentile(self.seconds, 0.50)),
            f"{prefix}edit_p95_ms": _ms(percentile(self.seconds, 0.95)),
            f"{prefix}edit_max_ms": _ms(max(self.seconds, default=0.0)),
            f"{prefix}edits_over_60ms": sum(1 for s in self.seconds if s > 0.060),
            f"{prefix}plain_edit_p95_ms": _ms(percentile(plain, 0.95)),
            f"{prefix}merging_edits": len(merging),
            f"{prefix}merging_edit_p50_ms": _ms(percentile(merging, 0.50)),
            f"{prefix}merged_papers": sum(self.merged),
            f"{prefix}merged_papers_max_edit": max(self.merged, default=0),
        }
        out[f"{prefix}p95_by_kind_ms"] = {
            kind: _ms(
                percentile(
                    [s for s, k in zip(self.seconds, self.kinds, strict=True) if k == kind], 0.95
                )
            )
            for kind, _weight in MIX
        }
        return out


class Editor:
    """Random edits of one seed: each a call a user's click makes."""

    def __init__(self, library: Library, ids: Sequence[int], seed: int) -> None:
        self._library = library
        self._ids = ids
        self._rng = random.Random(f"{seed}/edits")
        self._recent: list[int] = []
        self._tagged: list[tuple[int, str]] = []  # (paper, tag) added by this benchmark
        self._notes = 0

    def _paper(self) -> int:
        rng = self._rng
        if self._recent and rng.random() < RECENT_SHARE:
            return rng.choice(self._recent)
        return rng.choice(self._ids)

    def next_edit(self) -> tuple[str, Callable[[], object]]:
        """The next edit's kind and the call that makes it (drawn before timing)."""
        rng, library = self._rng, self._library
        kind = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
        if kind == "tag_remove" and not self._tagged:
            kind = "tag_add"
        if kind == "tag_remove":
            paper_id, tag = self._tagged.pop(rng.randrange(len(self._tagged)))
        else:
            paper_id = self._paper()
        self._recent = [*self._recent[-(RECENT - 1) :], paper_id]
        if kind == "status":
            status = rng.choice(list(ReadStatus))
            return kind, lambda: library.set_status([paper_id], status)
        if kind == "tag_add":
            tag = rng.choice(BENCH_TAGS)
            self._tagged.append((paper_id, tag))
            return kind, lambda: library.tag([paper_id], add=[tag])
        if kind == "tag_remove":
            return kind, lambda: library.tag([paper_id], remove=[tag])
        if kind == "rating":
            rating = rng.randint(1, 5)
            return kind, lambda: library.rate([paper_id], rating)
        self._notes += 1
        note = f"benchmark note {self._notes}: compare with the {rng.choice(BENCH_TAGS)} run"
        return kind, lambda: library.set_notes(paper_id, note)


class MergeCounter:
    """Counts the papers the index's merges re-index (wraps ``WhooshIndex.merge``)."""

    def __init__(self, index: WhooshIndex) -> None:
        self.papers = 0
        merge = index.merge

        def counted(
            segment_ids: Collection[str], load: Callable[[Sequence[int]], Sequence[Paper]]
        ) -> int:
            written = merge(segment_ids, load)
            self.papers += written
            return written

        index.merge = counted  # type: ignore[method-assign]


def _run_round(editor: Editor, counter: MergeCounter, edits: int) -> Round:
    result = Round()
    for _ in range(edits):
        kind, edit = editor.next_edit()
        merged_before = counter.papers
        started = time.perf_counter()
        edit()
        result.seconds.append(time.perf_counter() - started)
        result.kinds.append(kind)
        result.merged.append(counter.papers - merged_before)
    return result


def _maintain(library: Library, counter: MergeCounter) -> tuple[float, int]:
    """``maintain_index()`` with no budget, as when the window is idle long enough:
    (seconds, papers its merges re-indexed). Never counted in an edit's time."""
    merged_before = counter.papers
    started = time.perf_counter()
    library.indexing.maintain()
    return time.perf_counter() - started, counter.papers - merged_before


def search_fingerprint() -> str:
    """A hash of the search code: a cached index is reused only by the code that built it."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "readinglist" / "search").rglob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _indexed_library(
    workdir: Path,
    size: int,
    seed: int,
    cache: bool,
    digest: Path | None,
    say: Callable[[str], None],
) -> tuple[Path, bool]:
    """A scratch copy of the synthetic library with its index (rebuilt, or cached)."""
    folder, _build = prepare_library(workdir, size, seed, cache, digest)
    cached = workdir / f"library-n{size}-s{seed}" / f"edits-index-{search_fingerprint()}"
    if cache and cached.is_dir():
        shutil.copytree(cached, folder / cached.name)
        (folder / cached.name).rename(_index_folder(folder))
        return folder, True
    say(f"rebuilding the index of {size} papers")
    store = SqlStore.open(folder)
    index = WhooshIndex(folder)
    try:
        Library(store, index=index).indexing.rebuild()
    finally:
        index.close()
        store.close()
    if cache:  # one cached index per library: the older code's go
        for old in cached.parent.glob("edits-index-*"):
            shutil.rmtree(old, ignore_errors=True)
        shutil.copytree(_index_folder(folder), cached)
    return folder, False


def _index_folder(library: Path) -> Path:
    return library / f"{INDEX_PREFIX}{SCHEMA_VERSION}"


def run_benchmark(
    size: int,
    edits: int,
    seed: int,
    workdir: Path,
    cache: bool,
    maintain: bool,
    say: Callable[[str], None],
    digest: Path | None = None,
) -> dict[str, Any]:
    load_start = _loadavg()
    say(f"library of {size} papers (seed {seed}) in {workdir}")
    folder, index_cached = _indexed_library(workdir, size, seed, cache, digest, say)
    try:
        store = SqlStore.open(folder)
        index = WhooshIndex(folder)
        try:
            library = Library(store, index=index)
            with store.unit_of_work() as uow:
                ids = uow.all_ids()
            counter = MergeCounter(index)
            editor = Editor(library, ids, seed)
            segments_before = len(index.segment_stats())
            say(f"round 1: {edits} edits")
            first = _run_round(editor, counter, edits)
            segments_mid = len(index.segment_stats())
            maintain_s, maintain_papers = 0.0, 0
            if maintain:
                say("maintain_index() between the rounds")
                maintain_s, maintain_papers = _maintain(library, counter)
            segments_maintained = len(index.segment_stats())
            say(f"round 2: {edits} edits")
            second = _run_round(editor, counter, edits)
            segments_after = len(index.segment_stats())
            final_s, final_papers = 0.0, 0
            if maintain:
                say("maintain_index() after round 2")
                final_s, final_papers = _maintain(library, counter)
            segments_final = len(index.segment_stats())
            say("checking the index against the database")
            clean = library.indexing.check(repair=False).clean
        finally:
            index.close()
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "size": size,
        "edits_per_round": edits,
        "seed": seed,
        "index_cached": index_cached,
        "segments_before": segments_before,
        **first.summary(""),
        "segments_after": segments_mid,
        "maintain_called": maintain,
        "maintain_s": round(maintain_s, 3),
        "maintain_papers": maintain_papers,
        "segments_after_maintain": segments_maintained,
        **second.summary("round2_"),
        "round2_segments_after": segments_after,
        "final_maintain_s": round(final_s, 3),
        "final_maintain_papers": final_papers,
        "segments_after_final_maintain": segments_final,
        "index_matches_database": clean,
        "loadavg": {"start": load_start, "end": _loadavg()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.edits", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--size", type=int, required=True, help="papers in the library")
    parser.add_argument("--edits", type=int, default=EDITS, help="edits in each of two rounds")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--out", type=Path, default=None, help="keep libraries here (cached by size and seed)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-maintain", action="store_true", help="no maintain_index()")
    parser.add_argument(
        "--digest", type=Path, default=None, help="the real digest to recombine (default: shared)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.size < 1 or args.edits < 1:
        parser.error("--size and --edits must be positive")

    def say(message: str) -> None:
        if not args.quiet:
            print(f"[edits] {message}", file=sys.stderr, flush=True)

    def run(workdir: Path, cache: bool) -> dict[str, Any]:
        maintain = not args.no_maintain
        return run_benchmark(
            args.size, args.edits, args.seed, workdir, cache, maintain, say, args.digest
        )

    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        result = run(args.out.resolve(), cache=True)
    else:
        with tempfile.TemporaryDirectory(prefix="readinglist-edits-") as scratch:
            result = run(Path(scratch), cache=False)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
