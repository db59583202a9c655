import contextlib
import gc
import threading
import time

import pytest

from fcatlas.bulk import made_in_thread, no_collections


def test_bulk_work_pauses_the_collector_and_it_resumes_even_after_an_error():
    assert gc.isenabled()

    with pytest.raises(RuntimeError):
        with no_collections():
            assert not gc.isenabled()
            with no_collections():  # nested, as an import inside an export would be
                pass
            assert not gc.isenabled()
            raise RuntimeError("the work failed")

    assert gc.isenabled()


def test_it_decorates_a_function_and_leaves_a_paused_collector_paused():
    seen = []

    @no_collections()
    def work():
        seen.append(gc.isenabled())

    work()
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        work()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_items_made_in_a_thread_come_in_order_and_the_thread_is_not_the_callers():
    made_by = []

    def items():
        for number in range(5):
            made_by.append(threading.current_thread())
            yield number

    assert list(made_in_thread(items())) == [0, 1, 2, 3, 4]
    assert set(made_by) == {made_by[0]} and made_by[0] is not threading.current_thread()


def test_an_error_in_the_thread_comes_where_its_item_would_have():
    def items():
        yield 1
        raise ValueError("the second item")

    made = made_in_thread(items())
    assert next(made) == 1
    with pytest.raises(ValueError, match="the second item"):
        next(made)


def test_at_most_ahead_items_wait_and_a_caller_that_stops_stops_the_thread():
    made = []

    def items():
        for number in range(100):
            made.append(number)
            yield number

    within = []

    @contextlib.contextmanager
    def recorded():
        within.append(("entered", threading.current_thread().name))
        yield
        within.append(("left", threading.current_thread().name))

    taken = made_in_thread(items(), ahead=1, within=recorded)
    assert next(taken) == 0
    time.sleep(0.2)
    assert len(made) <= 3, "one taken, one waiting, one being put"
    taken.close()
    assert len(made) <= 3
    assert within == [("entered", "made_in_thread"), ("left", "made_in_thread")]
