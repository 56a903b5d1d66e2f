"""The examples in the docstrings of the torch-API modules outside the op registry and nn
(data, optim, autograd, io, accelerator) are true: they run as doctests."""
import doctest
import importlib

import numpy as np
import pytest

import unigrad as ug

MODULES = ["unigrad.data.dataset", "unigrad.data.sampler", "unigrad.data.collate", "unigrad.data.dataloader",
           "unigrad.accelerator", "unigrad.io.serialization", "unigrad.nn.utils.rnn", "unigrad.autograd.function",
           "unigrad.autograd.functional"]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples_are_true(name):
    ug.manual_seed(0)
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    report = []
    tests = doctest.DocTestFinder().find(module, name, globs={"ug": ug, "np": np})
    assert any(t.examples for t in tests), f"{name} has no examples"
    for test in tests:
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
