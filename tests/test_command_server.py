"""The command server (readinglist/command_server): a command handed to it behaves as
the same command run as a process of its own (output, errors, exit status, stdin, the
working folder, Ctrl+C), never runs twice, and never reaches a server made for other
code or another environment.

The fast tests check the parts (the socket's name, the private folder, the protocol);
the slow ones run ``python -m readinglist`` as a user would, with the server on, in a
runtime folder of the test's own, and end every server they started.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from readinglist.command_server import ENV_SWITCH, address, client, protocol, server

DIGEST = (
    "Gaussian Splatting for Everyone\n"
    "We splat Gaussians at scale and compare against NeRF baselines on three datasets.\n"
    "YOLOv9 Goes Faster\n"
    "A detector that is faster than its predecessors at the same accuracy.\n"
)
T = TypeVar("T")


# --- the parts -------------------------------------------------------------------------


def test_fingerprint_follows_the_environment_but_not_the_shells_bookkeeping() -> None:
    base = {"HOME": "/home/a", "LANG": "C.UTF-8", "PWD": "/x", "SHLVL": "1"}
    same = address.fingerprint(base)
    assert address.fingerprint({**base, "PWD": "/elsewhere", "SHLVL": "3", "_": "y"}) == same
    assert address.fingerprint({**base, "HOME": "/home/b"}) != same
    assert address.fingerprint({**base, "LANG": "de_DE.UTF-8"}) != same
    assert address.fingerprint({**base, "PYTHONPATH": "/src"}) != same


def test_an_edited_source_file_means_another_server(tmp_path: Path) -> None:
    """_add_sources digests every .py file by size and modification time."""
    from hashlib import blake2b

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.py").write_text("y = 2\n")
    (package / "notes.txt").write_text("not code")

    def digest() -> str:
        value = blake2b(digest_size=10)
        address._add_sources(value, str(package))
        return value.hexdigest()

    first = digest()
    (package / "notes.txt").write_text("still not code, longer")
    assert digest() == first
    stat = (package / "sub" / "b.py").stat()
    os.utime(package / "sub" / "b.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert digest() != first


@pytest.fixture
def short_folder() -> Iterator[Path]:
    """A folder with a short path (a socket's path holds about 100 bytes), removed after."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="rl-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_socket_lives_in_a_private_runtime_folder(short_folder: Path) -> None:
    runtime = short_folder / "run"
    runtime.mkdir(mode=0o700)
    spare = short_folder / "tmp"
    spare.mkdir()
    env = {"XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(spare), "HOME": "/h"}
    path = address.socket_path(env)
    assert path is not None
    assert Path(path).parent == runtime / "readinglist"
    assert (runtime / "readinglist").stat().st_mode & 0o777 == 0o700
    # A folder others may enter is no place for a socket that runs commands: the
    # private one in the temporary folder is used instead.
    (runtime / "readinglist").chmod(0o755)
    path = address.socket_path(env)
    assert path is not None
    assert Path(path).parent == spare / f"readinglist-{os.getuid()}"
    assert Path(path).parent.stat().st_mode & 0o777 == 0o700
    # ... and if that one is open to others too, there is no server at all.
    Path(path).parent.chmod(0o755)
    assert address.socket_path(env) is None


def test_a_runtime_folder_too_deep_for_a_socket_falls_back(short_folder: Path) -> None:
    runtime = short_folder / ("deep" * 30)
    runtime.mkdir(mode=0o700)
    env = {"XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(short_folder), "HOME": "/h"}
    path = address.socket_path(env)
    assert path is not None
    assert Path(path).parent == short_folder / f"readinglist-{os.getuid()}"


@pytest.mark.parametrize(
    ("argv", "switch", "served"),
    [
        (["list"], None, True),
        (["list"], "off", False),
        (["list"], "0", False),
        (["list"], "on", True),
        ([], None, False),
        (["gui"], None, False),
        (["--library", "x", "note", "3", "--edit"], None, False),
        (["--version"], None, False),
    ],
)
def test_which_commands_go_through_a_server(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], switch: str | None, served: bool
) -> None:
    if switch is None:
        monkeypatch.delenv(ENV_SWITCH, raising=False)
    else:
        monkeypatch.setenv(ENV_SWITCH, switch)
    assert client.servable(argv) is served


def test_a_request_crosses_the_socket_with_the_standard_descriptors() -> None:
    request = protocol.Request(
        argv=["list", "--limit", "3", "caf\xe9"],
        cwd="/some/where",
        env={"HOME": "/h", "ODD": "bytes \udcff here", "BIG": "x" * 200_000},
        umask=0o027,
        path=["/srv/app", ""],
    )
    near, far = socket.socketpair()
    with near, far:
        near.setblocking(True)
        # The big environment does not fit one message: the rest follows the descriptors.
        sender = _Thread(protocol.send_request, near, request)
        received, fds = protocol.receive_request(far)
        sender.join()
        try:
            assert received == request
            assert len(fds) == 3
            for theirs, ours in zip(fds, protocol.STANDARD_FDS, strict=True):
                assert os.path.sameopenfile(theirs, ours)
        finally:
            for fd in fds:
                os.close(fd)
        protocol.send_started(far, 4242)
        protocol.send_exit(far, 130)
        assert protocol.receive_started(near) == 4242
        assert protocol.receive_exit(near) == 130


def test_a_connection_that_ends_early_is_a_protocol_error() -> None:
    near, far = socket.socketpair()
    with near, far:
        near.sendall(b"S\x00")
        near.shutdown(socket.SHUT_WR)
        with pytest.raises(protocol.ProtocolError):
            protocol.receive_started(far)


def test_a_request_without_descriptors_is_refused() -> None:
    near, far = socket.socketpair()
    with near, far:
        near.sendall(struct.pack("!I", 3) + b"abc")
        with pytest.raises(protocol.ProtocolError):
            protocol.receive_request(far)


class _Thread:
    """A call on a thread of its own (send_request blocks until the other side reads)."""

    def __init__(self, target: object, *args: object) -> None:
        import threading

        self._thread = threading.Thread(target=target, args=args)  # type: ignore[arg-type]
        self._thread.start()

    def join(self) -> None:
        self._thread.join(timeout=10)
        assert not self._thread.is_alive()


# --- as a user runs it -------------------------------------------------------------------


@pytest.fixture
def served_env(short_folder: Path) -> Iterator[dict[str, str]]:
    """An environment with the server on and a runtime folder of this test's own; every
    server started in it is ended afterwards."""
    runtime = short_folder / "run"
    runtime.mkdir(mode=0o700)
    env = {key: value for key, value in os.environ.items() if key != ENV_SWITCH}
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["TMPDIR"] = str(short_folder)
    env["PYTHONIOENCODING"] = "utf-8"
    # What pip installs as the `readinglist` program. (Not `python -m readinglist`: that
    # puts the working folder first on sys.path, so each folder has a server of its own.)
    program = short_folder / "bin" / "readinglist"
    program.parent.mkdir()
    program.write_text("import sys\nfrom readinglist.launch import main\nsys.exit(main())\n")
    env["TEST_READINGLIST_PROGRAM"] = str(program)
    yield env
    for path in (runtime / "readinglist").glob("*.sock"):
        pid = _server_pid(path)
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
            assert _ends_within(pid, 10.0), f"server {pid} did not end"


def _readinglist(
    env: dict[str, str], *argv: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """A command as the user types it. ``-X importtime`` makes this process list what it
    imports on stderr: a served command imports none of the storage stack."""
    return subprocess.run(
        [sys.executable, "-X", "importtime", env["TEST_READINGLIST_PROGRAM"], *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _own_stderr(done: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(line for line in done.stderr.splitlines() if "import time:" not in line)


def _was_served(done: subprocess.CompletedProcess[str]) -> bool:
    return "sqlalchemy" not in done.stderr


def _server_pid(path: Path) -> int | None:
    return protocol.server_pid(str(path))


def _ends_within(pid: int, seconds: float) -> bool:
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([handle], [], [], seconds)
        return bool(readable)
    finally:
        os.close(handle)


def _started_server(env: dict[str, str], library: Path) -> Path:
    """Run a first command (directly: no server yet), which starts one; its socket."""
    first = _readinglist(env, "--library", str(library), "list")
    assert first.returncode == 0, first.stderr
    assert not _was_served(first)
    folder = Path(env["XDG_RUNTIME_DIR"]) / "readinglist"
    return _wait_for_socket(folder)


def _wait_for_socket(folder: Path) -> Path:
    """The server's socket, once it listens (it appears only then: bound under another
    name, then renamed into place)."""
    with _Inotify(folder, _IN_MOVED_TO | _IN_CREATE) as changes:
        return changes.wait_for(lambda: next(iter(folder.glob("*.sock")), None), "a server")


_IN_OPEN = 0x00000020
_IN_MOVED_TO = 0x00000080
_IN_CREATE = 0x00000100


class _Inotify:
    """Wake at each change of a folder (Linux's inotify, through libc): waiting for a
    file to appear or to be opened without polling or sleeping."""

    def __init__(self, folder: Path, mask: int) -> None:
        import ctypes

        self._libc = ctypes.CDLL(None, use_errno=True)
        self._folder = folder
        self._mask = mask
        self._fd = -1

    def __enter__(self) -> _Inotify:
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self._fd >= 0
        assert self._libc.inotify_add_watch(self._fd, os.fsencode(self._folder), self._mask) >= 0
        return self

    def wait_for(self, found: Callable[[], T | None], what: str, timeout_s: float = 60.0) -> T:
        """``found()``, asked now and again after each change, once it is not None."""
        answer = found()
        while answer is None:
            self.wait_change(what, timeout_s)
            answer = found()
        return answer

    def wait_change(self, what: str, timeout_s: float = 60.0) -> None:
        """The folder's next change (or one since the last call)."""
        readable, _, _ = select.select([self._fd], [], [], timeout_s)
        assert readable, f"{what} within {timeout_s:.0f} s"
        os.read(self._fd, 65536)

    def __exit__(self, *_exc: object) -> None:
        os.close(self._fd)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    from readinglist.cli import run

    folder = tmp_path / "lib"
    digest = tmp_path / "digest.txt"
    digest.write_text(DIGEST, encoding="utf-8")
    assert run(["--library", str(folder), "import", str(digest)]) == 0
    return folder


@pytest.mark.slow
def test_a_served_command_answers_as_a_process_of_its_own_would(
    served_env: dict[str, str], library: Path
) -> None:
    _started_server(served_env, library)
    direct_env = {**served_env, ENV_SWITCH: "off"}
    cases = [  # the command, and whether it opens the library (imports SQLAlchemy)
        (("--library", str(library), "list", "--json"), True),
        (("--library", str(library), "search", "yolo"), True),
        (("--library", str(library), "show", "99"), True),  # an error: one line, exit 1
        (("--library", str(library), "bogus"), False),  # a usage error: exit 2
    ]
    for argv, opens in cases:
        served = _readinglist(served_env, *argv)
        direct = _readinglist(direct_env, *argv)
        assert _was_served(served), argv
        assert _was_served(direct) is not opens, argv
        assert (served.returncode, served.stdout, _own_stderr(served)) == (
            direct.returncode,
            direct.stdout,
            _own_stderr(direct),
        ), argv
        assert served.returncode == {"list": 0, "search": 0, "show": 1, "bogus": 2}[argv[2]]
    assert (
        "YOLOv9 Goes Faster" in _readinglist(served_env, "--library", str(library), "list").stdout
    )


@pytest.mark.slow
def test_a_served_command_reads_stdin_and_writes_in_the_users_folder(
    served_env: dict[str, str], library: Path, tmp_path: Path
) -> None:
    _started_server(served_env, library)
    work = tmp_path / "work"
    work.mkdir()
    # A paste on stdin into a library named relative to the working folder.
    done = _readinglist(served_env, "--library", "pasted", "import", "-", stdin=DIGEST, cwd=work)
    assert done.returncode == 0, done.stderr
    assert _was_served(done)
    assert (work / "pasted").is_dir()
    listed = _readinglist(served_env, "--library", "pasted", "list", cwd=work)
    assert "Gaussian Splatting for Everyone" in listed.stdout
    # An export written to a relative file, with the user's umask.
    served_env_umask = {**served_env}
    exported = subprocess.run(
        ["sh", "-c", f"umask 077 && {sys.executable} {served_env['TEST_READINGLIST_PROGRAM']}"
         " --library pasted export --format bibtex --out refs.bib"],
        env=served_env_umask, cwd=work, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert (work / "refs.bib").stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_ctrl_c_reaches_the_command_not_just_the_client(
    served_env: dict[str, str], library: Path
) -> None:
    _started_server(served_env, library)
    # The command waits for its stdin, which this test keeps open and empty: only a
    # SIGINT passed on to the command ends it. It is sent once the command (in the
    # server's child) has opened the library, so that it has certainly started.
    read_end, write_end = os.pipe()
    with _Inotify(library, _IN_OPEN) as opened:
        waiting = subprocess.Popen(
            [
                sys.executable,
                served_env["TEST_READINGLIST_PROGRAM"],
                "--library",
                library,
                "import",
                "-",
            ],
            env=served_env,
            stdin=read_end,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(read_end)
        try:
            opened.wait_change("the command opening the library")
            waiting.send_signal(signal.SIGINT)
            _out, err = waiting.communicate(timeout=30)
            assert waiting.returncode == 130, err
        finally:
            os.close(write_end)
            if waiting.poll() is None:
                waiting.kill()
                waiting.communicate()
    assert "sqlalchemy" not in err  # it was the server's child that was interrupted


@pytest.mark.slow
def test_a_killed_server_leaves_a_socket_the_next_command_replaces(
    served_env: dict[str, str], library: Path
) -> None:
    path = _started_server(served_env, library)
    pid = _server_pid(path)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _ends_within(pid, 10.0)
    assert path.exists()  # nobody removed it
    done = _readinglist(served_env, "--library", str(library), "list")
    assert done.returncode == 0
    assert "YOLOv9 Goes Faster" in done.stdout
    assert not _was_served(done)  # ran directly, once
    new_path = _wait_for_socket(path.parent)
    new_pid = _server_pid(new_path)
    assert new_pid is not None and new_pid != pid
    assert _was_served(_readinglist(served_env, "--library", str(library), "list"))


@pytest.mark.slow
def test_a_server_whose_socket_is_removed_ends(served_env: dict[str, str], library: Path) -> None:
    path = _started_server(served_env, library)
    pid = _server_pid(path)
    assert pid is not None
    path.unlink()
    assert _ends_within(pid, 10.0)


@pytest.mark.slow
def test_another_home_reaches_another_server(
    served_env: dict[str, str], library: Path, tmp_path: Path
) -> None:
    first = _started_server(served_env, library)
    other_home = tmp_path / "other-home"
    other_home.mkdir()
    other = {**served_env, "HOME": str(other_home)}
    done = _readinglist(other, "--library", str(library), "list")
    assert done.returncode == 0
    assert not _was_served(done)  # its server does not exist yet
    sockets = set(first.parent.glob("*.sock"))
    assert first in sockets


def test_the_server_refuses_a_usage_without_a_socket(capsys: pytest.CaptureFixture[str]) -> None:
    assert server.main([]) == 2
    assert "usage" in capsys.readouterr().err
