"""The command's side: hand the command to a server, or run it here and start one.

Everything here is standard library and cheap to import: it runs before the command
line's own imports, which are what it saves.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from types import FrameType

from readinglist.command_server import address, protocol, wanted

# What the client passes on to the command's child while it waits for it.
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class NotServedError(Exception):
    """The server could not take the command; nothing of it has run. ``none_listens``:
    no server answered at all, so one is worth starting (not when one listens but this
    command cannot be handed over, e.g. from a deleted working folder)."""

    def __init__(self, none_listens: bool) -> None:
        super().__init__("not served")
        self.none_listens = none_listens


def serve_or_run(argv: Sequence[str], run: Callable[[Sequence[str]], int]) -> int:
    """The command's exit status, from a server's child if one is running, else from
    ``run(argv)`` here (after which a server is started for the next command)."""
    path = address.socket_path() if servable(argv) else None
    if path is None:
        return run(argv)
    try:
        return run_on_server(path, argv)
    except NotServedError as refused:
        start = refused.none_listens
    code = run(argv)
    if start:
        start_server(path)
    return code


def servable(argv: Sequence[str]) -> bool:
    """Whether this command goes through a server (see ``command_server.wanted``)."""
    return wanted(argv) and address.enabled()


def run_on_server(path: str, argv: Sequence[str]) -> int:
    """The exit status of the command run by the server at ``path``; NotServedError when no
    server took it (none listening, a stale socket, a server that went away before the
    command started), so that running it here cannot run it twice."""
    try:
        request = protocol.Request(
            argv=list(argv),
            cwd=os.getcwd(),
            env=dict(os.environ),
            umask=_umask(),
            path=list(sys.path),
        )
        for fd in protocol.STANDARD_FDS:
            os.fstat(fd)  # a closed stdin/stdout/stderr cannot be passed on
    except OSError as problem:  # the working folder was deleted, a closed descriptor
        raise NotServedError(none_listens=False) from problem
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection, _Forwarder() as child:
        try:
            connection.connect(path)
        except OSError as problem:  # none yet, or a stale socket (its server was killed)
            if isinstance(problem, ConnectionRefusedError):
                _remove_stale(path)
            raise NotServedError(none_listens=True) from problem
        try:
            protocol.send_request(connection, request)
            child.started(protocol.receive_started(connection))
        except (OSError, protocol.ProtocolError) as problem:
            raise NotServedError(none_listens=False) from problem
        try:
            return protocol.receive_exit(connection)
        except (OSError, protocol.ProtocolError):
            print(
                "readinglist: the command server went away before the command ended;"
                " run it again (READINGLIST_COMMAND_SERVER=off runs commands without it)",
                file=sys.stderr,
            )
            return 1


class _Forwarder:
    """While a command runs in a server's child, the signals this process gets go to
    the child: Ctrl+C interrupts the command, not just the wait for it. Installed before
    the request is sent, so that no signal falls between the child's start and this
    process learning its pid: one that comes before is kept and passed on then (or, if
    the command never starts, ends this process as it would have ended it anyway)."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.pending: list[int] = []
        self.previous: dict[int, object] = {}

    def __enter__(self) -> _Forwarder:
        self.previous = {number: signal.signal(number, self._forward) for number in _FORWARDED}
        return self

    def started(self, pid: int) -> None:
        self.pid = pid
        for number in self.pending:
            self._forward(number, None)
        self.pending.clear()

    def _forward(self, signum: int, _frame: FrameType | None) -> None:
        if self.pid is None:
            self.pending.append(signum)
            return
        try:
            os.kill(self.pid, signum)
        except OSError:  # already gone
            pass

    def __exit__(self, *_exc: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
        if self.pid is None and self.pending:  # the command never started: as if here
            signal.raise_signal(self.pending[0])


def start_server(path: str) -> None:
    """A server for the next commands, started in the background and detached from
    this terminal; failing to start one only means the next command runs directly."""
    import subprocess

    try:
        subprocess.Popen(  # our own interpreter and module
            [sys.executable, "-m", "readinglist.command_server.server", path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        pass


def _remove_stale(path: str) -> None:
    """A socket nobody listens on (its server was killed): out of the way of the next."""
    try:
        os.unlink(path)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
