"""Build readinglist as a PyInstaller one-folder app, then smoke-test what was built.

.venv/bin/python packaging/build_pyinstaller.py             # build + smoke test
.venv/bin/python packaging/build_pyinstaller.py --no-build  # smoke-test the last build

The smoke test runs the built executable offscreen, never the checkout: ``--version``,
the window (``--smoke-test``: start Qt, open a temporary library, import a digest
through the window, search through its search box, quit with status 0), then the
command line (import and search). It prints a JSON summary: build time, folder size,
results. HOME and the XDG folders point into a temporary folder, so no user data is
touched. PyInstaller is installed into the running environment when missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "pyinstaller" / "readinglist.spec"
SMALL_DIGEST = ROOT / "packaging" / "pyinstaller" / "smoke-digest.txt"
SHARED_DIGEST = ROOT.parent / "shared" / "digests" / "000_2ccd13dbd19ccc3f.txt"
PYINSTALLER = "pyinstaller>=6.10,<7"
QUERY = "segmentation"  # in both digests
TIMEOUT = 300


def ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        print(f"installing {PYINSTALLER}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", PYINSTALLER], check=True)
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        raise SystemExit("PyInstaller needs objdump: apt-get install binutils")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> float:
    ensure_pyinstaller()
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    return time.monotonic() - started


def run(exe: Path, *args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def smoke(exe: Path, digest: Path) -> dict[str, object]:
    """Run the built app; raises SystemExit with the output when a step fails."""
    with tempfile.TemporaryDirectory(prefix="readinglist-smoke-") as folder:
        home = Path(folder)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
        }
        report: dict[str, object] = {}
        outputs: dict[str, str] = {}
        steps: list[tuple[str, tuple[str | Path, ...]]] = [
            ("version", ("--version",)),
            ("window", ("--smoke-test", "--library", home / "window-lib", digest,
                        "--query", QUERY)),
            ("cli_import", ("--library", home / "cli-lib", "import", digest)),
            ("cli_search", ("--library", home / "cli-lib", "search", QUERY, "--json")),
        ]  # fmt: skip
        for name, args in steps:
            started = time.monotonic()
            result = run(exe, *args, env=env)
            seconds = round(time.monotonic() - started, 2)
            if result.returncode != 0:
                raise SystemExit(
                    f"smoke step {name} failed with status {result.returncode}:\n"
                    f"{result.stdout}\n{result.stderr}"
                )
            outputs[name] = result.stdout.strip()
            report[name] = {"seconds": seconds, "stdout": outputs[name][:200]}
        window = json.loads(outputs["window"].splitlines()[-1])
        if not window.get("ok"):
            raise SystemExit(f"the window's smoke run did not see what it should: {window}")
        report["window"] = {**window, "wall_seconds": report["window"]["seconds"]}  # type: ignore[index]
        found = json.loads(outputs["cli_search"])
        if not found.get("total") or not found.get("hits"):
            raise SystemExit(f"the command line's search found nothing: {found}")
        report["cli_search"] = {"total": found["total"], "first": found["hits"][0]["title"]}
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "pyinstaller")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--no-build", action="store_true", help="only smoke-test the last build")
    parser.add_argument("--digest", type=Path, help="default: the shared digest, else a small one")
    args = parser.parse_args(argv)
    digest = args.digest or (SHARED_DIGEST if SHARED_DIGEST.is_file() else SMALL_DIGEST)
    summary: dict[str, object] = {}
    if not args.no_build:
        summary["build_seconds"] = round(build(args.dist, args.work), 1)
    folder = args.dist / "readinglist"
    exe = folder / ("readinglist.exe" if sys.platform == "win32" else "readinglist")
    if not exe.is_file():
        raise SystemExit(f"{exe} not found: build first")
    summary["folder"] = str(folder)
    summary["size_mb"] = round(folder_size(folder) / 1e6, 1)
    summary["digest"] = str(digest)
    summary["smoke"] = smoke(exe, digest)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
