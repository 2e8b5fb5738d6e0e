"""Work a step ahead in a thread: the next chunk of a sheet inflated while this one is
searched, the next file read while this one is checked, a sheet parsed by calamine while
its formulas are looked for. zlib and python-calamine let go of the GIL, so on two cores
the waiting half disappears."""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
_END = object()


def ahead(items: Iterable[T], depth: int = 1, name: str = "gcs-ahead") -> Iterator[T]:
    """items, each computed in a thread of its own while the caller works on the one
    before: at most depth items are held beyond the caller's. An exception raised
    making an item is raised here, in its place. The thread is a daemon: an interrupted
    caller does not wait for it."""
    source = iter(items)
    ready: queue.Queue = queue.Queue()
    room = threading.Semaphore(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            while room.acquire() and not stop.is_set():
                item = next(source, _END)
                ready.put((True, item))
                if item is _END:
                    return
        except BaseException as e:  # noqa: B036 - handed over to the caller's thread
            ready.put((False, e))
        finally:
            close = getattr(source, "close", None)
            if close is not None and stop.is_set():
                close()

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while True:
            ok, item = ready.get()
            if not ok:
                raise item
            if item is _END:
                return
            room.release()      # the caller holds this one now: the next may be made
            yield item
    finally:
        stop.set()
        room.release()          # wake a producer waiting for room, so that it ends


def beside(fn: Callable[..., T], *args) -> Callable[[], T]:
    """fn(*args) started in a daemon thread; returns the function that waits for its
    result (raising its exception here). An abandoned result is simply dropped."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn(*args)
        except BaseException as e:  # noqa: B036 - handed over to the caller's thread
            out["error"] = e

    worker = threading.Thread(target=run, name="gcs-beside", daemon=True)
    worker.start()

    def result() -> T:
        worker.join()
        if "error" in out:
            raise out["error"]
        return out["value"]
    return result
