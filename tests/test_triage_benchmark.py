"""benchmarks/triage.py runs end to end and reports its fields (timings not checked),
and the quality the README states holds for one simulated reader on the real digest
(a regression test of the model, not of speed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import triage as bench
from readinglist.core.digest_sources import read_digest
from tests.helpers import SHARED_DIGEST_PAPERS, shared_digest_path


@pytest.mark.slow
def test_the_benchmark_reports_every_speed_field(tmp_path: Path, capsys) -> None:
    shared_digest_path()  # skipped (or failed on CI) without the real digest
    code = bench.main(
        ["--json", "--sizes", "300", "--workdir", str(tmp_path), "--skip-quality", "--quiet"]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    (speed,) = result["speed"]
    assert speed["papers"] == 300 and speed["ranker"] == "svm"
    for field in ("load_s", "first_train_s", "retrain_s", "rank_all_s", "rank_digest_with_why_s"):
        assert speed[field] > 0 and speed[field.replace("_s", "_cpu_s", 1)] >= 0
    groups = result["real_digest_groups"]
    assert groups["papers"] == SHARED_DIGEST_PAPERS
    assert groups["deterministic"] is True
    assert 4 <= groups["groups"] <= 12 and 0 < groups["purity"] <= 1
    assert result["sklearn_import_s"] > 0


def test_a_one_topic_reader_is_ranked_well_after_20_signals() -> None:
    papers = read_digest(shared_digest_path().read_bytes(), "digest.txt").papers
    texts = [f"{p.title}\n{p.abstract}" for p in papers]
    (run,) = [
        bench.simulate(bench.READERS[0], texts, split, 20, seed)
        for seed, split in enumerate(bench.real_splits(1, len(texts)))
    ]
    assert run["signals"] == 20 and run["svm"] == 1.0
    assert run["auc"] is not None and run["auc"] >= 0.85
    assert run["p10"] is not None and run["random"] is not None
    assert run["p10"] >= 3 * run["random"]


def test_purity_counts_papers_of_one_topic_only() -> None:
    texts = {1: "gaussian splatting", 2: "3dgs again", 3: "quantization", 4: "nothing"}
    assert bench.purity([[1, 2, 3], [4]], texts) == round(2 / 3, 4)
    assert bench.purity([[1, 2], [3, 4]], texts) == 1.0
    assert bench.purity([[4]], texts) is None
