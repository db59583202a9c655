"""Bulk work in one process: imports and exports of 10 000 units.

They allocate hundreds of thousands of objects that live until the work ends (records, rows, cells). With the
garbage collector's default thresholds a collection runs every 700 allocations, and each one walks the young
objects and often the older ones: a fifth of an import's time, finding nothing to free. ``fewer_collections``
collects the youngest generation every 20 000 allocations instead, for the duration of the work; reference
counting frees everything else as before, and the old thresholds come back when the last such block ends.
"""

import contextlib
import gc
import threading

BULK_THRESHOLD = 20_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def fewer_collections():
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(BULK_THRESHOLD, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
