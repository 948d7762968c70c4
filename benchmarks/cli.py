"""Command-line benchmark: the wall time of a ``readinglist`` command, as a user waits.

    python -m benchmarks.cli --library DIR [--repeat 10] [--json]
    python -m benchmarks.cli --size 100000 [--out DIR] [--repeat 10] [--json]

Each command runs ``--repeat`` times in a fresh interpreter (``python -m readinglist``,
a subprocess timed from start to exit), after one untimed run that writes the bytecode
cache and, for ``search``, builds a missing index. The commands take turns, so a burst
of load on the machine spreads over all of them instead of spoiling one. ``python -c
pass`` is timed the same way: the floor no command can go under. The load average at
the start and end says how quiet the machine was; wall times mean little above ~0.5,
so each command's CPU time (user + system, of the child) is reported too: it moves
much less with the load.

The writing commands (``status``, ``tag``) change one paper back and forth (read and
unread, the tag ``bench-cli`` added and removed) and leave it as it was at the end, its
status history aside: run this on a copy or a synthetic library, not your own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks.search import _loadavg, _ms, percentile
from benchmarks.synthetic import DEFAULT_SEED, build_library

REPEAT = 10
QUERY = "gaussian splatting"
BENCH_TAG = "bench-cli"
# Wall-time targets (ms, median) on a quiet machine with a 100k library (issue 14).
TARGETS_MS = {
    "version": 60,
    "list": 250,
    "show": 250,
    "status": 250,
    "tag": 250,
    "search": 300,
}
# What no child may inherit: our own library, and a switch that makes every run compile
# every module again (an installed readinglist has its bytecode cached).
DROPPED_ENV = ("READINGLIST_HOME", "PYTHONDONTWRITEBYTECODE")


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


class Run(NamedTuple):
    wall: float  # seconds from start to exit, what the user waits
    cpu: float  # user + system seconds of the child: hardly moved by the machine's load
    out: str


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: Sequence[str], env: dict[str, str]) -> Run:
    """One run of a command; a failing command stops the benchmark."""
    cpu = _cpu_children()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return Run(wall, _cpu_children() - cpu, done.stdout)


def _papers(library: Path) -> int:
    connection = sqlite3.connect(f"file:{library / 'library.sqlite3'}?mode=ro", uri=True)
    try:
        count: int = connection.execute("SELECT count(*) FROM papers").fetchone()[0]
        return count
    finally:
        connection.close()


def _commands(library: Path, paper: int, query: str) -> dict[str, Callable[[int], list[str]]]:
    """Each command's argv for its n-th run: the writes alternate, so each one writes."""
    cli = [sys.executable, "-m", "readinglist"]
    lib = [*cli, "--library", str(library)]
    return {
        "floor": lambda _n: [sys.executable, "-c", "pass"],
        "version": lambda _n: [*cli, "--version"],
        "list": lambda _n: [*lib, "list", "--limit", "20"],
        "show": lambda _n: [*lib, "show", str(paper)],
        "status": lambda n: [*lib, "status", str(paper), ("read", "unread")[n % 2]],
        "tag": lambda n: [*lib, "tag", str(paper), ("--add", "--remove")[n % 2], BENCH_TAG],
        "search": lambda _n: [*lib, "search", query],
    }


def _summary(argv: list[str], runs: Sequence[Run]) -> dict[str, Any]:
    wall = [run.wall for run in runs]
    cpu = [run.cpu for run in runs]
    return {
        "argv": argv[1:] if argv[1] == "-c" else argv[3:],
        "median_ms": _ms(percentile(wall, 0.5)),
        "p95_ms": _ms(percentile(wall, 0.95)),
        "min_ms": _ms(min(wall)),
        "max_ms": _ms(max(wall)),
        "cpu_median_ms": _ms(percentile(cpu, 0.5)),
    }


def run_benchmark(
    library: Path, repeat: int, query: str, say: Callable[[str], None], modes: Sequence[str]
) -> dict[str, Any]:
    """Each mode's figures: ``direct``, every command a process that imports what it
    needs; ``served``, the same commands handed to a command server (readinglist/
    command_server), as a user's second and later commands are."""
    env = _child_env()
    load_start = _loadavg()
    lib = [sys.executable, "-m", "readinglist", "--library", str(library)]
    direct_env = {**env, "READINGLIST_COMMAND_SERVER": "off"}
    say(f"library {library}: {_papers(library)} papers")
    first = json.loads(_run([*lib, "list", "--limit", "1", "--json"], direct_env).out)
    if not first:
        raise RuntimeError(f"{library} holds no papers")
    paper = first[0]["id"]
    before = json.loads(_run([*lib, "show", str(paper), "--json"], direct_env).out)
    commands = _commands(library, paper, query)
    result: dict[str, Any] = {
        "library": str(library),
        "papers": _papers(library),
        "paper_id": paper,
        "repeat": repeat,
        "modes": {},
        "targets_ms": TARGETS_MS,
    }
    with tempfile.TemporaryDirectory(prefix="rl-bench-run-", dir="/tmp") as runtime:
        served_env = {**env, "XDG_RUNTIME_DIR": runtime}
        served_env.pop("READINGLIST_COMMAND_SERVER", None)
        try:
            for mode in modes:
                mode_env = served_env if mode == "served" else direct_env
                if mode == "served":
                    result["server_start"] = _start_server(lib, served_env, Path(runtime))
                result["modes"][mode] = _timed(commands, mode_env, repeat, say, mode)
        finally:
            _stop_servers(Path(runtime))
    # The paper as it was: its status, and the tag only if it had it.
    _run([*lib, "status", str(paper), before["status"]], direct_env)
    tag_action = "--add" if BENCH_TAG in before["tags"] else "--remove"
    _run([*lib, "tag", str(paper), tag_action, BENCH_TAG], direct_env)
    result["median_within_target"] = {
        mode: {name: figures[name]["median_ms"] <= target for name, target in TARGETS_MS.items()}
        for mode, figures in result["modes"].items()
    }
    result.update(
        python=platform.python_version(),
        cpus=os.cpu_count(),
        bytecode_cached=True,
        loadavg={"start": load_start, "end": _loadavg()},
    )
    return result


def _timed(
    commands: dict[str, Callable[[int], list[str]]],
    env: dict[str, str],
    repeat: int,
    say: Callable[[str], None],
    mode: str,
) -> dict[str, Any]:
    say(f"{mode}: one untimed run of each command (a missing search index is built now)")
    for argv in commands.values():
        _run(argv(1), env)  # leaves the paper unread and without the tag
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for n in range(repeat):
        say(f"{mode}: round {n + 1}/{repeat}")
        for name, argv in commands.items():
            runs[name].append(_run(argv(n), env))
    return {name: _summary(commands[name](0), done) for name, done in runs.items()}


def _start_server(lib: list[str], env: dict[str, str], runtime: Path) -> dict[str, float]:
    """A first command with no server running (it runs directly and starts one), and how
    long the server takes to listen: what a user's first command of the day costs."""
    started = time.perf_counter()
    first = _run([*lib, "list", "--limit", "20"], env)
    folder = runtime / "readinglist"
    while not list(folder.glob("*.sock")):  # a benchmark may poll: nothing asserts on it
        time.sleep(0.01)
    return {
        "first_command_ms": _ms(first.wall),
        "listening_after_ms": _ms(time.perf_counter() - started),
    }


def _stop_servers(runtime: Path) -> None:
    """End the servers this benchmark started (their pid: the socket's peer)."""
    import signal

    from readinglist.command_server.protocol import server_pid

    for path in (runtime / "readinglist").glob("*.sock"):
        pid = server_pid(str(path))
        if pid is not None:
            os.kill(pid, signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.cli", description=__doc__.split("\n\n")[0]
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--library", type=Path, help="an existing library folder")
    where.add_argument("--size", type=int, help="build a synthetic library of N papers")
    parser.add_argument("--out", type=Path, help="build the --size library here (kept)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--digest", type=Path, default=None, help="for --size (default: shared)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed runs per command")
    parser.add_argument("--query", default=QUERY, help="what the search command searches")
    parser.add_argument(
        "--mode",
        choices=("both", "served", "direct"),
        default="both",
        help="through a command server, each command a process of its own, or both",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.repeat < 1 or (args.size is not None and args.size < 1):
        parser.error("--size and --repeat must be positive")

    modes = ("served", "direct") if args.mode == "both" else (args.mode,)

    def say(message: str) -> None:
        if not args.quiet:
            print(f"[cli] {message}", file=sys.stderr, flush=True)

    def build(folder: Path) -> dict[str, Any]:
        say(f"building a synthetic library of {args.size} papers in {folder}")
        info = build_library(folder, args.size, args.seed, digest=args.digest)
        result = run_benchmark(folder, args.repeat, args.query, say, modes)
        result["library_build_s"] = round(info.seconds, 1)
        return result

    if args.library is not None:
        if not (args.library / "library.sqlite3").is_file():
            parser.error(f"{args.library} is not a library folder")
        result = run_benchmark(args.library.resolve(), args.repeat, args.query, say, modes)
    elif args.out is not None:
        if args.out.exists() and any(args.out.iterdir()):
            parser.error(f"{args.out} is not empty: pass it with --library")
        result = build(args.out.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="readinglist-cli-bench-") as scratch:
            result = build(Path(scratch) / "library")
    if args.json:
        print(json.dumps(result))
    else:
        for mode, figures in result["modes"].items():
            for name, row in figures.items():
                print(
                    f"{mode:7} {name:8} median {row['median_ms']:8.1f} ms"
                    f"   p95 {row['p95_ms']:8.1f} ms   cpu {row['cpu_median_ms']:8.1f} ms"
                )
        if "server_start" in result:
            print(f"server  {result['server_start']}")
        print(f"loadavg  {result['loadavg']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
