"""The edit benchmark runs end to end and reports every field (timings are not checked:
they depend on the machine; only their presence, order and sanity are tested)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.edits import MIX, main
from tests.helpers import shared_digest_path

SIZE = 300
EDITS = 40


@pytest.mark.slow
def test_edit_benchmark_reports_both_rounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = shared_digest_path()
    work = tmp_path / "work"
    argv = ["--size", str(SIZE), "--edits", str(EDITS), "--json", "--quiet"]
    assert main([*argv, "--out", str(work), "--digest", str(digest)]) == 0
    result = json.loads(capsys.readouterr().out)

    assert result["size"] == SIZE and result["edits_per_round"] == EDITS
    for prefix in ("", "round2_"):
        p50, p95, top = (result[f"{prefix}edit_{stat}_ms"] for stat in ("p50", "p95", "max"))
        assert 0 < p50 <= p95 <= top
        assert set(result[f"{prefix}p95_by_kind_ms"]) == {kind for kind, _ in MIX}
        assert result[f"{prefix}merged_papers_max_edit"] <= result[f"{prefix}merged_papers"]
    assert result["segments_before"] == 1
    assert result["segments_after"] >= 1 and result["round2_segments_after"] >= 1
    assert result["maintain_called"] is True and result["maintain_s"] >= 0
    assert result["index_matches_database"] is True
    assert set(result["loadavg"]) == {"start", "end"}
    # The library and its rebuilt index stay cached in the work folder; the copy goes.
    assert [p.name for p in work.iterdir()] == [f"library-n{SIZE}-s7"]
    cached = [p.name for p in (work / f"library-n{SIZE}-s7").iterdir()]
    assert any(name.startswith("edits-index-") for name in cached)

    assert main([*argv, "--out", str(work), "--digest", str(digest)]) == 0
    assert json.loads(capsys.readouterr().out)["index_cached"] is True
