"""Two computations at once on two cores: one in a forked child process, the other in this
process meanwhile (generate checks what the catalog renders while it renders the tree).

A fork is used only where it is safe and pays: POSIX's `fork` outside macOS (whose system
libraries do not survive a fork without exec), more than one core, no other thread running
(a lock another thread holds would stay held in the child) and no Go runtime loaded (Helm's
SDK runs threads Python does not count). Elsewhere, and whenever
the child fails to hand its result back, the work runs in this process and its outcome is
the same: the child's result or exception is that of the same call here.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

GO_RUNTIME = "helm_python"  # the module that loads Helm's Go SDK (generator.helm)


def can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and sys.platform != "darwin"
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and GO_RUNTIME not in sys.modules
    )


def beside(work: Callable[[], T], meanwhile: Callable[[], U]) -> tuple[T, U | None]:
    """`work()`'s result, and `meanwhile()`'s when it ran (None when it did not: where no
    child is forked, only `work` runs). An exception of `work` is raised here, after
    `meanwhile` ended; one of `meanwhile` stops the child and is raised."""
    if not can_fork():
        return work(), None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, hand the outcome over, leave without cleanup
        try:
            os.close(read)
            _hand_over(work, write)
        finally:
            os._exit(0)
    os.close(write)
    try:
        other = meanwhile()
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        with os.fdopen(read, "rb") as handle:
            data = handle.read()
        os.waitpid(pid, 0)
    try:
        done, value = pickle.loads(data)
    except Exception:  # no whole outcome came back (the child died): compute it here
        return work(), other
    if not done:
        raise value
    return value, other


def _hand_over(work: Callable[[], object], fd: int) -> None:
    try:
        outcome: tuple[bool, object] = (True, work())
    except Exception as exc:  # handed to the parent, which raises it
        outcome = (False, exc)
    try:
        data = pickle.dumps(outcome)
    except Exception:  # not picklable: the parent computes it itself
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
