import gc

import pytest

from fcatlas.bulk import BULK_THRESHOLD, fewer_collections


def test_bulk_work_collects_less_often_and_the_thresholds_come_back_even_after_an_error():
    before = gc.get_threshold()

    with pytest.raises(RuntimeError):
        with fewer_collections():
            assert gc.get_threshold()[0] == max(BULK_THRESHOLD, before[0])
            with fewer_collections():  # nested, as an import inside an export would be
                pass
            assert gc.get_threshold()[0] == max(BULK_THRESHOLD, before[0])
            raise RuntimeError("the work failed")

    assert gc.get_threshold() == before


def test_it_decorates_a_function():
    seen = []

    @fewer_collections()
    def work():
        seen.append(gc.get_threshold()[0])

    work()
    work()
    assert seen == [max(BULK_THRESHOLD, gc.get_threshold()[0])] * 2
