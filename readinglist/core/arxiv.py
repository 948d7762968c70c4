"""arXiv identifiers, written one way so a paper is found whatever form a source uses.

New-style ids are ``YYMM.NNNNN`` (four digits after the dot before 2015); old-style ids
are ``archive[.subject]/YYMMNNN``. A version (``v2``), an ``arXiv:`` prefix or an
``arxiv.org/abs/`` or ``/pdf/`` URL around the id are dropped.
"""

from __future__ import annotations

import re
from typing import Final

_NEW: Final = re.compile(r"(?a)([0-9]{4}\.[0-9]{4,5})(?:v[0-9]{1,3})?")
_OLD: Final = re.compile(r"(?a)([a-z]+(?:-[a-z]+)?(?:\.[a-z]{2})?/[0-9]{7})(?:v[0-9]{1,3})?", re.I)
_URL: Final = re.compile(r"(?ai)^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/")
_MAX_CHARS: Final = 200


def normalize_arxiv_id(text: str) -> str | None:
    """``'arXiv:2401.01234v2'`` -> ``'2401.01234'``; None when ``text`` is no arXiv id."""
    value = text.strip()
    if not value or len(value) > _MAX_CHARS:
        return None
    value = _URL.sub("", value)
    value = value.removesuffix(".pdf").rstrip("/")
    if value[:6].lower() == "arxiv:":
        value = value[6:].strip()
    if match := _NEW.fullmatch(value):
        return match.group(1)
    if match := _OLD.fullmatch(value):
        archive, number = match.group(1).split("/")
        return f"{archive.lower()}/{number}"
    return None


_HF_PAGE: Final = re.compile(
    r"(?ai)^(?:https?://)?(?:www\.)?huggingface\.co/papers/([^/?#\s]+)/?(?:[?#].*)?$"
)


def identifier_arxiv_id(text: str) -> str | None:
    """The arXiv id a pasted identifier names: an id, an arXiv abstract or PDF URL, or a
    Hugging Face paper page (``huggingface.co/papers/ID``); None for anything else."""
    value = text.strip()
    if match := _HF_PAGE.match(value):
        value = match.group(1)
    return normalize_arxiv_id(value)


def arxiv_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"
