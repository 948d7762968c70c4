"""PySide6 6.12.0 on CPython 3.11 aborts after a few thousand Signal.emit() calls.

pyproject.toml keeps 6.12 away from 3.11 with an environment marker; these tests fail if
an installed PySide6 brings the crash back.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

EMITS = 10_000

SCRIPT = textwrap.dedent(
    f"""
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Emitter(QObject):
        fired = Signal(bool)

    app = QCoreApplication([])
    emitter = Emitter()
    received = []
    emitter.fired.connect(received.append)
    for _ in range({EMITS}):
        emitter.fired.emit(True)
    print(len(received), all(received))
    """
)


def test_ten_thousand_signal_emits_do_not_abort():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [str(EMITS), "True"]


def test_the_installed_pyside6_is_outside_the_broken_range():
    pyside6 = pytest.importorskip("PySide6")
    major, minor = (int(part) for part in pyside6.__version__.split(".")[:2])
    if sys.version_info < (3, 12):
        assert (major, minor) < (6, 12), pyside6.__version__
    assert (major, minor) >= (6, 8), pyside6.__version__


def test_signals_reach_a_slot_through_the_event_loop(qtbot):
    from PySide6.QtCore import QObject, QTimer, Signal

    class Emitter(QObject):
        fired = Signal(int)

    emitter = Emitter()
    with qtbot.waitSignal(emitter.fired, timeout=2000) as blocker:
        QTimer.singleShot(0, lambda: emitter.fired.emit(7))
    assert blocker.args == [7]
