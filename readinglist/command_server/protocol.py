"""What a client and a server say to each other over the socket.

Client to server, once: the request (argv, working folder, environment, umask,
``sys.path``) as a length-prefixed ``marshal`` record, with the client's stdin, stdout
and stderr attached as ``SCM_RIGHTS``. ``marshal`` because both ends are the same
Python (the socket's name says so: ``address.fingerprint``) and it costs no import.
Server to client: ``S`` and the child's process id once the child exists (from then on
the command may have run, and must never be run again by the client), then ``X`` and
its exit status.
"""

from __future__ import annotations

import marshal
import os
import socket
import struct
from typing import NamedTuple

STANDARD_FDS = (0, 1, 2)
_LENGTH = struct.Struct("!I")
_MESSAGE = struct.Struct("!ci")
_UCRED = struct.Struct("3i")  # Linux's struct ucred: pid, uid, gid
# A request bigger than this is no client of ours (an environment is a few kilobytes).
MAX_REQUEST = 4 * 1024 * 1024


class ProtocolError(Exception):
    """The other side said something else, or stopped in the middle."""


class Request(NamedTuple):
    argv: list[str]
    cwd: str
    env: dict[str, str]
    umask: int
    path: list[str]  # the client's sys.path, where the child finds what it imports later


def send_request(connection: socket.socket, request: Request) -> None:
    body = marshal.dumps(tuple(request))
    data = _LENGTH.pack(len(body)) + body
    sent = socket.send_fds(connection, [data], list(STANDARD_FDS))
    connection.sendall(data[sent:])


def receive_request(connection: socket.socket) -> tuple[Request, list[int]]:
    """The request and the client's three descriptors (this process owns them now)."""
    data, fds, _flags, _address = socket.recv_fds(connection, 65536, len(STANDARD_FDS))
    try:
        if len(fds) != len(STANDARD_FDS) or len(data) < _LENGTH.size:
            raise ProtocolError("no descriptors or no length")
        (length,) = _LENGTH.unpack_from(data)
        if length > MAX_REQUEST:
            raise ProtocolError(f"a request of {length} bytes")
        body = bytearray(data[_LENGTH.size :])
        while len(body) < length:
            more = connection.recv(length - len(body))
            if not more:
                raise ProtocolError("the request ended early")
            body += more
        argv, cwd, env, umask, path = marshal.loads(bytes(body))
        request = Request(
            argv=list(argv), cwd=str(cwd), env=dict(env), umask=int(umask), path=list(path)
        )
        return request, fds
    except (ProtocolError, ValueError, TypeError, EOFError) as problem:
        for fd in fds:
            _close(fd)
        raise ProtocolError(str(problem)) from problem


def send_started(connection: socket.socket, pid: int) -> None:
    connection.sendall(_MESSAGE.pack(b"S", pid))


def send_exit(connection: socket.socket, status: int) -> None:
    connection.sendall(_MESSAGE.pack(b"X", status))


def receive_started(connection: socket.socket) -> int:
    return _receive(connection, b"S")


def receive_exit(connection: socket.socket) -> int:
    return _receive(connection, b"X")


def _receive(connection: socket.socket, kind: bytes) -> int:
    data = b""
    while len(data) < _MESSAGE.size:
        more = connection.recv(_MESSAGE.size - len(data))
        if not more:
            raise ProtocolError(f"the connection ended before {kind!r}")
        data += more
    got, value = _MESSAGE.unpack(data)
    if got != kind:
        raise ProtocolError(f"{got!r} where {kind!r} was due")
    return int(value)


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def peer_credentials(connection: socket.socket) -> tuple[int, int, int] | None:
    """The pid, uid and gid of the process at the other end (Linux's ``SO_PEERCRED``);
    None where the system does not say."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    pid, uid, gid = _UCRED.unpack(connection.getsockopt(socket.SOL_SOCKET, option, _UCRED.size))
    return int(pid), int(uid), int(gid)


def server_pid(path: str) -> int | None:
    """The pid of the server listening at ``path``, if one listens and the system says
    (how tests and benchmarks end the servers they started)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return None
        credentials = peer_credentials(probe)
    return None if credentials is None else credentials[0]
