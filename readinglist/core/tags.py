"""Tag names: hierarchical with ``/`` (``3d/gaussian-splatting``), compared in lower case."""

from __future__ import annotations

import re

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
