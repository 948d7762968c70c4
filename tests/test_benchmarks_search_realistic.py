"""The realistic benchmark corpus, its query list and the FTS5 reference's plans (issue 16).

The numbers of a benchmark depend on the machine and are not checked; what is checked
is that the corpus is what it claims (deterministic, prefix-stable, a long Zipfian
vocabulary with names and acronyms, the digest's lengths), that the FTS5 side picks
filter-only pages without scanning its FTS table, and that a ``--realistic`` run
reports every field.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_queries import Fts, has, status
from benchmarks.fts5_reference import Fts5Reference
from benchmarks.realistic_corpus import FAMOUS_ACRONYMS, realistic_papers, realistic_papers_after
from benchmarks.realistic_library import build_realistic_library, vocabulary_stats
from benchmarks.realistic_queries import KINDS, rare_words, realistic_queries
from benchmarks.synthetic import synthetic_papers
from readinglist.core.digest_sources import read_digest
from readinglist.core.models import ParsedPaper
from readinglist.core.normalize import title_key
from readinglist.core.query import typing_query
from readinglist.storage.engine import DATABASE_FILE
from tests.helpers import REPO, shared_digest_path

SIZE = 1500
_DIGEST_HASH = """
import hashlib, sys
from benchmarks.realistic_corpus import realistic_papers
papers = realistic_papers(int(sys.argv[1]), 11)
print(hashlib.sha256(repr(papers).encode()).hexdigest())
"""


@pytest.fixture(scope="module")
def papers() -> list[ParsedPaper]:
    return realistic_papers(SIZE, seed=11, digest=shared_digest_path())


def test_the_corpus_is_deterministic_unique_and_prefix_stable(papers: list[ParsedPaper]) -> None:
    digest = shared_digest_path()
    assert papers[:200] == realistic_papers(200, seed=11, digest=digest)
    assert papers[:50] != realistic_papers(50, seed=12, digest=digest)
    assert len({title_key(p.title) for p in papers}) == SIZE
    later = realistic_papers_after(SIZE - 10, 30, seed=11, digest=digest)
    assert later[:10] == papers[-10:]
    assert not {title_key(p.title) for p in later[10:]} & {title_key(p.title) for p in papers}


@pytest.mark.slow
def test_the_corpus_is_the_same_in_every_process(papers: list[ParsedPaper]) -> None:
    """Nothing depends on the order of a set (the hash seed differs per process)."""
    shared_digest_path()
    expected = hashlib.sha256(repr(papers[:300]).encode()).hexdigest()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-c", _DIGEST_HASH, "300"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert done.stdout.strip() == expected, hash_seed


def test_the_vocabulary_is_long_and_zipfian(papers: list[ParsedPaper]) -> None:
    realistic = vocabulary_stats(papers)
    synthetic = vocabulary_stats(synthetic_papers(SIZE, seed=11, digest=shared_digest_path()))
    # The synthetic corpus is the digest's ~4,000 terms at any size; this one grows.
    assert realistic["distinct_terms"] > 4 * synthetic["distinct_terms"]
    assert realistic["distinct_terms"] > 10 * SIZE
    # Zipf: most terms are rare, and the common ones are the digest's common words.
    assert realistic["terms_in_one_paper"] > 0.5 * realistic["distinct_terms"]
    top = dict(realistic["top_terms_df"])
    assert 0.5 < top["model"] < 0.97
    assert "gaussian" not in top  # topics do not spread over every paper


def test_the_papers_look_like_the_digest(papers: list[ParsedPaper]) -> None:
    real = read_digest(shared_digest_path().read_bytes(), "digest.txt").papers
    for field in ("title", "abstract"):
        ours = statistics.median(len(getattr(p, field).split()) for p in papers)
        theirs = statistics.median(len(getattr(p, field).split()) for p in real)
        assert 0.8 * theirs <= ours <= 1.25 * theirs
    text = "\n".join(f"{p.title}\n{p.abstract}" for p in papers)
    # Names with versions, real and generated, and acronyms defined in abstracts.
    assert re.search(r"\bYOLOv\d\b", text) and re.search(r"\bGPT-4V?\b", text)
    versioned = set(re.findall(r"\b[A-Z][A-Za-z]{2,}(?:-?v?\d+(?:\.\d+)?)(?:-[A-Z]+)?\b", text))
    assert len(versioned) > 200
    definitions = re.findall(r"\b([A-Z][\w-]*(?: [\w-]+){0,3}) \(([A-Za-z0-9]{2,6}s?)\)", text)
    assert len(definitions) > 0.25 * SIZE
    assert any(acronym == FAMOUS_ACRONYMS[0][1] for _phrase, acronym in definitions)
    assert sum(1 for p in papers if "https://" in p.abstract) > 0.1 * SIZE


def test_the_query_list_is_as_typed(papers: list[ParsedPaper]) -> None:
    from datetime import UTC, datetime

    queries = realistic_queries(datetime.now(UTC), seed=11, digest=shared_digest_path())
    assert {q.kind for q in queries} == set(KINDS)
    partial = [q for q in queries if q.kind == "partial"]
    assert all(typing_query(q.text).endswith("*") for q in partial)
    assert all("~" not in q.text for q in queries if q.kind == "typo")
    # The rare words are the corpus's own, not the digest's; each is queried whole, half
    # typed and mistyped.
    rare = rare_words(11, shared_digest_path())
    assert len(set(rare)) == 5
    digest_text = shared_digest_path().read_text(encoding="utf-8").lower()
    assert not [word for word in rare if word in digest_text]
    texts = {q.text.strip() for q in queries if q.kind == "rare"}
    for word in rare:
        assert {word, word[:5]} <= texts
        typos = [t for t in texts if t != word and sorted(t) == sorted(word)]
        assert len(typos) == 1


@pytest.fixture(scope="module")
def fts(tmp_path_factory: pytest.TempPathFactory, papers: list[ParsedPaper]) -> Fts5Reference:
    folder = tmp_path_factory.mktemp("realistic") / "library"
    build_realistic_library(folder, papers[:400], seed=11)
    reference = Fts5Reference(folder / "fts5.sqlite3", folder / DATABASE_FILE)
    count, _seconds = reference.index()
    assert count == 400
    return reference


def test_filter_only_pages_are_chosen_before_the_fts_table_is_read(fts: Fts5Reference) -> None:
    for query in (Fts(None, (status("unread"),)), Fts(None, (has("code"),))):
        # Before: "SCAN docs VIRTUAL TABLE INDEX 0:" (every row of the FTS table), then
        # "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)" for each. Now meta is read first
        # (by its "added" index) and docs only by rowid ("INDEX 0:=").
        plan = fts.plan(query)
        scans = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
        assert scans[0].startswith("SCAN m USING INDEX ix_meta_added"), plan
        docs = [step for step in plan if "docs" in step]
        assert docs == ["SCAN docs VIRTUAL TABLE INDEX 0:="], plan
        # The page is the same rows as the naive join's, newest first.
        clause, params = " WHERE " + query.filters[0][0], list(query.filters[0][1])
        naive = fts.connection.execute(
            "SELECT docs.rowid FROM meta m JOIN docs ON docs.rowid = m.id"
            f"{clause} ORDER BY m.added DESC, m.id LIMIT 50",
            params,
        ).fetchall()
        assert fts.search(query) > 50
        page = fts.connection.execute(
            "SELECT page.id FROM (SELECT m.id AS id, m.added AS added FROM meta m"
            f"{clause} ORDER BY m.added DESC, m.id LIMIT 50) AS page",
            params,
        ).fetchall()
        assert page == naive


@pytest.mark.slow
def test_a_realistic_run_reports_first_use_vocabulary_and_plans(tmp_path: Path) -> None:
    digest = shared_digest_path()
    command = [sys.executable, "-m", "benchmarks.search", "--size", "300", "--json"]
    command += ["--rounds", "1", "--warmup", "0", "--cold-runs", "1", "--quiet", "--realistic"]
    command += ["--workdir", str(tmp_path / "work"), "--digest", str(digest)]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["corpus"] == "realistic" and result["size"] == 300
    assert result["vocabulary"]["papers"] == 300
    assert result["vocabulary"]["distinct_terms"] > 5000
    assert 0 < result["first_use_p50_ms"] <= result["first_use_p95_ms"]
    assert set(result["first_use_p95_by_kind"]) == set(KINDS)
    assert set(result["p95_by_kind"]) == set(KINDS) == set(result["fts5_p95_by_kind"])
    assert set(result["first_round_p95_by_kind"]) == set(KINDS)
    plans = result["fts5_filter_only_plans"]
    assert "status:read" in plans and "has:code" in plans
    assert not [s for plan in plans.values() for s in plan if s.endswith("INDEX 0:")]
    assert result["queries_with_hits"] >= 0.5 * result["queries"]
    work = tmp_path / "work"
    assert [p.name for p in work.iterdir()] == ["library-realistic-n300-s7"]
