import gc

import pytest

from fcatlas.bulk import no_collections


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
