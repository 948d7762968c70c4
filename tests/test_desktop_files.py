"""The desktop file, the AppStream metainfo and the icons: valid, consistent, current.

``desktop-file-validate`` and ``appstreamcli`` are system tools (``scripts/dev test``
installs them); missing, their tests skip, except on CI, where they fail.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest

from readinglist import __version__
from readinglist.resources import APP_ID, HICOLOR_SIZES
from tests.helpers import REPO

RESOURCES = REPO / "resources"
DESKTOP_FILE = RESOURCES / "desktop" / f"{APP_ID}.desktop"
METAINFO = RESOURCES / "desktop" / f"{APP_ID}.metainfo.xml"
MASTER = RESOURCES / "icons" / "app" / f"{APP_ID}.svg"
HICOLOR = RESOURCES / "icons" / "hicolor"
SCREENSHOTS = REPO / "docs" / "screenshots"
# The icons the window is to use: a missing one is a packaging bug, not a blank button.
ACTION_ICONS = {
    "import", "export", "paste", "search", "tag", "open-code", "project-page", "undo", "redo",
    "delete", "notes", "about", "copy", "library", "digest", "reading-list", "saved-search",
    "status-unread", "status-queued", "status-reading", "status-read", "status-skimmed",
    "status-dropped",
}  # fmt: skip


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/dev test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_desktop_file_validates():
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout and "warning" not in result.stdout, result.stdout


def test_metainfo_validates():
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    # Exit status 0: no errors and no warnings (infos and pedantic hints are allowed).
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_names_the_app_and_its_icon():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[:2] == ["readinglist", "gui"]
    assert entry["Terminal"] == "false"


def test_metainfo_matches_the_desktop_file_and_the_version():
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    launchable = root.find("launchable")
    assert launchable is not None and launchable.text == DESKTOP_FILE.name
    releases = [r.get("version") for r in root.iterfind("releases/release")]
    assert releases and releases[0] == __version__, "add a <release> for the new version"
    assert root.findtext("provides/binary") == "readinglist"


def test_metainfo_screenshots_are_the_readme_screenshots():
    root = ET.parse(METAINFO).getroot()
    urls = [image.text or "" for image in root.iterfind("screenshots/screenshot/image")]
    assert urls
    assert sum(s.get("type") == "default" for s in root.iterfind("screenshots/screenshot")) == 1
    for url in urls:
        parsed = urlparse(url)
        assert parsed.scheme == "https", url
        assert parsed.path.endswith("/docs/screenshots/" + Path(parsed.path).name), url
        assert (SCREENSHOTS / Path(parsed.path).name).is_file(), url


@pytest.mark.parametrize("size", HICOLOR_SIZES)
def test_hicolor_png_has_its_size(size: int):
    png = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert _png_size(png) == (size, size)


def test_hicolor_pngs_are_rendered_from_the_current_master():
    stamp = (HICOLOR / "SOURCE.sha256").read_text().strip()
    assert stamp == hashlib.sha256(MASTER.read_bytes()).hexdigest(), (
        "the app icon changed: run .venv/bin/python packaging/render_icons.py"
    )


def test_action_icons_are_square_svgs():
    folder = RESOURCES / "icons" / "actions"
    names = {path.stem for path in folder.glob("*.svg")}
    assert names >= ACTION_ICONS, sorted(ACTION_ICONS - names)
    for name in names:
        root = ET.parse(folder / f"{name}.svg").getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
        assert root.get("viewBox") == "0 0 24 24", name


FLATPAK = REPO / "packaging" / "flatpak"


def test_flatpak_manifest_parses():
    """flatpak-builder reads it (no runtime needed); optional even on CI: not installed
    by scripts/dev, the manifest cannot be built on these machines anyway."""
    builder = shutil.which("flatpak-builder")
    if builder is None:
        pytest.skip("flatpak-builder is not installed")
    manifest = FLATPAK / f"{APP_ID}.yml"
    result = subprocess.run(
        [builder, "--show-manifest", manifest.name],
        cwd=FLATPAK,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["id"] == APP_ID
    assert parsed["base"] == "io.qt.PySide.BaseApp"
    assert parsed["base-version"] == parsed["runtime-version"]


def test_flatpak_python_modules_pin_every_runtime_dependency():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name, parse_wheel_filename

    deps = json.loads((FLATPAK / "python3-deps.json").read_text())
    runtime = next(m for m in deps["modules"] if m["name"] == "python3-runtime-deps")
    pinned = {}
    for source in runtime["sources"]:
        assert urlparse(source["url"]).scheme == "https"
        assert len(source["sha256"]) == 64
        name, version, _build, _tags = parse_wheel_filename(Path(source["url"]).name)
        pinned[name] = version
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name.startswith("pyside6"):  # the BaseApp's
            continue
        if requirement.marker is not None and not requirement.marker.evaluate(
            {"python_version": "3.12"}
        ):
            continue
        assert name in pinned, f"{name}: run packaging/flatpak/generate_python_modules.py"
        assert requirement.specifier.contains(pinned[name]), (name, pinned[name])
