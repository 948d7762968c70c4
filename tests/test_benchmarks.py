"""The search benchmark runs end to end and reports every field (timings are not checked).

The numbers depend on the machine; only their presence, types and sanity are tested.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.search import KINDS
from benchmarks.synthetic import papers_after, synthetic_papers
from readinglist.core.normalize import title_key
from tests.helpers import REPO, shared_digest_path

SIZE = 300
POSITIVE_NUMBERS = (
    "index_docs_per_s",
    "rebuild_s",
    "query_p50_ms",
    "query_p95_ms",
    "query_max_ms",
    "first_round_p50_ms",
    "first_round_p95_ms",
    "cold_first_query_ms",
    "add_200_s",
    "peak_rss_mb",
    "index_mb",
    "fts5_index_docs_per_s",
    "fts5_query_p50_ms",
    "fts5_query_p95_ms",
    "fts5_query_max_ms",
    "p95_vs_fts5",
)
_COUNTER = re.compile(r"#\s*\d+|\(\d+\)\s*$|\b\d{3,}\s*$")


def test_synthetic_papers_are_deterministic_unique_and_realistic():
    digest = shared_digest_path()
    papers = synthetic_papers(SIZE, seed=3, digest=digest)
    assert papers == synthetic_papers(SIZE, seed=3, digest=digest)
    assert papers != synthetic_papers(SIZE, seed=4, digest=digest)
    assert len({title_key(p.title) for p in papers}) == SIZE
    assert len({p.title.casefold() for p in papers}) == SIZE
    assert not [p.title for p in papers if _COUNTER.search(p.title)]
    assert all(p.title == p.title.strip() and p.abstract for p in papers)
    with_links = [p for p in papers if "https://" in p.abstract]
    assert 0.1 * SIZE < len(with_links) < 0.6 * SIZE
    # The papers after the first N are new to a library of N (the benchmark adds them).
    later = papers_after(SIZE - 10, 30, seed=3, digest=digest)
    assert later[:10] == papers[-10:]
    assert not {title_key(p.title) for p in later[10:]} & {title_key(p.title) for p in papers}


@pytest.mark.slow
def test_search_benchmark_reports_every_field(tmp_path: Path):
    digest = shared_digest_path()
    command = [sys.executable, "-m", "benchmarks.search", "--size", str(SIZE), "--json"]
    command += ["--rounds", "1", "--warmup", "0", "--cold-runs", "1", "--quiet"]
    command += ["--workdir", str(tmp_path / "work"), "--digest", str(digest)]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)

    assert result["size"] == SIZE
    assert isinstance(result["queries"], int)
    assert result["queries"] >= 50
    for name in POSITIVE_NUMBERS:
        value = result[name]
        assert isinstance(value, int | float) and not isinstance(value, bool), name
        assert value > 0, name
    assert result["query_p50_ms"] <= result["query_p95_ms"] <= result["query_max_ms"]
    assert result["fts5_query_p50_ms"] <= result["fts5_query_p95_ms"]
    for field in ("p95_by_kind", "p50_by_kind", "fts5_p95_by_kind"):
        assert set(result[field]) == set(KINDS)
        assert all(isinstance(v, int | float) and v > 0 for v in result[field].values())
    assert isinstance(result["python"], str) and result["python"].startswith("3.")
    assert isinstance(result["whoosh"], str) and result["whoosh"]
    # The queries find something on both sides, and the 200 new papers were indexed.
    assert result["queries_with_hits"] >= 0.9 * result["queries"]
    assert result["fts5_queries_with_hits"] >= 0.9 * result["queries"]
    assert result["hits_after_add"] > 0
    # The library stays cached in the work folder (database only); scratch copies go.
    work = tmp_path / "work"
    assert [p.name for p in work.iterdir()] == [f"library-n{SIZE}-s7"]


@pytest.mark.slow
def test_search_benchmark_times_the_index_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.search import main as search_benchmark

    argv = ["--size", str(SIZE), "--index-only", "--runs", "2", "--json", "--quiet"]
    argv += ["--workdir", str(tmp_path / "work"), "--digest", str(shared_digest_path())]
    assert search_benchmark(argv) == 0
    result = json.loads(capsys.readouterr().out)

    assert result["index_only"] is True and result["size"] == SIZE and result["runs"] == 2
    runs = result["index_docs_per_s_runs"]
    assert len(runs) == 2 and all(rate > 0 for rate in runs)
    assert result["index_docs_per_s"] == max(runs)
    assert len(result["rebuild_cpu_s_runs"]) == 2
    assert all(cpu > 0 for cpu in result["rebuild_own_cpu_s_runs"])
    # Below analysis_worker.PARALLEL_FROM papers no worker process is started.
    assert result["rebuild_worker_cpu_s_runs"] == [0.0, 0.0]
    assert result["index_mb"] > 0 and result["loadavg_end"]
    assert [p.name for p in (tmp_path / "work").iterdir()] == [f"library-n{SIZE}-s7"]


@pytest.mark.slow
def test_cli_benchmark_reports_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.cli import BENCH_TAG, TARGETS_MS
    from benchmarks.cli import main as cli_benchmark
    from readinglist.app_context import open_library

    digest = shared_digest_path()
    folder = tmp_path / "library"
    argv = ["--size", "200", "--repeat", "1", "--json", "--quiet", "--digest", str(digest)]
    assert cli_benchmark([*argv, "--out", str(folder)]) == 0
    result = json.loads(capsys.readouterr().out)

    assert result["papers"] == 200 and result["repeat"] == 1
    assert set(result["modes"]) == {"served", "direct"}
    for mode, figures in result["modes"].items():
        assert set(figures) == {"floor", *TARGETS_MS}
        for name, row in figures.items():
            assert set(row) == {"argv", "median_ms", "p95_ms", "min_ms", "max_ms", "cpu_median_ms"}
            assert 0 < row["min_ms"] <= row["median_ms"] <= row["p95_ms"] <= row["max_ms"], name
        assert figures["floor"]["argv"] == ["-c", "pass"]
        assert set(result["median_within_target"][mode]) == set(TARGETS_MS)
    # The first command of the day: no server yet, so it runs directly and starts one.
    start = result["server_start"]
    assert 0 < start["first_command_ms"] <= start["listening_after_ms"]
    assert set(result["loadavg"]) == {"start", "end"}
    assert result["library_build_s"] >= 0
    # The paper the writes went back and forth on is left without the benchmark's tag.
    with open_library(folder) as opened:
        assert BENCH_TAG not in opened.library.details(result["paper_id"]).paper.tags
