"""The lines of a long text, a chunk at a time.

``str.splitlines()`` over a whole 14 MB paste is one C call that holds the GIL for
15-30 ms, and the window's thread waits for it; splitting chunk by chunk keeps each
call short and gives the same lines.
"""

from __future__ import annotations

from collections.abc import Iterator

CHUNK_CHARS = 1 << 16


def chunk_bounds(text: str, chunk_chars: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive chunks of at least ``chunk_chars`` characters, each
    ending just after a ``\\n`` (or at the end): a line ends there whatever the line
    breaks around it, and a ``\\r\\n`` is never cut in two."""
    start = 0
    while start < len(text):
        cut = text.find("\n", start + max(chunk_chars, 1) - 1)
        end = len(text) if cut < 0 else cut + 1
        yield start, end
        start = end


def iter_lines(text: str, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """``text.splitlines()``, lazily and chunk by chunk."""
    for start, end in chunk_bounds(text, chunk_chars):
        yield from text[start:end].splitlines()
