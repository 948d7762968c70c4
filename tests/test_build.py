"""``python -m build`` makes a wheel and an sdist that install into a fresh virtual
environment and run: the version, an import of a digest and a search."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import tarfile
import venv
from pathlib import Path

import pytest

from readinglist import __version__
from readinglist.resources import APP_ID
from tests.helpers import REPO, SHARED_DIGEST_PAPERS, shared_digest_path

pytestmark = pytest.mark.slow
TIMEOUT = 600


def _pip_env(tmp: Path) -> dict[str, str]:
    """The tests' HOME is a temporary folder; pip keeps its real cache (no re-download)."""
    real_home = pwd.getpwuid(os.getuid()).pw_dir
    cache = os.environ.get("PIP_CACHE_DIR") or str(Path(real_home) / ".cache" / "pip")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "PIP_CACHE_DIR": cache, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "TMPDIR": str(tmp)}


def _run(*args: str | Path, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: the build backend is the dev environment's hatchling (no download).
    # `build` makes the sdist, then the wheel from the sdist: the sdist must be complete.
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO,
         env=_pip_env(out), cwd=out)  # fmt: skip
    return out


def _check_cli(python: Path, tmp: Path, env: dict[str, str], digest: Path) -> None:
    bindir = python.parent
    assert _run(bindir / "readinglist", "--version", env=env, cwd=tmp).strip() == (
        f"readinglist {__version__}"
    )
    library = tmp / "library"
    imported = _run(bindir / "readinglist", "--library", library, "import", digest,
                    env=env, cwd=tmp)  # fmt: skip
    assert f"{SHARED_DIGEST_PAPERS} new" in imported or "already in the library" in imported
    found = _run(bindir / "readinglist", "--library", library, "search", "gaussian splatting",
                 "--json", env=env, cwd=tmp)  # fmt: skip
    assert '"title"' in found and "Gaussian" in found
    where = _run(python, "-c", "import readinglist.resources as r; print(r.app_icon_svg())",
                 env=env, cwd=tmp)  # fmt: skip
    assert Path(where.strip()).is_relative_to(python.parents[1])


def test_build_makes_a_wheel_and_an_sdist_with_the_resources(dist: Path):
    (wheel,) = dist.glob(f"readinglist-{__version__}-py3-none-any.whl")
    (sdist,) = dist.glob(f"readinglist-{__version__}.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert f"resources/desktop/{APP_ID}.desktop" in names
    assert f"resources/icons/app/{APP_ID}.svg" in names
    assert "pyproject.toml" in names and "readinglist/cli/__init__.py" in names
    assert wheel.stat().st_size < 2_000_000


def test_wheel_and_sdist_install_and_run_in_a_fresh_venv(dist: Path, tmp_path: Path):
    digest = shared_digest_path()
    (wheel,) = dist.glob("readinglist-*.whl")
    (sdist,) = dist.glob("readinglist-*.tar.gz")
    env = _pip_env(tmp_path)
    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", wheel, env=env, cwd=tmp_path)
    _check_cli(python, tmp_path, env, digest)
    # The sdist, into the same environment (its dependencies are there already): pip
    # builds it in an isolated environment of its own, as a user's pip would.
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", sdist,
         env=env, cwd=tmp_path)  # fmt: skip
    _check_cli(python, tmp_path, env, digest)
