"""Where a command server listens, and whether one may be used at all.

The socket's name is a digest of everything the server's imports depend on, so a
client only ever reaches a server that is, module for module, the process it would have
been itself: the Python, readinglist's own source files (an edit or an upgrade means a
new server), the folders on ``sys.path`` (installing or removing a package changes
their modification time) and the environment (another ``HOME``, locale or
``PYTHONPATH`` is another server). The few variables a shell changes at every command
(``PWD``, ``OLDPWD``, ``_``, ``SHLVL``) are left out: the child takes the client's own
values anyway.

The folder is private: ``$XDG_RUNTIME_DIR/readinglist`` (per user, in memory, emptied
at logout), or ``/tmp/readinglist-UID`` where there is none; either must be the user's
own and closed to others, or no server is used. (``$TMPDIR`` stands for ``/tmp`` where
it is set.)
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from hashlib import blake2b

# What a shell sets anew for every command: not part of what a server depends on.
_VOLATILE_ENV = frozenset({"PWD", "OLDPWD", "_", "SHLVL"})
# sun_path holds 108 bytes on Linux, 104 on macOS.
_MAX_SOCKET_PATH = 100


def enabled() -> bool:
    """Whether this system can run a server: a POSIX system that can fork and pass file
    descriptors, with a ``python -m`` to start one (not a bundled app)."""
    if getattr(sys, "frozen", False):
        return False
    return os.name == "posix" and hasattr(os, "fork") and hasattr(os, "getuid")


def socket_path(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """The socket of the server for this process's Python, code and environment, or
    None where there is no private folder to put it in."""
    name = f"cmd-{fingerprint(environ)}.sock"
    for folder in _private_folders(environ):
        path = os.path.join(folder, name)
        if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
            return path
    return None


def _private_folders(environ: dict[str, str] | os._Environ[str]) -> Iterator[str]:
    """The user's own folders for sockets, made if missing: the runtime folder's, then
    one in /tmp (no runtime folder, or one whose path is too long for a socket)."""
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    temporary = environ.get("TMPDIR") or "/tmp"  # checked private below
    candidates = [os.path.join(temporary, f"readinglist-{os.getuid()}")]
    if runtime and os.path.isabs(runtime) and _is_private(runtime):
        candidates.insert(0, os.path.join(runtime, "readinglist"))
    for folder in candidates:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            continue
        if _is_private(folder):
            yield folder


def _is_private(folder: str) -> bool:
    """A real folder (not a link) of this user that nobody else may enter or write."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )


def fingerprint(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """A digest of what a server's imports depend on (see the module's docstring)."""
    digest = blake2b(digest_size=10)
    for part in (sys.executable, sys.version, str(os.getuid())):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    _add_sources(digest, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for entry in sys.path:
        try:
            digest.update(
                f"{entry}\0{os.stat(entry or '.').st_mtime_ns}\0".encode(errors="replace")
            )
        except OSError:
            continue
    for name in sorted(environ):
        if name not in _VOLATILE_ENV:
            digest.update(f"{name}={environ[name]}\0".encode(errors="surrogateescape"))
    return digest.hexdigest()


def _add_sources(digest: blake2b, folder: str) -> None:
    """Every Python file of the package, by name, size and modification time: a few
    hundred ``stat`` calls, about a millisecond."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                _add_sources(digest, entry.path)
        elif entry.name.endswith(".py"):
            info = entry.stat()
            digest.update(
                f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode(errors="replace")
            )
