"""``readinglist spent ID... DURATION``, ``show`` with the time, ``plan`` calibrated by
it, and ``readinglist undo`` of it (in process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper
from tests.helpers import copy_library, seal_template
from tests.test_cli import Cli, ok, usage_error, user_error

# Abstract-length estimates of 20 + 6n minutes (40n words): 26, 32, 38, 44.
PAPERS = [ParsedPaper(f"Paper {n}: topic {n}", "word " * (40 * n), 0) for n in range(1, 5)]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four papers imported through the command line once; each test takes a copy."""
    root = tmp_path_factory.mktemp("spent")
    digest = root / "digest.txt"
    digest.write_text(render_digest(PAPERS), encoding="utf-8")
    ok(Cli(root, root / "library", in_process=True)("import", str(digest)))
    return seal_template(root / "library")


@pytest.fixture
def cli(tmp_path: Path, imported: Path) -> Cli:
    return Cli(tmp_path, copy_library(imported, tmp_path / "library"))


def minutes(cli: Cli, paper_id: int) -> int | None:
    spent = ok(cli("show", str(paper_id), "--json")).json()["time_spent"]
    return None if spent is None else int(spent["minutes"])


def test_spent_takes_every_way_of_typing_a_duration(cli: Cli) -> None:
    for typed, wanted in (("45", 45), ("45m", 45), ("1h", 60), ("1h30", 90), ("1.5h", 90)):
        ok(cli("spent", "1", typed))
        assert minutes(cli, 1) == wanted, typed
    result = ok(cli("spent", "1", "2", "1h30m"))
    assert result.out.strip() == "time spent 1h30m recorded on 1 paper"  # 1 had it already
    assert (minutes(cli, 1), minutes(cli, 2)) == (90, 90)
    shown = ok(cli("show", "2")).out
    assert "time spent: 1h30m (recorded " in shown
    assert ok(cli("spent", "2", "none")).out.strip() == "time spent cleared on 1 paper"
    assert minutes(cli, 2) is None
    assert "time spent" not in ok(cli("show", "2")).out
    ok(cli("spent", "1", "clear"))
    assert minutes(cli, 1) is None


@pytest.mark.parametrize("bad", ["banana", "0", "1h75", "200h", "45s"])
def test_a_bad_duration_is_a_usage_error_and_changes_nothing(cli: Cli, bad: str) -> None:
    ok(cli("spent", "3", "20m"))
    result = usage_error(cli("spent", "3", bad), "DURATION")
    assert result.err.count("error:") == 1 and result.out == ""
    assert minutes(cli, 3) == 20


def test_a_missing_paper_is_a_one_line_error(cli: Cli) -> None:
    user_error(cli("spent", "1", "99", "30m"), "no paper with id 99")
    assert minutes(cli, 1) is None
    usage_error(cli("spent", "1"), "DURATION")  # no duration at all


def test_undo_takes_a_recorded_time_back(cli: Cli) -> None:
    ok(cli("spent", "1", "45m"))
    ok(cli("spent", "1", "2", "1h"))
    assert "undone: record 1h on 2 papers" in ok(cli("undo")).out
    assert (minutes(cli, 1), minutes(cli, 2)) == (45, None)
    ok(cli("spent", "1", "none"))
    assert "undone: clear the time spent on 1 paper" in ok(cli("undo")).out
    assert minutes(cli, 1) == 45


def test_plan_says_it_is_calibrated_by_the_recorded_times(cli: Cli) -> None:
    before = ok(cli("plan", "--hours", "10", "--json")).json()  # nothing queued yet
    assert (before["calibration"], before["calibrated_on"]) == (None, 0)
    ok(cli("status", "1", "2", "3", "read"))
    ok(cli("status", "4", "queued"))
    plain = ok(cli("plan", "--hours", "10"))
    assert "estimates scaled" not in plain.out and "readinglist spent" in plain.err
    for paper_id, estimate in ((1, 26), (2, 32), (3, 38)):
        ok(cli("spent", str(paper_id), str(round(estimate * 1.5))))
    text = ok(cli("plan", "--hours", "10")).out
    assert "estimates scaled ×1.50 by your recorded time on 3 papers" in text
    data = ok(cli("plan", "--hours", "10", "--json")).json()
    assert (data["calibration"], data["calibrated_on"]) == (1.5, 3)
    assert [(p["id"], p["minutes"], p["basis"]) for p in data["papers"]] == [
        (4, 66.0, "abstract length, calibrated")
    ]


def test_the_help_lists_spent() -> None:
    from readinglist.cli.parser import BY_NAME

    assert BY_NAME["spent"].module == "papers"
    assert "plan" in BY_NAME["spent"].help
