import os

import pytest

import unigrad as ug

DEVICES = ["cpu"] + (["cuda"] if ug.cuda.is_available() else [])
MNIST_DIR = os.environ.get("UNIGRAD_TEST_MNIST") or os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                               "datasets", "mnist")


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    ug.manual_seed(0)
