"""Write the Flatpak modules of readinglist's Python dependencies (pinned URLs + sha256).

.venv/bin/python packaging/flatpak/generate_python_modules.py

flatpak-builder downloads nothing by itself: every file is listed with its checksum.
pip resolves each pin against PyPI for the runtime's Python (``--python-version``) and
reports the file's URL and hash (``pip install --dry-run --report``); nothing is
installed. Pure-Python packages get one universal wheel; NumPy and MarkupSafe one wheel
per architecture. PySide6 is not here: the PySide BaseApp provides it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNTIME_PYTHON = "3.12"  # org.kde.Platform 6.9 is on freedesktop 24.08: CPython 3.12
ARCHES = {"x86_64": "manylinux_2_28_x86_64", "aarch64": "manylinux_2_28_aarch64"}
# What the app needs at run time (pyproject.toml's dependencies, less PySide6), pinned.
RUNTIME = ["typing-extensions==4.16.0", "SQLAlchemy==2.1.9", "MarkupSafe==3.0.4",
           "Mako==1.4.3", "alembic==1.20.1", "platformdirs==4.14.9", "whoosh3==3.54.0",
           "numpy==2.4.6", "httpx==0.29.0", "httpcore==1.0.9", "h11==0.16.0", "anyio==4.16.0",
           "idna==3.21", "certifi==2026.10.19.post1", "scikit-learn==1.9.1", "scipy==1.17.1",
           "joblib==1.6.0", "threadpoolctl==3.8.0", "pyqtgraph==0.14.0"]  # fmt: skip
# Only to build the readinglist wheel inside the sandbox (removed after the build).
BUILD = ["packaging==26.4", "pathspec==1.1.1", "pluggy==1.7.0", "tomlkit==0.13.3",
         "trove-classifiers==2026.9.21.13", "hatchling==1.33.0"]  # fmt: skip


def resolve(requirement: str, platform: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--no-deps",
             "--ignore-installed", "--only-binary=:all:", "--python-version", RUNTIME_PYTHON,
             "--implementation", "cp", "--platform", platform, "--target", tmp,
             "--index-url", "https://pypi.org/simple", "--report", str(report), requirement],
            check=True,
            env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
        )  # fmt: skip
        (item,) = json.loads(report.read_text())["install"]
    info = item["download_info"]
    return {"url": info["url"], "sha256": info["archive_info"]["hashes"]["sha256"]}


def module(name: str, requirements: list[str], cleanup: bool) -> dict[str, object]:
    sources: list[dict[str, object]] = []
    for requirement in requirements:
        found = {arch: resolve(requirement, platform) for arch, platform in ARCHES.items()}
        if len({f["url"] for f in found.values()}) == 1:  # a universal wheel
            sources.append({"type": "file", **found["x86_64"]})
        else:
            for arch, file in found.items():
                sources.append({"type": "file", **file, "only-arches": [arch]})
    entry: dict[str, object] = {
        "name": name,
        "buildsystem": "simple",
        # Only this architecture's wheels are downloaded, so the glob picks the right ones.
        "build-commands": [
            'pip3 install --verbose --no-index --find-links="file://${PWD}"'
            " --prefix=${FLATPAK_DEST} --no-build-isolation --no-deps *.whl"
        ],
        "sources": sources,
    }
    if cleanup:
        entry["cleanup"] = ["*"]
    return entry


def main() -> int:
    document = {
        "name": "python3-readinglist-deps",
        "buildsystem": "simple",
        "build-commands": [],
        "modules": [
            module("python3-build-backend", BUILD, cleanup=True),
            module("python3-runtime-deps", RUNTIME, cleanup=False),
        ],
    }
    target = HERE / "python3-deps.json"
    target.write_text(json.dumps(document, indent=2) + "\n")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
