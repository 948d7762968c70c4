"""The server: import the command line's stack once, fork a child per command.

    python -m readinglist.command_server.server SOCKET

Started by ``client.start_server`` in a session of its own, with the environment of the
command that started it (``address.fingerprint`` names the socket after it). The
process itself never opens a library, a file of the user's or a thread of its own, so
each child is what a new process would be after its imports, and nothing one command
does is seen by the next. The child becomes the client's process in all that a command
can see: the client's working folder, environment, umask and its own stdin, stdout and
stderr (the same terminal or pipe), then runs ``readinglist.cli.main``. The server
reports the child's exit status back, as its parent.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from readinglist.command_server import IDLE_EXIT_S, protocol

# What the commands import, loaded here once: the storage and search stacks (most of
# the cost) and, below, every command's module. One that fails to import (an optional
# driver) is simply left to the child, which says why if it needs it.
PRELOAD = (
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "numpy",
    "whoosh.index",
    "whoosh.codec.whoosh3",
    "whoosh.filedb.filetables",
    "readinglist.app_context",
    "readinglist.app_logging",
    "readinglist.storage.store",
    "readinglist.storage.engine",
    "readinglist.storage.backups",
    "readinglist.storage.schema_check",
    "readinglist.core.library",
    "readinglist.core.serialize",
    "readinglist.core.stats_cases",
    "readinglist.core.undo_journal",
    "readinglist.search.engine",
    "readinglist.search.index",
)
# How often the server looks at its socket (replaced or removed: it ends) and the clock.
CHECK_EVERY_S = 1.0
# What a client passes on to its command (client._FORWARDED).
COMMAND_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m readinglist.command_server.server SOCKET", file=sys.stderr)
        return 2
    preload()
    Server(Path(argv[0])).serve()
    return 0


def preload() -> None:
    from readinglist.cli.parser import BY_NAME, complete, shared_parser

    commands = sorted({f"readinglist.cli.{command.module}" for command in BY_NAME.values()})
    for name in (*PRELOAD, *commands):
        try:
            importlib.import_module(name)
        except Exception:  # the child imports it again, and says why
            continue
    # Built once here, not in every child; a command module that failed to import is
    # imported again by its child, which says why.
    with contextlib.suppress(Exception):
        complete(shared_parser())


class Server:
    """One listening socket, the children running commands, and their clients."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.children: dict[int, socket.socket] = {}  # child pid -> its client
        self.last_used = time.monotonic()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_write, False)
        os.set_blocking(self.wake_read, False)

    def serve(self) -> None:
        """Listen until idle for ``IDLE_EXIT_S`` or until the socket is not ours."""
        # A child's end wakes the loop (through the pipe) to report its status at once.
        signal.signal(signal.SIGCHLD, lambda _n, _f: None)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGTERM, lambda _n, _f: sys.exit(0))
        # Nobody's terminal reaches this process (a session of its own): Ctrl+C and
        # hang-ups are for the commands, which clients signal one by one.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        inode = self._bind()
        me = os.getpid()
        try:
            while self.children or time.monotonic() - self.last_used < IDLE_EXIT_S:
                if not self.children and not _is_socket(self.path, inode):
                    break  # removed, or replaced by a newer server
                waiting = [self.listener.fileno(), self.wake_read]
                ready, _, _ = select.select(waiting, [], [], CHECK_EVERY_S)
                if self.wake_read in ready:
                    self._drain_wakeups()
                self._reap()
                if self.listener.fileno() in ready:
                    self._accept()
        finally:
            if os.getpid() == me and _is_socket(self.path, inode):
                self.path.unlink(missing_ok=True)
            self.listener.close()

    def _bind(self) -> int:
        """Bind under a temporary name and rename it into place: a client never finds a
        socket that does not listen yet, and of two servers started at once the later
        one wins (the other sees its socket replaced and ends)."""
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        temporary.unlink(missing_ok=True)
        self.listener.bind(os.fspath(temporary))
        self.listener.listen(64)
        temporary.replace(self.path)
        return self.path.stat().st_ino

    def _accept(self) -> None:
        connection, _ = self.listener.accept()
        self.last_used = time.monotonic()
        try:
            connection.settimeout(5.0)  # a client that stalls cannot hold the server
            if not _same_user(connection):
                raise protocol.ProtocolError("another user")
            request, fds = protocol.receive_request(connection)
        except (OSError, protocol.ProtocolError):
            connection.close()
            return
        # A client passes a signal on as soon as it knows the child's pid, which may be
        # before the child has its handlers: blocked until then, such a signal waits.
        signal.pthread_sigmask(signal.SIG_BLOCK, COMMAND_SIGNALS)
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, COMMAND_SIGNALS)
            _close_all(fds)
            connection.close()  # the client sees no start and runs the command itself
            return
        if pid == 0:
            inherited = [self.listener.fileno(), self.wake_read, self.wake_write]
            inherited += [client.fileno() for client in self.children.values()]
            inherited.append(connection.fileno())
            _run_as_child(request, fds, inherited)  # never returns
        signal.pthread_sigmask(signal.SIG_UNBLOCK, COMMAND_SIGNALS)
        _close_all(fds)
        with contextlib.suppress(OSError):  # a client gone: the output goes where it went
            protocol.send_started(connection, pid)
        self.children[pid] = connection

    def _reap(self) -> None:
        """Each ended child's status to its client, as a shell would see it."""
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            connection = self.children.pop(pid, None)
            if connection is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            with contextlib.suppress(OSError):
                protocol.send_exit(connection, code if code >= 0 else 128 - code)
            connection.close()
            self.last_used = time.monotonic()

    def _drain_wakeups(self) -> None:
        try:
            while os.read(self.wake_read, 512):
                pass
        except BlockingIOError:
            pass


def _run_as_child(request: protocol.Request, fds: list[int], inherited: list[int]) -> None:
    """Become the client's command, run it, and end with its exit status."""
    code = 70
    try:
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, COMMAND_SIGNALS)  # what waited, now
        _close_all(inherited)
        for target, fd in zip(protocol.STANDARD_FDS, fds, strict=True):
            os.dup2(fd, target)
        _close_all(fd for fd in fds if fd not in protocol.STANDARD_FDS)
        # The server's streams were made on /dev/null: the same objects now write to the
        # client's, line by line where that is a terminal, as a new process would.
        sys.stdout.reconfigure(line_buffering=os.isatty(1))  # type: ignore[union-attr]
        os.umask(request.umask)
        os.environ.clear()
        os.environ.update(request.env)
        os.chdir(request.cwd)
        sys.path[:] = request.path
        sys.argv = ["readinglist", *request.argv]
        code = _command(request.argv)
    except KeyboardInterrupt:  # Ctrl+C before the command began
        code = 130
    except BaseException:  # nothing may return into the server's loop
        code = 70
    finally:
        _end_child(code)


def _command(argv: list[str]) -> int:
    from readinglist import cli

    try:
        return cli.main(argv)
    except SystemExit as done:  # argparse's usage errors (2) and --help (0)
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _end_child(code: int) -> None:
    """What a process's normal exit does (exit handlers: the log's last lines, the
    standard streams flushed), then ``_exit``, which leaves the server's state alone."""
    import atexit

    try:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BaseException:  # a closed pipe at the end changes nothing
        pass
    os._exit(code & 0xFF)


def _same_user(connection: socket.socket) -> bool:
    """The peer is this user (Linux says so; elsewhere the private folder is the guard)."""
    credentials = protocol.peer_credentials(connection)
    return credentials is None or credentials[1] == os.getuid()


def _is_socket(path: Path, inode: int) -> bool:
    try:
        return path.stat().st_ino == inode
    except OSError:
        return False


def _close_all(fds: Iterable[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
