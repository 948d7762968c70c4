"""Spawned child processes for the long Python work of the window's writer.

Imports, index builds and the indexing of big changes are Python from end to end; on a
thread of the window's process they would share the GIL with the window, which needs it
for every call from Qt into Python. In a *spawned* child (nothing of this process's
threads or Qt is copied) they have an interpreter of their own, and the writer thread
only waits. This module is the one place that starts and ends such children.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any


@contextmanager
def spawned(
    target: Callable[..., None],
    args: tuple[Any, ...],
    name: str,
    grace_s: float | None,
    duplex: bool = True,
) -> Iterator[tuple[BaseProcess, Connection]]:
    """A started child with this side's end of a pipe; the child's end is its last
    argument, closed here once it runs, so the child's exit ends the pipe. On leaving,
    the child gets ``grace_s`` to end (None: as long as it takes), then is killed."""
    context = multiprocessing.get_context("spawn")
    receiver, childs_end = context.Pipe(duplex=duplex)
    process = context.Process(target=target, args=(*args, childs_end), name=name, daemon=True)
    try:
        process.start()
        childs_end.close()
        yield process, receiver
    finally:
        receiver.close()
        childs_end.close()
        end(process, grace_s)


def end(process: BaseProcess, grace_s: float | None) -> None:
    """Wait up to ``grace_s`` for a child to end (None: until it does), kill it if it
    has not, and release it."""
    if process.pid is not None:
        process.join(grace_s)
        if process.is_alive():
            process.kill()
            process.join()
    process.close()
