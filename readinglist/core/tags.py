"""Tag names: hierarchical with ``/`` (``3d/gaussian-splatting``), compared in lower case."""

from __future__ import annotations

import re
from collections.abc import Iterable

from readinglist.core.errors import InvalidValueError

MAX_TAG_CHARS = 200
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalize_tag(name: str) -> str:
    """``' 3D / Gaussian  Splatting '`` -> ``'3d/gaussian splatting'``; empty parts dropped."""
    parts = (" ".join(part.split()).casefold() for part in name.split("/"))
    tag = "/".join(part for part in parts if part)
    if not tag:
        raise InvalidValueError(f"{name!r} is not a tag name")
    if len(tag) > MAX_TAG_CHARS:
        raise InvalidValueError(f"a tag name is at most {MAX_TAG_CHARS} characters")
    return tag


def tag_matches(tag: str, wanted: str) -> bool:
    """``3d`` matches ``3d`` and ``3d/…`` but not ``3dgs``."""
    return tag == wanted or tag.startswith(wanted + "/")


def normalize_colour(colour: str) -> str | None:
    """``#rgb`` or ``#rrggbb`` (lower case); ``none`` or empty clears the colour."""
    value = colour.strip().lower()
    if value in ("", "none"):
        return None
    if not _COLOUR.match(value):
        raise InvalidValueError(f"{colour!r} is not a colour: use #rgb or #rrggbb, or none")
    return value


def check_tag_change(
    add: Iterable[str], remove: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tags to add and to remove, normalised and sorted; a one-line error when there
    are none, or when one tag is both added and removed."""
    to_add = sorted({normalize_tag(name) for name in add})
    to_remove = sorted({normalize_tag(name) for name in remove})
    if not to_add and not to_remove:
        raise InvalidValueError("name at least one tag to add or remove")
    if both := set(to_add) & set(to_remove):
        raise InvalidValueError(f"cannot add and remove the same tag: {', '.join(sorted(both))}")
    return tuple(to_add), tuple(to_remove)
