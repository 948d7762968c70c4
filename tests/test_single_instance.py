"""One window per library: a second start raises the first; other libraries run beside."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from readinglist.ui.single_instance import SingleInstance, server_name


def test_a_second_start_on_a_library_asks_the_first_to_come_forward(qtbot, tmp_path: Path):
    first = SingleInstance(tmp_path / "library")
    second = SingleInstance(tmp_path / "library" / ".." / "library")  # the same, resolved
    try:
        assert first.claim()
        with qtbot.waitSignal(first.raiseRequested, timeout=5000):
            assert not second.claim()  # already running: this start would exit
    finally:
        first.release()
        second.release()


def test_two_libraries_run_side_by_side(qtbot, tmp_path: Path):
    one, other = SingleInstance(tmp_path / "one"), SingleInstance(tmp_path / "other")
    try:
        assert one.name != other.name
        assert one.claim()
        assert other.claim()
    finally:
        one.release()
        other.release()


def test_a_closed_window_lets_the_next_start_run(qtbot, tmp_path: Path):
    first = SingleInstance(tmp_path / "library")
    assert first.claim()
    first.release()
    again = SingleInstance(tmp_path / "library")
    try:
        assert again.claim()
    finally:
        again.release()


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave no file behind")
def test_a_crashed_windows_socket_file_is_replaced(qtbot, tmp_path: Path):
    name = server_name(tmp_path / "library")
    stale = Path(QDir.tempPath()) / name
    left = socket.socket(socket.AF_UNIX)  # bound, never listening: as after a crash
    left.bind(str(stale))
    left.close()
    assert stale.exists()
    guard = SingleInstance(tmp_path / "library")
    try:
        assert guard.claim()
        with qtbot.waitSignal(guard.raiseRequested, timeout=5000):
            assert not SingleInstance(tmp_path / "library").claim()
    finally:
        guard.release()


def test_the_name_depends_on_the_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    mine = server_name(tmp_path)
    monkeypatch.setattr("getpass.getuser", lambda: "someone-else")
    assert server_name(tmp_path) != mine


def test_readinglist_gui_on_an_open_library_raises_it_and_exits(qtbot, tmp_path: Path):
    """The real command: exits 0 with one line on stderr; nothing of the library opened."""
    library = tmp_path / "library"
    running = SingleInstance(library)
    try:
        assert running.claim()
        with qtbot.waitSignal(running.raiseRequested, timeout=10_000):
            done = subprocess.run(
                [sys.executable, "-m", "readinglist", "--library", str(library), "gui"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip().endswith("is already open in a window; brought it to the front")
        assert not library.exists()  # the second start never opened it
    finally:
        running.release()
