"""Which stalls were the GIL held elsewhere, and where was the holder when it let go.

A thread sleeps 0.5 ms at a time; when it wakes much later than that, some thread held
the GIL (a long C call, a garbage collection) or the machine was busy. Right after such
a gap the other threads' stacks show where the holder was when it let go: the line that
made the long call. A stall with no gap inside was the GUI thread's own work (in Qt).
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

NAP_S = 0.0005
MIN_GAP_S = 0.02
FRAMES = 4


@dataclass(frozen=True, slots=True)
class Gap:
    start: float
    seconds: float
    stacks: tuple[str, ...]  # the other threads', innermost frame first


def _stack(frame: FrameType | None) -> str:
    names: list[str] = []
    while frame is not None and len(names) < FRAMES:
        code = frame.f_code
        names.append(f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return " < ".join(names)


@dataclass
class GilWatch:
    gaps: list[Gap] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gil-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.is_set():
            start = time.perf_counter()
            time.sleep(NAP_S)
            gap = time.perf_counter() - start
            if gap > MIN_GAP_S:
                frames = sys._current_frames()
                stacks = tuple(_stack(f) for ident, f in frames.items() if ident != me)
                self.gaps.append(Gap(start, gap, stacks))

    def during(self, start: float, end: float) -> list[Gap]:
        return [gap for gap in self.gaps if gap.start < end and gap.start + gap.seconds > start]
