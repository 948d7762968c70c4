"""Search benchmark: Whoosh through the Library API, with SQLite FTS5 as a reference.

    python -m benchmarks.search --size 10000 [--json] [--seed 7] [--workdir DIR]

Prints one JSON object (``--json``) or a table. See benchmarks/README.md for the fields
and the targets. The steps, in order:

1. a synthetic library of N papers (database only; cached in ``--workdir`` by size and
   seed), built in a subprocess so its memory does not count in ``peak_rss_mb``;
2. ``Library.indexing.rebuild()`` with a ``WhooshIndex`` -> ``index_docs_per_s``;
3. fresh subprocesses that open the library and time their first query;
4. the query list through ``Library.search(q, limit=50)``: warm-up round(s), then timed
   rounds -> percentiles over every timing;
5. 200 new papers imported with the index attached -> ``add_200_s``;
6. the same data in a standalone FTS5 table and the same queries in MATCH syntax.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.bench_queries import BenchQuery, Filter, Fts
from benchmarks.bench_queries import epoch as _epoch
from benchmarks.bench_queries import has as _has
from benchmarks.bench_queries import since as _since
from benchmarks.bench_queries import status as _status
from benchmarks.bench_queries import tag as _tag
from benchmarks.first_use import first_use, summarise
from benchmarks.fts5_reference import Fts5Reference
from benchmarks.realistic_corpus import realistic_papers_after
from benchmarks.realistic_queries import realistic_queries
from benchmarks.synthetic import DEFAULT_SEED, SHARED_DIGEST, papers_after
from readinglist.app_context import open_library
from readinglist.core.library import Library
from readinglist.core.models import ParseResult
from readinglist.core.query import typing_query
from readinglist.search.index import WhooshIndex
from readinglist.storage.engine import DATABASE_FILE
from readinglist.storage.store import SqlStore

KINDS = ("words", "phrase", "prefix", "field", "fuzzy", "bool")
LIMIT = 50
ADDED = 200
COLD_QUERY = "gaussian splatting"
COLD_RUNS = 3
REPO = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- queries


def benchmark_queries(now: datetime, anchor: datetime) -> list[BenchQuery]:
    """The fixed query list. ``now`` anchors relative dates; ``anchor`` is the day the
    synthetic library's digest dates count back from (its "added:YYYY-MM" month).

    FTS5 translations: words are ANDed (implicit in FTS5), phrases and prefixes are the
    same syntax, ``a -b`` is ``a NOT b``, hyphenated words are split like the query
    language splits them. FTS5 implies AND only between phrases, so a parenthesised
    group gets an explicit AND. Approximations are commented where they are made.
    """
    month = anchor - timedelta(days=120)
    month_start = datetime(month.year, month.month, 1, tzinfo=UTC)
    month_end = (month_start + timedelta(days=32)).replace(day=1)
    in_month: Filter = ("m.added >= ? AND m.added < ?", (_epoch(month_start), _epoch(month_end)))
    q = BenchQuery
    return [
        # --- words: every word must match, in any text field
        q("words", "segmentation", Fts("segmentation")),
        q("words", "gaussian splatting", Fts("gaussian splatting")),
        q("words", "diffusion models", Fts("diffusion models")),
        q("words", "quantization large language models", Fts("quantization large language models")),
        q("words", "mixture experts routing", Fts("mixture experts routing")),
        q("words", "sparse training", Fts("sparse training")),
        q("words", "object detection real-time", Fts("object detection real time")),
        q("words", "knowledge distillation", Fts("knowledge distillation")),
        q("words", "graph neural networks", Fts("graph neural networks")),
        q("words", "vision transformer attention", Fts("vision transformer attention")),
        q("words", "memory efficient training", Fts("memory efficient training")),
        q("words", "super resolution", Fts("super resolution")),
        q("words", "video generation", Fts("video generation")),
        q("words", "convergence", Fts("convergence")),
        q("words", "model", Fts("model")),  # in most abstracts: the long posting list
        # --- phrases (the query language drops stop words inside a phrase and allows
        # their gap; FTS5 keeps them: "mixture of experts" must be exactly that there)
        q("phrase", '"neural radiance fields"', Fts('"neural radiance fields"')),
        q("phrase", '"gaussian splatting"', Fts('"gaussian splatting"')),
        q("phrase", '"large language models"', Fts('"large language models"')),
        q("phrase", '"mixture of experts"', Fts('"mixture of experts"')),
        q("phrase", '"post-training quantization"', Fts('"post training quantization"')),
        q("phrase", '"state of the art"', Fts('"state of the art"')),
        q("phrase", '"object detection"', Fts('"object detection"')),
        q("phrase", '"semantic segmentation" scenes', Fts('"semantic segmentation" scenes')),
        q("phrase", '"code is available"', Fts('"code is available"')),
        # --- prefixes (FTS5 expands over every matching term; Whoosh over at most 24)
        q("prefix", "segment*", Fts("segment*")),
        q("prefix", "quant*", Fts("quant*")),
        q("prefix", "diffus*", Fts("diffus*")),
        q("prefix", "gauss*", Fts("gauss*")),
        q("prefix", "spars*", Fts("spars*")),
        q("prefix", "trans*", Fts("trans*")),
        q("prefix", "pr*", Fts("pr*")),  # the shortest prefix allowed: the worst case
        q("prefix", "optim* sgd", Fts("optim* sgd")),
        q("prefix", "multi*", Fts("multi*")),
        q("prefix", "effic* inference", Fts("effic* inference")),
        # --- fuzzy: FTS5 has no fuzzy match; the reference searches the word the fuzzy
        # term is meant to find (what a user would get after fixing the typo)
        q("fuzzy", "segmentaton~", Fts("segmentation")),
        q("fuzzy", "difusion~", Fts("diffusion")),
        q("fuzzy", "quantisation~", Fts("quantization")),
        q("fuzzy", "transformr~", Fts("transformer")),
        q("fuzzy", "gausian~ splatting", Fts("gaussian splatting")),
        q("fuzzy", "atention~2", Fts("attention")),
        q("fuzzy", "pruning~", Fts("pruning")),
        q("fuzzy", "grph~ networks", Fts("graph networks")),
        # --- fields and filters. FTS5 indexes only (title, abstract): tag/status/has/
        # rating/seen/added are conditions on a side table (meta, ptags) joined by rowid;
        # notes are matched with LIKE on meta (substring, not words: an approximation)
        q("field", "title:segmentation", Fts("title : segmentation")),
        q("field", "title:(nerf OR gaussian)", Fts("title : (nerf OR gaussian)")),
        q("field", 'abstract:"point cloud"', Fts('abstract : "point cloud"')),
        q("field", "tag:3d", Fts(None, (_tag("3d"),))),
        q("field", "tag:llm quantization", Fts("quantization", (_tag("llm"),))),
        q("field", "status:read", Fts(None, (_status("read"),))),
        q("field", "status:queued diffusion", Fts("diffusion", (_status("queued"),))),
        q("field", "has:code", Fts(None, (_has("code"),))),
        q("field", "has:code segmentation", Fts("segmentation", (_has("code"),))),
        q("field", "has:project gaussian", Fts("gaussian", (_has("project"),))),
        q("field", "has:notes", Fts(None, (_has("notes"),))),
        q("field", "notes:todo*", Fts(None, (("m.notes LIKE ?", ("%todo%",)),))),
        q("field", "rating:>=4", Fts(None, (("m.rating >= ?", (4,)),))),
        q(
            "field",
            "rating:>=4 tag:3d/gaussian-splatting",
            Fts(None, (("m.rating >= ?", (4,)), _tag("3d/gaussian-splatting"))),
        ),
        q("field", "added:>30d", Fts(None, (_since(now - timedelta(days=30)),))),
        q("field", "added:>7d diffusion", Fts("diffusion", (_since(now - timedelta(days=7)),))),
        q("field", f"added:{month:%Y-%m} segmentation", Fts("segmentation", (in_month,))),
        q("field", "seen:>2", Fts(None, (("m.seen > ?", (2,)),))),
        # --- boolean
        q("bool", "nerf OR gaussian", Fts("nerf OR gaussian")),
        q(
            "bool",
            "(segmentation OR detection) -survey",
            Fts("(segmentation OR detection) NOT survey"),
        ),
        q("bool", "diffusion NOT video", Fts("diffusion NOT video")),
        q("bool", "quantization -llm", Fts("quantization NOT llm")),
        q(
            "bool",
            "(sparse OR pruning) training -status:dropped",
            Fts("(sparse OR pruning) AND training", (("m.status != ?", ("dropped",)),)),
        ),
        q("bool", '"language model" OR transformer*', Fts('"language model" OR transformer*')),
        q("bool", "gaussian AND splatting -rendering", Fts("gaussian AND splatting NOT rendering")),
        q(
            "bool",
            'moe OR "mixture of experts" OR experts',
            Fts('moe OR "mixture of experts" OR experts'),
        ),
        q(
            "bool",
            '(nerf OR "radiance field") (rendering OR synthesis)',
            Fts('(nerf OR "radiance field") AND (rendering OR synthesis)'),
        ),
        # "everything but": FTS5 cannot NOT alone; rows outside the match, newest first
        q(
            "bool",
            "-segmentation",
            Fts(
                None,
                (("m.id NOT IN (SELECT rowid FROM docs WHERE docs MATCH ?)", ("segmentation",)),),
            ),
        ),
    ]


# ------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 3)


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024.0, 1)  # Linux: kilobytes


def _folder_mb(folder: Path) -> float:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


def _loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


@dataclass
class Timings:
    """Per-query timings in seconds, in query-list order, over all timed rounds."""

    by_query: list[list[float]]
    totals: list[int]
    first_round: list[float]  # each query's first run in the process

    def all(self) -> list[float]:
        return [t for times in self.by_query for t in times]

    def of_kind(self, queries: Sequence[BenchQuery], kind: str) -> list[float]:
        pairs = zip(queries, self.by_query, strict=True)
        return [t for query, times in pairs if query.kind == kind for t in times]

    def summary(self, queries: Sequence[BenchQuery], prefix: str = "") -> dict[str, Any]:
        flat = self.all()
        out: dict[str, Any] = {
            f"{prefix}query_p50_ms": _ms(percentile(flat, 0.50)),
            f"{prefix}query_p95_ms": _ms(percentile(flat, 0.95)),
            f"{prefix}query_max_ms": _ms(max(flat, default=0.0)),
            f"{prefix}first_round_p50_ms": _ms(percentile(self.first_round, 0.50)),
            f"{prefix}first_round_p95_ms": _ms(percentile(self.first_round, 0.95)),
        }
        kinds = dict.fromkeys(query.kind for query in queries)
        for stat, share in (("p50", 0.5), ("p95", 0.95)):
            out[f"{prefix}{stat}_by_kind"] = {
                kind: _ms(percentile(self.of_kind(queries, kind), share)) for kind in kinds
            }
        firsts = list(zip(queries, self.first_round, strict=True))
        out[f"{prefix}first_round_p95_by_kind"] = {
            kind: _ms(percentile([t for q, t in firsts if q.kind == kind], 0.95)) for kind in kinds
        }
        ranked = sorted(
            zip(queries, self.by_query, self.totals, strict=True),
            key=lambda row: -percentile(row[1], 0.5),
        )
        out[f"{prefix}slowest"] = [
            {"query": q.text, "kind": q.kind, "p50_ms": _ms(percentile(ts, 0.5)), "total": total}
            for q, ts, total in ranked[:8]
        ]
        out[f"{prefix}queries_with_hits"] = sum(1 for total in self.totals if total > 0)
        return out


def _run_rounds(
    queries: Sequence[BenchQuery],
    run_one: Callable[[BenchQuery], int],
    rounds: int,
    warmup: int,
    profiler: cProfile.Profile | None = None,
) -> Timings:
    """Warm-up rounds, then timed rounds; the very first round is kept apart as well
    (each query's first run in this process: nothing it needs is cached yet)."""
    totals = [0] * len(queries)
    first: list[float] = []
    by_query: list[list[float]] = [[] for _ in queries]
    for number in range(warmup + rounds):
        timed = number >= warmup
        if timed and number == warmup and profiler is not None:
            profiler.enable()
        for position, query in enumerate(queries):
            started = time.perf_counter()
            totals[position] = run_one(query)
            elapsed = time.perf_counter() - started
            if number == 0:
                first.append(elapsed)
            if timed:
                by_query[position].append(elapsed)
    if profiler is not None:
        profiler.disable()
    return Timings(by_query, totals, first)


# ------------------------------------------------------------------------- libraries


def _build_in_subprocess(
    folder: Path, size: int, seed: int, digest: Path | None, corpus: str = "synthetic"
) -> dict[str, Any]:
    module = "benchmarks.realistic_library" if corpus == "realistic" else "benchmarks.synthetic"
    command = [sys.executable, "-m", module, "--size", str(size)]
    command += ["--seed", str(seed), "--out", str(folder)]
    if digest is not None:
        command += ["--digest", str(digest)]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=False, env=_child_env()
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the {corpus} library failed:\n{done.stderr}")
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return info


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def prepare_library(
    workdir: Path,
    size: int,
    seed: int,
    cache: bool,
    digest: Path | None = None,
    corpus: str = "synthetic",
) -> tuple[Path, dict[str, Any]]:
    """A scratch copy of the synthetic (or realistic) library of (size, seed), built or
    from the cache. A realistic library is rebuilt when its generator changed."""
    name = "library" if corpus == "synthetic" else f"library-{corpus}"
    cached = workdir / f"{name}-n{size}-s{seed}"
    info_file = cached / "build.json"
    hashed = hashlib.sha256((digest or SHARED_DIGEST).read_bytes())
    if corpus == "realistic":
        for module in ("realistic_corpus.py", "realistic_library.py"):
            hashed.update((REPO / "benchmarks" / module).read_bytes())
    source = hashed.hexdigest()[:16]
    info: dict[str, Any] = json.loads(info_file.read_text()) if info_file.is_file() else {}
    if cache and info.get("digest_sha256") == source:
        info["cached"] = True
    else:
        shutil.rmtree(cached, ignore_errors=True)
        building = workdir / f"building-{name}-n{size}-s{seed}-{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        info = _build_in_subprocess(building, size, seed, digest, corpus)
        info["digest_sha256"] = source
        (building / "build.json").write_text(json.dumps(info))
        building.rename(cached)
        info["cached"] = False
    run = workdir / f"run-n{size}-s{seed}-{os.getpid()}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    shutil.copy2(cached / DATABASE_FILE, run / DATABASE_FILE)
    return run, info


# --------------------------------------------------------------------------- whoosh


def _cpu_s() -> tuple[float, float]:
    """CPU seconds (user + system) of this process, and of its finished children: a
    rebuild that analyses in a worker process spends CPU there too."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class RebuildTiming:
    """One timed ``Library.indexing.rebuild()``: papers, wall seconds, CPU seconds in
    this process and in its children (the analysis worker)."""

    count: int
    wall_s: float
    own_cpu_s: float
    children_cpu_s: float

    @property
    def cpu_s(self) -> float:
        return self.own_cpu_s + self.children_cpu_s


def time_rebuild(folder: Path, profiler: cProfile.Profile | None = None) -> RebuildTiming:
    store = SqlStore.open(folder)
    index = WhooshIndex(folder)
    try:
        library = Library(store, index=index)
        if profiler is not None:
            profiler.enable()
        cpu_started = _cpu_s()
        started = time.perf_counter()
        count = library.indexing.rebuild()
        elapsed = time.perf_counter() - started
        cpu_ended = _cpu_s()
        if profiler is not None:
            profiler.disable()
    finally:
        index.close()
        store.close()
    own, children = (end - start for end, start in zip(cpu_ended, cpu_started, strict=True))
    return RebuildTiming(count, elapsed, own, children)


# Run by a fresh interpreter: nothing is imported before the clock starts, so lazy
# imports, opening the searcher and the first stemming are all in the numbers.
_COLD_PROBE = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from readinglist.app_context import open_library
imported = time.perf_counter()
try:  # the code changed under the benchmark: open_library would rebuild, not open
    from readinglist.search.index import INDEX_PREFIX
    from readinglist.search.schema import SCHEMA_VERSION
except ImportError:
    pass
else:
    if not (Path(sys.argv[1]) / f"{INDEX_PREFIX}{SCHEMA_VERSION}").is_dir():
        sys.exit(f"no {INDEX_PREFIX}{SCHEMA_VERSION} index: the code changed during the run")
opened = open_library(Path(sys.argv[1]))
ready = time.perf_counter()
results = opened.library.search(sys.argv[2], limit=50)
done = time.perf_counter()
opened.close()
print(json.dumps({"import_s": imported - started, "open_s": ready - imported,
                  "first_query_s": done - ready, "total": results.total}))
"""


def cold_first_query(folder: Path, query: str, runs: int) -> list[dict[str, float]]:
    probes: list[dict[str, float]] = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _COLD_PROBE, str(folder), query],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            env=_child_env(),
        )
        if done.returncode != 0:
            raise RuntimeError(f"cold probe failed:\n{done.stderr}")
        probes.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return probes


# ----------------------------------------------------------------------------- fts5

# ---------------------------------------------------------------------------- main


def code_fingerprint() -> str:
    """A hash of the package's sources: other people may edit the tree during a run."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "readinglist").rglob("*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def git_head() -> str | None:
    """The checked-out commit (read only), or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def whoosh_version() -> str:
    for name in ("whoosh3", "Whoosh-Reloaded", "Whoosh"):
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    import whoosh

    return f"whoosh {whoosh.versionstring()}"


def checked_rebuild(folder: Path, size: int, profiler: cProfile.Profile | None) -> RebuildTiming:
    """:func:`time_rebuild`, refusing a rebuild that indexed another number of papers."""
    rebuilt = time_rebuild(folder, profiler)
    if rebuilt.count != size:
        raise RuntimeError(f"rebuild indexed {rebuilt.count} papers, not {size}")
    return rebuilt


def run_benchmark(
    size: int,
    seed: int,
    workdir: Path,
    cache: bool,
    rounds: int,
    warmup: int,
    cold_runs: int,
    profile_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    digest: Path | None = None,
    realistic: bool = False,
) -> dict[str, Any]:
    """One run. ``realistic``: the realistic corpus (benchmarks/realistic_corpus.py) and
    its query list as typed (the window's ``typing_query`` makes the last word a prefix)."""
    say = progress or (lambda _message: None)
    load_start = _loadavg()
    code_start = code_fingerprint()
    corpus = "realistic" if realistic else "synthetic"
    say(f"{corpus} library of {size} papers (seed {seed}) in {workdir}")
    folder, build = prepare_library(workdir, size, seed, cache, digest, corpus)
    try:
        anchor = datetime.fromisoformat(build["anchor"])
        if realistic:
            queries = realistic_queries(datetime.now(UTC), seed, digest)
        else:
            queries = benchmark_queries(datetime.now(UTC), anchor)
        as_typed = typing_query if realistic else str

        say("rebuilding the Whoosh index")
        rebuild_profile = cProfile.Profile() if profile_dir else None
        rebuilt = checked_rebuild(folder, size, rebuild_profile)
        rebuild_s = rebuilt.wall_s

        say(f"cold first query x{cold_runs}")
        probes = cold_first_query(folder, COLD_QUERY, cold_runs)

        say(f"first use: {len(queries)} queries once in a fresh process")
        first_s, first_totals = first_use(
            folder, [q.text for q in queries], realistic, REPO, _child_env()
        )

        say(f"{len(queries)} queries: {warmup} warm-up + {rounds} timed rounds")
        query_profile = cProfile.Profile() if profile_dir else None
        opened = open_library(folder)
        try:
            library = opened.library

            def whoosh_one(query: BenchQuery) -> int:
                return library.search(as_typed(query.text), limit=LIMIT).total

            whoosh = _run_rounds(queries, whoosh_one, rounds, warmup, query_profile)

            say(f"importing {ADDED} new papers with the index attached")
            after = realistic_papers_after if realistic else papers_after
            new = after(size, ADDED, seed, digest)
            started = time.perf_counter()
            summary = library.import_parsed(
                ParseResult(tuple(new)), "benchmark-add.txt", f"add {size}/{seed}".encode()
            )
            add_s = time.perf_counter() - started
            if summary.new != ADDED:
                raise RuntimeError(f"expected {ADDED} new papers, got {summary.new}")
            after_add = library.search(COLD_QUERY, limit=LIMIT).total
        finally:
            opened.close()
        peak_rss = _rss_mb()
        index_mb = _folder_mb(next(folder.glob("index-v*")))

        say("FTS5 reference")
        fts = Fts5Reference(folder / "fts5.sqlite3", folder / DATABASE_FILE)
        try:
            fts_count, fts_s = fts.index()
            fts.reopen(folder / "fts5.sqlite3")  # a cold page cache for the first round
            plans = {q.text: fts.plan(q.fts) for q in queries if q.fts.match is None}
            fts_timings = _run_rounds(queries, lambda q: fts.search(q.fts), rounds, warmup)
        finally:
            fts.close()
        fts_mb = round((folder / "fts5.sqlite3").stat().st_size / 2**20, 1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    if profile_dir is not None and rebuild_profile and query_profile:
        profile_dir.mkdir(parents=True, exist_ok=True)
        rebuild_profile.dump_stats(profile_dir / f"rebuild-{size}.prof")
        query_profile.dump_stats(profile_dir / f"queries-{size}.prof")

    cold = sorted(probes, key=lambda p: p["first_query_s"])[len(probes) // 2]
    result: dict[str, Any] = {
        "size": size,
        "seed": seed,
        "queries": len(queries),
        "rounds": rounds,
        "warmup_rounds": warmup,
        "index_docs_per_s": round(size / rebuild_s, 1),
        "rebuild_s": round(rebuild_s, 3),
        "rebuild_cpu_s": round(rebuilt.cpu_s, 3),
        "corpus": corpus,
        "vocabulary": build.get("vocabulary"),
        **whoosh.summary(queries),
        **summarise([q.kind for q in queries], first_s, percentile),
        "first_use_queries_with_hits": sum(1 for total in first_totals if total > 0),
        "cold_first_query_ms": _ms(cold["first_query_s"]),
        "cold_first_query_runs_ms": [_ms(p["first_query_s"]) for p in probes],
        "cold_open_ms": _ms(cold["open_s"]),
        "cold_import_ms": _ms(cold["import_s"]),
        "add_200_s": round(add_s, 3),
        "hits_after_add": after_add,
        "peak_rss_mb": peak_rss,
        "index_mb": index_mb,
        "fts5_index_docs_per_s": round(fts_count / fts_s, 1),
        **fts_timings.summary(queries, prefix="fts5_"),
        "fts5_mb": fts_mb,
        "fts5_filter_only_plans": plans,
        "p95_vs_fts5": round(
            percentile(whoosh.all(), 0.95) / max(percentile(fts_timings.all(), 0.95), 1e-9), 2
        ),
        "peak_rss_with_fts5_mb": _rss_mb(),
        "library_build_s": round(float(build["seconds"]), 1),
        "library_cached": bool(build["cached"]),
        **_provenance(code_start, load_start),
    }
    return result


def _provenance(code_start: str, load_start: list[float]) -> dict[str, Any]:
    """What a figure was measured with and under: code, versions, CPUs, load."""
    return {
        "git_head": git_head(),
        "code_sha": code_start,
        "code_changed_during_run": code_fingerprint() != code_start,
        "python": platform.python_version(),
        "whoosh": whoosh_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "loadavg_start": load_start,
        "loadavg_end": _loadavg(),
    }


def run_index_only(
    size: int,
    seed: int,
    workdir: Path,
    cache: bool,
    runs: int,
    profile_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    digest: Path | None = None,
    realistic: bool = False,
) -> dict[str, Any]:
    """Only step 2, ``runs`` times on one copy of the library (each rebuild replaces the
    last one's index): a few minutes less per figure while working on indexing speed."""
    say = progress or (lambda _message: None)
    load_start = _loadavg()
    code_start = code_fingerprint()
    corpus = "realistic" if realistic else "synthetic"
    say(f"{corpus} library of {size} papers (seed {seed}) in {workdir}")
    folder, build = prepare_library(workdir, size, seed, cache, digest, corpus)
    timings: list[RebuildTiming] = []
    profiler = cProfile.Profile() if profile_dir else None
    try:
        for number in range(runs):
            say(f"rebuilding the Whoosh index ({number + 1}/{runs})")
            timings.append(checked_rebuild(folder, size, profiler))
        index_mb = _folder_mb(next(folder.glob("index-v*")))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if profile_dir is not None and profiler is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile_dir / f"rebuild-{size}.prof")
    best = min(timings, key=lambda timing: timing.wall_s)
    return {
        "size": size,
        "seed": seed,
        "corpus": corpus,
        "index_only": True,
        "runs": runs,
        "index_docs_per_s": round(size / best.wall_s, 1),
        "index_docs_per_s_runs": [round(size / t.wall_s, 1) for t in timings],
        "rebuild_s": round(best.wall_s, 3),
        "rebuild_cpu_s": round(best.cpu_s, 3),
        "rebuild_cpu_s_runs": [round(t.cpu_s, 3) for t in timings],
        "rebuild_own_cpu_s_runs": [round(t.own_cpu_s, 3) for t in timings],
        "rebuild_worker_cpu_s_runs": [round(t.children_cpu_s, 3) for t in timings],
        "index_mb": index_mb,
        "peak_rss_mb": _rss_mb(),
        # The largest child's: the analysis worker's (or, uncached, the library build's).
        "children_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
        "library_cached": bool(build["cached"]),
        **_provenance(code_start, load_start),
    }


TARGETS = {  # at 100k papers; see README.md
    "query_p95_ms": "<= 50 and <= 3x fts5",
    "cold_first_query_ms": "<= 300",
    "index_docs_per_s": ">= 1500",
}


def render_table(result: dict[str, Any]) -> str:
    lines = [
        *(
            ["WARNING: the package's code changed during the run; rerun on a quiet tree", ""]
            if result["code_changed_during_run"]
            else []
        ),
        f"search benchmark: {result['size']} {result['corpus']} papers,"
        f" {result['queries']} queries x"
        f" {result['rounds']} rounds (+{result['warmup_rounds']} warm-up),"
        f" {result['whoosh']}, Python {result['python']}, SQLite {result['sqlite']},"
        f" {result['cpus']} cpus, load {result['loadavg_start']} -> {result['loadavg_end']}",
        "",
        f"{'':28}{'Whoosh':>12}{'FTS5':>12}   target at 100k",
    ]

    def row(label: str, ours: object, theirs: object = "", target: str = "") -> None:
        lines.append(f"{label:28}{ours!s:>12}{theirs!s:>12}   {target}")

    row("index docs/s", result["index_docs_per_s"], result["fts5_index_docs_per_s"], ">= 1500")
    row("query p50 ms", result["query_p50_ms"], result["fts5_query_p50_ms"])
    row("query p95 ms", result["query_p95_ms"], result["fts5_query_p95_ms"], "<= 50, <= 3x FTS5")
    row("query max ms", result["query_max_ms"], result["fts5_query_max_ms"])
    row(
        "first round p50/p95 ms",
        f"{result['first_round_p50_ms']:.0f}/{result['first_round_p95_ms']:.0f}",
        f"{result['fts5_first_round_p50_ms']:.0f}/{result['fts5_first_round_p95_ms']:.0f}",
    )
    row(
        "first use p50/p95 ms",
        f"{result['first_use_p50_ms']:.0f}/{result['first_use_p95_ms']:.0f}",
        "",
        "p95 <= 100 (realistic)",
    )
    for kind in result["p95_by_kind"]:
        row(f"  p95 {kind}", result["p95_by_kind"][kind], result["fts5_p95_by_kind"][kind])
    row("p95 Whoosh / FTS5", result["p95_vs_fts5"], "", "<= 3 (realistic: <= 1)")
    row("cold first query ms", result["cold_first_query_ms"], "", "<= 300")
    row("cold open_library ms", result["cold_open_ms"])
    row("add 200 papers s", result["add_200_s"])
    row("index size MB", result["index_mb"], result["fts5_mb"])
    row("peak RSS MB", result["peak_rss_mb"], result["peak_rss_with_fts5_mb"])
    lines += ["", "slowest Whoosh queries (p50 ms, hits):"]
    lines += [
        f"  {item['p50_ms']:>9}  {item['total']:>7}  {item['kind']:6}  {item['query']}"
        for item in result["slowest"]
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.search", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--size", type=int, required=True, help="papers in the library")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep libraries here (cached by size+seed)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of the query list")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    parser.add_argument("--cold-runs", type=int, default=COLD_RUNS, help="fresh processes")
    parser.add_argument("--profile-dir", type=Path, default=None, help="write cProfile stats")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--digest", type=Path, default=None, help="the real digest to recombine (default: shared)"
    )
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="the realistic corpus (Zipfian vocabulary) and its query list as typed",
    )
    parser.add_argument(
        "--index-only",
        action="store_true",
        help="time only the index rebuild (--runs times; the best run is the figure)",
    )
    parser.add_argument("--runs", type=int, default=1, help="rebuilds with --index-only")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be positive")
    if args.size < 1 or args.rounds < 1 or args.warmup < 0 or args.cold_runs < 1:
        parser.error("--size, --rounds and --cold-runs must be positive")

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[benchmark] {message}", file=sys.stderr, flush=True)

    def run(workdir: Path, cache: bool) -> dict[str, Any]:
        if args.index_only:
            return run_index_only(
                size=args.size,
                seed=args.seed,
                workdir=workdir,
                cache=cache,
                runs=args.runs,
                profile_dir=args.profile_dir,
                progress=progress,
                digest=args.digest,
                realistic=args.realistic,
            )
        return run_benchmark(
            size=args.size,
            seed=args.seed,
            workdir=workdir,
            cache=cache,
            rounds=args.rounds,
            warmup=args.warmup,
            cold_runs=args.cold_runs,
            profile_dir=args.profile_dir,
            progress=progress,
            digest=args.digest,
            realistic=args.realistic,
        )

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = run(args.workdir.resolve(), cache=True)
    else:
        with tempfile.TemporaryDirectory(prefix="readinglist-bench-") as scratch:
            result = run(Path(scratch), cache=False)
    if args.index_only and not args.json:
        print(
            f"index docs/s {result['index_docs_per_s']} (runs {result['index_docs_per_s_runs']}),"
            f" CPU s {result['rebuild_cpu_s_runs']},"
            f" load {result['loadavg_start']} -> {result['loadavg_end']}"
        )
    else:
        print(json.dumps(result) if args.json else render_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
