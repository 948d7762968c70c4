"""Where the app's files (icons, the desktop file, AppStream metainfo) are, Qt-free.

They are kept once, in the checkout's top-level ``resources/`` folder. A wheel (and so
a PyInstaller or Flatpak build) carries that folder as ``readinglist/_data`` (hatch's
``force-include`` in ``pyproject.toml``); an editable install or a plain checkout has
no such folder in the package, and finds ``resources/`` beside it instead.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

APP_ID = "io.github.readinglist.ReadingList"
PACKAGE_DATA = "_data"
CHECKOUT_RESOURCES = Path(__file__).resolve().parents[1] / "resources"
_MARKER = Path("icons") / "app" / f"{APP_ID}.svg"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


class ResourceNotFoundError(FileNotFoundError):
    """A resource that the package should carry is missing: a packaging bug."""


@cache
def resource_root() -> Path:
    """The folder holding the resources: the package's data when installed from a
    wheel, else the checkout's ``resources/``."""
    packaged = resources.files("readinglist") / PACKAGE_DATA
    # Qt and the desktop need real files, so only a package on disk counts (never a zip).
    if isinstance(packaged, Path) and (packaged / _MARKER).is_file():
        return packaged
    if (CHECKOUT_RESOURCES / _MARKER).is_file():
        return CHECKOUT_RESOURCES
    raise ResourceNotFoundError(
        f"readinglist's resources are missing (looked in {packaged} and {CHECKOUT_RESOURCES})"
    )


def resource_path(*parts: str) -> Path:
    """A file among the resources, e.g. ``resource_path("icons", "actions", "tag.svg")``."""
    path = resource_root().joinpath(*parts)
    if not path.is_file():
        raise ResourceNotFoundError(f"resource not found: {'/'.join(parts)}")
    return path


def app_icon_svg() -> Path:
    """The app icon's SVG master."""
    return resource_path("icons", "app", f"{APP_ID}.svg")


def app_icon_png(size: int) -> Path:
    """The app icon rendered at ``size`` pixels (one of :data:`HICOLOR_SIZES`)."""
    if size not in HICOLOR_SIZES:
        raise ValueError(f"no {size}px app icon; sizes: {HICOLOR_SIZES}")
    return resource_path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")


def action_icon_svg(name: str) -> Path:
    """An action icon (toolbar, sidebar, status): ``import``, ``status-read``, ..."""
    if not _NAME.match(name):
        raise ValueError(f"not an icon name: {name!r}")
    return resource_path("icons", "actions", f"{name}.svg")


def action_icon_names() -> list[str]:
    """Every action icon the resources hold, sorted."""
    folder = resource_root() / "icons" / "actions"
    return sorted(p.stem for p in folder.glob("*.svg"))
