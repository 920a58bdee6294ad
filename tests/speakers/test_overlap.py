"""Overlapping speech found with the segmentation model, on real read speech: two
people talking at once for a known stretch, and one person alone."""

from __future__ import annotations

import numpy as np
import pytest
from panel_mix import RATE, _voiced, load, trimmed

from pipeline.errors import ModelMissingError
from pipeline.speakers.overlap import overlapped, segmentation_model


@pytest.fixture(scope="module")
def model():
    return segmentation_model()


def test_two_people_talking_at_once_are_found_where_they_overlap(model):
    first = trimmed(load("fleurs/fleurs-fr-001"))[: 12 * RATE]  # a French reader, 12 s
    second = trimmed(load("fleurs/fleurs-en-000"))[: 8 * RATE]  # an English one, 8 s
    start = len(first) - 3 * RATE  # the second starts 3 s before the first ends
    mix = np.zeros(start + len(second) + RATE, dtype=np.float32)
    mix[: len(first)] += first
    mix[start : start + len(second)] += second
    # where both really speak: each voice without its pauses of 0.3 s or more
    one = [(a * 1000 // RATE, b * 1000 // RATE) for a, b in _voiced(first)]
    two = [((start + a) * 1000 // RATE, (start + b) * 1000 // RATE) for a, b in _voiced(second)]
    both = [(max(a, c), min(b, d)) for a, b in one for c, d in two if min(b, d) > max(a, c)]
    found = overlapped(mix, [(0, len(mix) * 1000 // RATE)], model)
    assert found, "the 3 s overlap was not found"
    covered = sum(max(0, min(b, y) - max(a, x)) for a, b in found for x, y in both)
    assert covered >= 0.7 * sum(y - x for x, y in both), (found, both)
    assert all(start * 1000 // RATE - 500 <= a and b <= len(first) * 1000 // RATE + 500
               for a, b in found), (found, both)  # fmt: skip


def test_one_person_alone_is_never_marked(model):
    voice = load("voxpopuli/voxpopuli-en-000")  # 69 s, one speaker
    assert overlapped(voice, [(0, len(voice) * 1000 // RATE)], model) == ()


def test_silence_and_no_regions_are_never_marked(model):
    quiet = np.zeros(15 * RATE, dtype=np.float32)
    assert overlapped(quiet, [(0, 15_000)], model) == ()
    assert overlapped(quiet, [], model) == ()


def test_a_missing_or_broken_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelMissingError, match="make models"):
        segmentation_model(tmp_path)
    folder = tmp_path / "speaker-segmentation"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"not an onnx model")
    from pipeline.speakers.overlap import _session

    info = segmentation_model(tmp_path)
    with pytest.raises(ModelMissingError, match=r"cannot be loaded .*make models") as error:
        _session(info)
    assert "\n" not in str(error.value)


def test_a_long_stretch_of_talk_is_read_window_by_window_not_copied(model):
    """20 minutes without a pause (77 MB of samples) in one region: the search holds
    a few windows at a time, not another copy of the stretch."""
    import tracemalloc

    quiet = np.zeros(20 * 60 * RATE, dtype=np.float32)
    tracemalloc.start()
    try:
        assert overlapped(quiet, [(0, 20 * 60 * 1000)], model) == ()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB held at once"
