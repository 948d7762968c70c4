"""A shared library's address: a ``postgresql://`` URL, and the local folder it gets.

A shared library lives on a PostgreSQL server, but each client still keeps things of
its own: the search index (a cache of the shared library), the undo history, the lock
of a window. They live in a local folder in the user data folder, named by a hash of
the URL, and that folder holds a small file with the URL (``shared-library.url``):
whatever opens the folder (a command, the window, a child process building the index)
opens the shared library through it.

Passwords never appear in a URL of ours: they come from ``~/.pgpass`` or the ``PG*``
environment (libpq reads both), so no URL we store, log or print can hold one. A URL
given with a password is refused, without repeating it.

Standard library only: the command line's parser uses :func:`is_library_url`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import SplitResult, urlsplit, urlunsplit

from readinglist.core.errors import ReadingListError

LOCATOR_FILE = "shared-library.url"
SHARED_FOLDER = "shared"
_SCHEME = re.compile(r"^(postgresql|postgres)(\+[a-z0-9]+)?://", re.IGNORECASE)
DRIVER_SCHEME = "postgresql+psycopg"


class LibraryUrlError(ReadingListError):
    """A library URL that cannot be used as given (nothing was opened)."""


def is_library_url(text: str) -> bool:
    """``postgresql://...`` (or ``postgres://``, with or without a driver)."""
    return bool(_SCHEME.match(text))


def _split(text: str) -> SplitResult:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises on a port that is no number)
    except ValueError:
        raise LibraryUrlError(f"{redacted(text)} is not a PostgreSQL URL") from None
    return parts


def normalised(text: str) -> str:
    """The URL as stored and hashed: scheme ``postgresql``, no password (refused), the
    database named. Raises LibraryUrlError with a one-line message otherwise."""
    if not is_library_url(text):
        raise LibraryUrlError(f"{redacted(text)} is not a postgresql:// URL")
    parts = _split(text)
    if parts.password is not None:
        raise LibraryUrlError(
            "a library URL must not hold a password (it would be kept in files and shown):"
            " put it in ~/.pgpass or PGPASSWORD and give the URL without it"
            f" ({redacted(text)}); nothing was opened"
        )
    database = parts.path.lstrip("/")
    if not database or "/" in database:
        raise LibraryUrlError(
            f"{redacted(text)} names no database: postgresql://user@host/DATABASE"
        )
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))


def redacted(text: str) -> str:
    """The URL as it may be shown: any password replaced by ``***``."""
    match = re.match(r"^([a-z0-9+]+://)([^/?#@]*)@", text, re.IGNORECASE)
    if match is None:
        return text
    user = match.group(2).split(":", 1)[0]
    shown = f"{user}:***" if ":" in match.group(2) else user
    return f"{match.group(1)}{shown}@{text[match.end() :]}"


def driver_url(url: str) -> str:
    """The SQLAlchemy URL of a normalised library URL (psycopg 3)."""
    return DRIVER_SCHEME + url[len("postgresql") :]


def url_key(url: str) -> str:
    """A short hash naming the URL's local folder (the URL holds no password)."""
    return hashlib.sha256(normalised(url).encode()).hexdigest()[:16]


def local_folder(data_dir: Path, url: str) -> Path:
    """Where this client keeps its own parts of the shared library at ``url``."""
    return data_dir / SHARED_FOLDER / url_key(url)


def read_locator(folder: Path) -> str | None:
    """The URL a local folder stands for, or None for an ordinary (SQLite) library."""
    try:
        text = (folder / LOCATOR_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None
    return normalised(text)


def write_locator(folder: Path, url: str) -> None:
    """Make ``folder`` the local folder of the shared library at ``url``."""
    folder.mkdir(parents=True, exist_ok=True)
    locator = folder / LOCATOR_FILE
    wanted = normalised(url) + "\n"
    if locator.is_file() and locator.read_text(encoding="utf-8") == wanted:
        return
    partial = folder / f".{LOCATOR_FILE}.partial"
    partial.write_text(wanted, encoding="utf-8")
    partial.replace(locator)
