"""The resources are found from a checkout, an editable install and an installed wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from readinglist import resources
from readinglist.resources import APP_ID, HICOLOR_SIZES
from tests.helpers import REPO

# Run in a fresh interpreter: prints where the resources were found, after loading some.
PROBE = textwrap.dedent(
    """
    import readinglist, readinglist.resources as r
    assert r.app_icon_svg().read_bytes().startswith(b"<?xml")
    assert all(r.app_icon_png(size).is_file() for size in r.HICOLOR_SIZES)
    assert r.resource_path("desktop", r.APP_ID + ".desktop").is_file()
    assert "status-read" in r.action_icon_names()
    print(readinglist.__file__)
    print(r.resource_root())
    """
)


def _probe(env: dict[str, str], cwd: Path, prelude: str = "") -> tuple[Path, Path]:
    result = subprocess.run(
        [sys.executable, "-c", prelude + PROBE],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    package, root = result.stdout.split()
    return Path(package), Path(root)


def _install(wheel: Path, target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(wheel)],
        check=True,
        capture_output=True,
    )  # fmt: skip


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, **extra}


def test_checkout_finds_the_top_level_resources():
    assert resources.resource_root() == REPO / "resources"
    assert resources.app_icon_svg() == REPO / "resources" / "icons" / "app" / f"{APP_ID}.svg"


def test_every_hicolor_size_and_action_icon_is_reachable():
    assert [resources.app_icon_png(s).parent.parent.name for s in HICOLOR_SIZES] == [
        f"{s}x{s}" for s in HICOLOR_SIZES
    ]
    names = resources.action_icon_names()
    assert "import" in names and "status-dropped" in names
    assert all(resources.action_icon_svg(name).is_file() for name in names)


@pytest.mark.parametrize("bad", ["../app", "Tag", "", "a/b"])
def test_icon_names_cannot_leave_the_folder(bad: str):
    with pytest.raises(ValueError, match="not an icon name"):
        resources.action_icon_svg(bad)


def test_a_missing_resource_is_a_clear_error():
    with pytest.raises(resources.ResourceNotFoundError, match="no-such"):
        resources.resource_path("icons", "no-such.svg")
    with pytest.raises(ValueError, match="sizes"):
        resources.app_icon_png(17)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("readinglist-*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_the_resources_as_package_data(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    data = "readinglist/_data/"
    assert f"{data}icons/app/{APP_ID}.svg" in names
    assert f"{data}desktop/{APP_ID}.desktop" in names
    assert f"{data}desktop/{APP_ID}.metainfo.xml" in names
    for size in HICOLOR_SIZES:
        assert f"{data}icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in names
    assert not any(name.startswith("resources/") for name in names)


@pytest.mark.slow
def test_installed_wheel_loads_its_own_resources(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    _install(wheel, target)
    package, root = _probe(_clean_env(PYTHONPATH=str(target)), cwd=tmp_path)
    assert package.is_relative_to(target)
    assert root == target / "readinglist" / "_data"


@pytest.mark.slow
def test_installed_wheel_gives_qt_icons(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    _install(wheel, target)
    script = textwrap.dedent(
        """
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from readinglist.ui import app_icons
        icon = app_icons.app_icon()
        assert not icon.isNull() and 512 in [s.width() for s in icon.availableSizes()]
        assert not app_icons.action_icon("search").pixmap(16, 16).isNull()
        print(app_icons.__file__)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=_clean_env(PYTHONPATH=str(target), QT_QPA_PLATFORM="offscreen"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(target)


@pytest.mark.slow
def test_editable_install_finds_the_checkout_resources(tmp_path: Path):
    # The editable wheel pip would build (hatchling + editables, as in `pip install -e .`),
    # installed into a folder that is then made a site directory, so its .pth file runs.
    from hatchling.builders.wheel import WheelBuilder

    built = WheelBuilder(str(REPO)).build(directory=str(tmp_path / "dist"), versions=["editable"])
    (editable,) = [Path(p) for p in built]
    target = tmp_path / "site"
    _install(editable, target)
    assert list(target.glob("*.pth")), "the editable wheel points at the checkout with a .pth"
    prelude = (
        "import site, sys\n"
        f"sys.path[:] = [p for p in sys.path if p not in ('', {str(REPO)!r})]\n"
        f"site.addsitedir({str(target)!r})\n"
    )
    package, root = _probe(_clean_env(), cwd=tmp_path, prelude=prelude)
    assert package == REPO / "readinglist" / "__init__.py"
    assert root == REPO / "resources"
