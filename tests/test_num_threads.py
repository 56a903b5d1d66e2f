"""ug.set_num_threads / get_num_threads (torch's names) set the BLAS library's thread count."""
import pytest
import threadpoolctl

import unigrad as ug


def _numpy_blas_threads():
    libs = threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers
    return [lib.get_num_threads() for lib in libs if "numpy" in lib.filepath]


def test_set_num_threads_reaches_numpys_blas_and_get_reads_it_back():
    before = ug.get_num_threads()
    try:
        ug.set_num_threads(1)
        assert ug.get_num_threads() == 1 and set(_numpy_blas_threads()) <= {1}
        ug.set_num_threads(2)
        assert ug.get_num_threads() == 2 and set(_numpy_blas_threads()) <= {2}
    finally:
        ug.set_num_threads(before)
    assert ug.get_num_threads() == before


def test_a_thread_count_below_one_is_refused():
    with pytest.raises(ValueError, match="positive number of threads"):
        ug.set_num_threads(0)
