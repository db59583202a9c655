"""Bulk work in one process: imports and exports of 10 000 units.

They allocate hundreds of thousands of objects that live until the work ends (records, rows, cells, the plan
of the file being imported). Each collection of the garbage collector walks the young objects and, every so
often, all of them: with the default thresholds a fifth of an import, and still a sixth of an import's confirm
with collections a thirtieth as frequent, finding nothing to free. ``no_collections`` pauses the collector for
the duration of the work: reference counting frees what the work lets go of as before (the work makes no cycles
of its own, so its memory stays what it was), and the collector resumes, if it ran before, when the last such
block ends.
"""

import contextlib
import gc
import threading

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def no_collections():
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
