"""Bulk work in one process: imports and exports of 10 000 units.

Such work allocates hundreds of thousands of objects that live until it ends (records, rows, cells, the plan of
the file being imported). Each collection of the garbage collector walks the young objects and, every so often,
all of them: with the default thresholds a fifth of an import, and still a sixth of an import's confirm with
collections a thirtieth as frequent, finding nothing to free. ``no_collections`` pauses the collector for the
duration of the work: reference counting frees what the work lets go of as before (the work makes no cycles of
its own, so its memory stays what it was), and the collector resumes, if it ran before, when the last such block
ends.

``made_in_thread`` has a thread make the next items of such work while the caller uses those made before, so that
one waits on the database while the other runs Python.
"""

import contextlib
import gc
import queue
import threading
from collections.abc import Callable, Iterator

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


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def made_in_thread(items: Iterator, *, ahead: int = 0, within: Callable[[], contextlib.AbstractContextManager]
                   = contextlib.nullcontext) -> Iterator:
    """The items of ``items``, made by a thread of its own while the caller uses those made before: the thread's
    Python runs while the caller waits on a database or a file. At most ``ahead`` items wait to be used (0: no
    limit). The thread makes them inside ``within()``, entered and left in the thread. An error there is raised
    here, where the item would have come; the caller stopping, or failing, stops the thread."""
    made, stop, done = queue.Queue(maxsize=ahead), threading.Event(), object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                made.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run():
        try:
            with within():
                for item in items:
                    if not put(item):
                        return
            put(done)
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            put(_Failed(error))

    thread = threading.Thread(target=run, name="made_in_thread", daemon=True)
    thread.start()
    try:
        while (item := made.get()) is not done:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
