"""Keep the interpreter's pauses off the window's thread.

While the worker runs Python, the GUI thread gets the GIL back only when the worker
hands it over, and every repaint calls the table model from C++ a few thousand times.
Two of the interpreter's defaults turn that into visible freezes:

- the switch interval (5 ms): each call from Qt into Python may wait that long, so the
  interval is cut to 0.5 ms;
- full garbage collections: one stops every thread for 40-90 ms while an import holds
  ~300k objects. Automatic ones are turned off; the worker runs one when it has been
  idle for a while (:func:`collect_if_due`). Young generations are still collected as
  usual, so short-lived cycles are freed at once.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.0005
IDLE_BEFORE_COLLECTING_S = 2.0
# Full collections are due after this many young-generation (1) collections, Python's
# own default for its automatic ones.
DUE_AFTER = 10
_NEVER = 1 << 30


def settle_after_startup() -> None:
    """Freeze what start-up made (modules, Qt bindings, the open index), then set the
    switch interval and hand full collections over to the idle worker.

    Frozen objects are still freed by reference counting; only cycles among them would
    stay. Without this, every full collection walks start-up's objects again (80-110 ms,
    a visible freeze while scrolling a 10k library).
    """
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)


def collect_if_due() -> bool:
    """A full collection, if enough has been collected young since the last one (on the
    worker, when idle: nobody waits for it)."""
    if gc.get_threshold()[2] < _NEVER or gc.get_count()[2] < DUE_AFTER:
        return False  # automatic collections are on, or nothing much is new
    gc.collect()
    return True
