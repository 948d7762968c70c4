"""One window per library: a second ``readinglist gui`` on it raises the first one.

Two windows on one library would each build a missing index, and a second window
opened while the first was still building showed "Your library is empty". So the first
window listens on a local socket named after the library (its resolved path, and the
user: two users' libraries never meet); a second start on the same library connects,
asks the first to come to the front, and exits. Other libraries have other names and
run side by side.

A crashed window leaves its socket file behind on Unix: a connection to it is refused,
so the file is removed (``QLocalServer.removeServer``) and this start listens instead.
The connect-or-listen step holds a lock file, so two windows started at the same moment
cannot both decide they are first.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

RAISE = b"raise\n"
CONNECT_MS = 1000
WRITE_MS = 1000
LOCK_MS = 5000


def server_name(library_dir: Path) -> str:
    """The socket's name: a hash of the user and the library's resolved path (a name,
    not a path: short enough for any platform's socket paths)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name known to the system
        user = ""
    folder = str(library_dir.expanduser().resolve())
    digest = hashlib.sha256(f"{user}\0{folder}".encode()).hexdigest()[:24]
    return f"readinglist-{digest}"


class SingleInstance(QObject):
    """``claim()`` once at start: True, this is the library's first window (it then
    emits ``raiseRequested`` when another start asks); False, another window has it and
    was asked to come to the front."""

    raiseRequested = Signal()  # noqa: N815

    def __init__(self, library_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(library_dir)
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        lock = QLockFile(str(Path(QDir.tempPath()) / f"{self.name}.lock"))
        locked = lock.tryLock(LOCK_MS)
        try:
            if self._ask_the_first():
                return False
            self._listen()
            return True
        finally:
            if locked:
                lock.unlock()

    def _ask_the_first(self) -> bool:
        """Ask a running window to come to the front; False when none answers."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write(RAISE)
        socket.waitForBytesWritten(WRITE_MS)
        socket.disconnectFromServer()
        return True

    def _listen(self) -> None:
        QLocalServer.removeServer(self.name)  # a crashed window's socket file
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):  # run anyway: only the guard is lost
            log.warning("single-window guard not set up: %s", server.errorString())
            return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        server = self._server
        while server is not None and (socket := server.nextPendingConnection()) is not None:
            socket.setParent(self)  # owned here, deleted once the other side is gone
            socket.readyRead.connect(self._ready)
            socket.disconnected.connect(socket.deleteLater)
            self._read(socket)  # what arrived before the signal was connected

    def _ready(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            if bytes(socket.readLine().data()) == RAISE:
                self.raiseRequested.emit()

    def release(self) -> None:
        """Stop listening (the window closed). Idempotent."""
        for socket in self.findChildren(QLocalSocket):
            socket.blockSignals(True)  # no slot of a closing guard runs any more
            socket.abort()
            socket.deleteLater()
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
