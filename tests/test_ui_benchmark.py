"""The window benchmark runs end to end and reports its fields (timings are not checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from benchmarks.gui import Probe, main
from tests.helpers import REPO, shared_digest_path

FIELDS = (
    "max_stall_ms",
    "import_max_stall_ms",
    "scroll_max_stall_ms",
    "search_max_stall_ms",
    "stall_p99_ms",
    "import_s",
    "search_result_p50_ms",
    "search_result_max_ms",
)


def test_the_probe_keeps_the_worst_gap_per_phase():
    probe = Probe()
    probe.stalls = {"import": [1.0, 42.25, 3.0], "search": [7.0], "idle": [900.0]}
    assert probe.worst("import") == 42.2
    assert probe.worst("scroll") == 0.0
    assert probe.percentile(0.99) == 42.2  # the idle time before a phase never counts


def test_bad_arguments_are_refused(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_info:
        main(["--size", "0"])
    assert exit_info.value.code == 2
    assert "--size must be positive" in capsys.readouterr().err


@pytest.mark.slow
def test_the_window_benchmark_prints_one_json_object():
    shared_digest_path()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.gui", "--size", "150", "--queries", "2", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},  # HOME: the test's own
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["size"] == 150
    for name in FIELDS:
        assert isinstance(result[name], int | float), name
        assert result[name] >= 0, name
    assert result["max_stall_ms"] == max(
        result["import_max_stall_ms"], result["scroll_max_stall_ms"], result["search_max_stall_ms"]
    )
