"""Pausing Python's cyclic garbage collector while a command builds and uses millions of
small objects that hold no cycles."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Reading builds millions of small objects and no cycles: the cyclic collector
    would rescan them over and over (a third of the run time on a 100k-row sheet). A
    command that goes on with what validation built (plan, quotas) pauses it throughout,
    as a decorator: collections after validation traverse all of it again and again."""
    was = gc.isenabled()
    gc.disable()
    gc.unfreeze()           # what an earlier command froze is looked at again, now mostly freed
    try:
        yield
    finally:
        if was:
            # Everything made meanwhile is young to the collector: its first pass after
            # gc.enable() would walk all of it (0.7 s at a million rows) only to keep it.
            gc.freeze()
            gc.enable()
