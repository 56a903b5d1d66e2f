import pytest

import unigrad as ug

DEVICES = ["cpu"] + (["cuda"] if ug.cuda.is_available() else [])
MNIST_DIR = ug.data.mnist.SUBSET_DIR  # shipped with unigrad: the tests need no download and no ../shared


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    ug.manual_seed(0)
