"""pipeline/gcutil.py: the collector is paused inside the block and its state restored after it."""
from __future__ import annotations

import gc

import pytest

from pipeline import gcutil


def test_the_collector_is_paused_inside_and_restored_after_also_on_an_error():
    assert gc.isenabled()
    with gcutil.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gcutil.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gcutil.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
