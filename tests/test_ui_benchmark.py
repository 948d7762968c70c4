"""The window benchmark runs end to end and reports its fields (timings are not checked)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

import pytest

from benchmarks.gil_watch import Gap, GilWatch
from benchmarks.gui import EXPLAIN_MS, PROBE_MS, Probe, explain, main
from tests.helpers import REPO, shared_digest_path

BENCHMARK_ARGS = ("--size", "150", "--queries", "2", "--json", "--explain")
PHASES = ("import", "rest", "scroll", "search", "edit", "bulk")
FIELDS = (
    "max_stall_ms",
    "import_max_stall_ms",
    "rest_max_stall_ms",
    "scroll_max_stall_ms",
    "search_max_stall_ms",
    "stall_p99_ms",
    "import_s",
    "search_result_p50_ms",
    "search_result_max_ms",
    "import_search_answer_ms",
    "edit_p50_ms",
    "edit_max_ms",
    "edit_max_stall_ms",
    "bulk_edit_s",
    "bulk_search_answer_ms",
    "bulk_max_stall_ms",
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
        [sys.executable, "-m", "benchmarks.gui", *BENCHMARK_ARGS],
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
    assert result["max_stall_ms"] == max(result[f"{phase}_max_stall_ms"] for phase in PHASES)
    assert result["bulk_selected"] == 150  # the bulk edit took every paper, not a page
    for stall in result["worst_stalls"]:
        assert stall["phase"] in PHASES
        assert EXPLAIN_MS - PROBE_MS <= stall["ms"] <= result["max_stall_ms"]
        assert all(held >= 20 for held in stall["gil_held_ms"])


def test_stalls_are_explained_by_the_gil_holds_inside_them():
    probe = Probe()
    probe.long = [(10.0, 10.2, "import"), (20.0, 20.05, "search"), (1.0, 3.0, "idle")]
    probe.started = {"import": 9.5, "search": 17.0}
    watch = GilWatch()
    watch.gaps = [
        Gap(10.05, 0.09, ("bulk_writer.py:_flush:290 < index.py:commit:181",)),
        Gap(15.0, 0.5, ("elsewhere.py:f:1",)),  # between the stalls
    ]
    assert explain(probe, watch) == [
        {
            "phase": "import",
            "ms": 195.0,
            "at_s": 0.5,
            "gil_held_ms": [90],
            "holder_at": ["bulk_writer.py:_flush:290 < index.py:commit:181"],
        },
        {"phase": "search", "ms": 45.0, "at_s": 3.0, "gil_held_ms": [], "holder_at": []},
    ]


def test_the_watch_sees_a_c_call_that_holds_the_gil_and_where_it_was_made():
    numbers = [random.random() for _ in range(1_000_000)]
    watch = GilWatch()
    watch.start()
    try:
        time.sleep(0.01)  # the watch is napping
        numbers.sort()  # one C call, the GIL held throughout (a few hundred ms)
    finally:
        watch.stop()
    long = [gap for gap in watch.gaps if gap.seconds >= 0.05]
    assert long
    assert any("test_the_watch_sees" in stack for gap in long for stack in gap.stacks)
