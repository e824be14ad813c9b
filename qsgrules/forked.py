"""Work split across this machine's cores: forked processes that read the parent's memory.

A triage of England holds about 0.4 GB of columns once loaded. Forked children read them
where they are (the pages are shared until written, and nothing writes them), so splitting
the work costs no copy of the data and no second load; each child sends back only its
results, through a pipe, as it makes them. The parent works on a share too.

``streams(work, parts)`` runs ``work(0, tell)`` here and ``work(k, tell)`` in child ``k``, and
gives one iterator per share; children's results are read by one thread each, as they come,
so no child waits on the parent. An exception in a child is raised again here when its
iterator reaches it; a child that dies (killed, out of memory) is an ``EngineError``, never
a shorter result. Leaving the ``with`` block ends every child still running.

Fork only: where the platform has none (Windows), or in a child already, the work runs in
this process, one share after another, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from .errors import EngineError

T = TypeVar("T")
#: ``tell(done, total)``: how much of its share a worker has done.
Tell = Callable[[int, int], None]
Work = Callable[[int, Tell], Iterable[T]]

#: Results sent together (fewer, larger messages: a pipe write costs more than a pickle).
BATCH = 32
_CHILD = False  # set in a forked child: it never forks again
# Python 3.12 warns on every fork of a process with threads (numpy's BLAS and PyArrow keep
# idle pools). The children here take no lock those threads may hold: they run numpy and
# the rules engine on data already loaded, and end with os._exit.
_FORK_WARNING = r"This process \(pid=\d+\) is multi-threaded, use of fork\(\) may lead to deadlocks"


def cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return not _CHILD and "fork" in multiprocessing.get_all_start_methods()


def _child(work: Work[Any], k: int, out: Connection) -> None:
    global _CHILD
    _CHILD = True
    batch: list[Any] = []

    def tell(done: int, total: int) -> None:
        out.send(("progress", (done, total)))

    try:
        for item in work(k, tell):
            batch.append(item)
            if len(batch) >= BATCH:
                out.send(("items", batch))
                batch = []
        out.send(("items", batch))
        out.send(("end", None))
    except BaseException as exc:  # sent to the parent, which raises it there
        try:
            out.send(("error", exc))
        except Exception:  # an exception that does not pickle: said in words
            out.send(("error", EngineError(f"{type(exc).__name__}: {exc}")))
    finally:
        out.close()


class _Share:
    """A child's results as they arrive, read by a thread of their own."""

    def __init__(self, k: int, conn: Connection, tell: Tell) -> None:
        self.k = k
        self.conn = conn
        self.tell = tell
        self.queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._read, daemon=True, name=f"share-{k}")
        self.thread.start()

    def _read(self) -> None:
        try:
            while True:
                kind, payload = self.conn.recv()
                if kind == "progress":
                    self.tell(*payload)
                    continue
                self.queue.put((kind, payload))
                if kind in ("end", "error"):
                    return
        except (EOFError, OSError):
            self.queue.put(("lost", None))
        finally:
            self.conn.close()

    def __iter__(self) -> Iterator[Any]:
        while True:
            kind, payload = self.queue.get()
            if kind == "items":
                yield from payload
            elif kind == "end":
                return
            elif kind == "error":
                raise payload
            else:
                raise EngineError(
                    f"worker process {self.k} ended before sending all its results (killed, "
                    "or out of memory?): nothing is reported from an incomplete run"
                )


@contextmanager
def streams(work: Work[T], parts: int, tell: Tell | None = None) -> Iterator[list[Iterator[T]]]:
    """One iterator of results per share, ``work(0, ...)`` run here as it is read and each
    other share in a forked child (see the module's docstring). ``tell(done, total)`` is
    told the work done by all shares together."""
    counts = [(0, 0)] * max(1, parts)
    lock = threading.Lock()

    def telling(k: int) -> Tell:
        def told(done: int, total: int) -> None:
            if tell is None:
                return
            with lock:
                counts[k] = (done, total)
                tell(sum(c[0] for c in counts), sum(c[1] for c in counts))

        return told

    if parts <= 1 or not can_fork():
        yield [iter(work(k, telling(k))) for k in range(max(1, parts))]
        return
    context = multiprocessing.get_context("fork")
    children: list[Any] = []
    shares: list[_Share] = []
    # what this process has buffered would be written again by each child when it ends
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        for k in range(1, parts):
            here, there = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(work, k, there), daemon=True)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", _FORK_WARNING, DeprecationWarning)
                child.start()
            there.close()
            children.append(child)
            shares.append(_Share(k, here, telling(k)))
        yield [iter(work(0, telling(0))), *(iter(s) for s in shares)]
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join()
        for s in shares:
            s.thread.join(timeout=5)


__all__ = ["can_fork", "cores", "streams"]
