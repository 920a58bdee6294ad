from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cache import StageCache, cache_key
from pipeline.transcribe.recording import segments_from_json, segments_to_json
from pipeline.types import Segment, Word


class Counter:
    def __init__(self, value):
        self.value = value
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.value


def same(value):
    return value


def entry(folder: Path, stage: str, key: str) -> Path:
    return folder / stage / f"{key}.json"


def test_a_stage_is_computed_once_then_read_back(tmp_path):
    cache = StageCache(tmp_path)
    compute = Counter({"lang": "fr"})
    first = cache.get_or_compute("language", "k1", compute, same, same)
    second = cache.get_or_compute("language", "k1", compute, same, same)
    assert first == second == {"lang": "fr"}
    assert compute.calls == 1
    assert (cache.hits, cache.misses) == (1, 1)
    assert json.loads(entry(tmp_path, "language", "k1").read_text("utf-8")) == {"lang": "fr"}


def test_a_later_run_resumes_from_the_entries_of_an_earlier_one(tmp_path):
    segments = (Segment(0, 900, "Hola.", "es", (Word(0, 900, " Hola.", 0.9),)),)
    StageCache(tmp_path).get_or_compute(
        "transcribe", "k", Counter(segments), segments_to_json, segments_from_json
    )
    again = Counter(())
    later = StageCache(tmp_path)
    value = later.get_or_compute("transcribe", "k", again, segments_to_json, segments_from_json)
    assert value == segments
    assert again.calls == 0 and later.hits == 1


def test_another_key_or_stage_is_computed_separately(tmp_path):
    cache = StageCache(tmp_path)
    compute = Counter([1, 2])
    cache.get_or_compute("vad", "a", compute, same, same)
    cache.get_or_compute("vad", "b", compute, same, same)
    cache.get_or_compute("language", "a", compute, same, same)
    assert compute.calls == 3
    assert cache.misses == 3 and cache.hits == 0


@pytest.mark.parametrize("garbage", ['{"truncated": ', "", "\x00\x01", "[1, 2]"])
def test_a_corrupt_entry_is_recomputed_and_replaced(tmp_path, garbage):
    path = entry(tmp_path, "vad", "k")
    path.parent.mkdir(parents=True)
    path.write_text(garbage, encoding="utf-8")
    cache = StageCache(tmp_path)
    compute = Counter({"regions": [[0, 1000]]})
    value = cache.get_or_compute("vad", "k", compute, same, lambda raw: {"regions": raw["regions"]})
    assert value == {"regions": [[0, 1000]]}
    assert compute.calls == 1 and cache.misses == 1 and cache.hits == 0
    assert json.loads(path.read_text("utf-8")) == {"regions": [[0, 1000]]}


def test_an_entry_the_decoder_rejects_is_recomputed(tmp_path):
    path = entry(tmp_path, "transcribe", "k")
    path.parent.mkdir(parents=True)
    path.write_text('[{"start_ms": 0}]', encoding="utf-8")  # an older, incomplete layout
    compute = Counter(())
    cache = StageCache(tmp_path)
    cache.get_or_compute("transcribe", "k", compute, segments_to_json, segments_from_json)
    assert compute.calls == 1
    assert json.loads(path.read_text("utf-8")) == []


def test_no_folder_keeps_nothing_beyond_the_run(tmp_path, monkeypatch):
    """--no-cache: nothing is read from or written to disk; what one run asks twice
    (the speech regions, by the transcribe and the speakers stage) is computed once."""
    monkeypatch.chdir(tmp_path)
    cache = StageCache(None)
    compute = Counter("en")
    for _ in range(3):
        assert cache.get_or_compute("language", "k", compute, same, same) == "en"
    assert compute.calls == 1
    StageCache(None).get_or_compute("language", "k", compute, same, same)
    assert compute.calls == 2  # another run computes it again
    assert (cache.hits, cache.misses) == (0, 0)
    assert list(tmp_path.iterdir()) == []


def test_entries_leave_no_temporary_files(tmp_path):
    cache = StageCache(tmp_path)
    for key in ("a", "b", "a"):
        cache.get_or_compute("vad", key, Counter([key]), same, same)
    assert sorted(p.name for p in (tmp_path / "vad").iterdir()) == ["a.json", "b.json"]


def test_cache_key_changes_with_every_input():
    base = cache_key("transcribe", {"audio": "abc", "stream": None}, "sha", [[0, 1000]], "fr")
    reordered = {"stream": None, "audio": "abc"}
    assert base == cache_key("transcribe", reordered, "sha", [[0, 1000]], "fr")
    variants = [
        cache_key("translate", {"audio": "abc", "stream": None}, "sha", [[0, 1000]], "fr"),
        cache_key("transcribe", {"audio": "abd", "stream": None}, "sha", [[0, 1000]], "fr"),
        cache_key("transcribe", {"audio": "abc", "stream": 1}, "sha", [[0, 1000]], "fr"),
        cache_key("transcribe", {"audio": "abc", "stream": None}, "sha2", [[0, 1000]], "fr"),
        cache_key("transcribe", {"audio": "abc", "stream": None}, "sha", [[0, 1001]], "fr"),
        cache_key("transcribe", {"audio": "abc", "stream": None}, "sha", [[0, 1000]], "es"),
    ]
    assert len({base, *variants}) == 7


def test_cache_key_accepts_records_paths_and_sets():
    word = Word(0, 10, " a")
    as_dict = {"start_ms": 0, "end_ms": 10, "text": " a", "probability": 1.0, "reviewed": False,
               "speaker": "", "overlap": False}
    assert cache_key(word) == cache_key(as_dict)
    assert cache_key(Word(0, 10, " a")) != cache_key(Word(0, 11, " a"))
    assert cache_key(Path("/x/talk.mp4")) == cache_key("/x/talk.mp4")
    assert cache_key({"USOC", "Sintra"}) == cache_key(frozenset({"Sintra", "USOC"}))
    assert len(cache_key("anything")) == 32


def test_cache_key_refuses_what_it_cannot_hash_stably():
    with pytest.raises(TypeError, match="cannot hash object"):
        cache_key(object())


def test_an_entry_that_parses_but_is_no_stage_result_is_recomputed(tmp_path):
    from pipeline.cache import StageCache, as_spans, as_text
    from pipeline.transcribe.recording import segments_from_json, segments_to_json

    cache = StageCache(tmp_path)
    for stage, decode, encode, fresh in (
        ("translate", as_text, str, "Bonjour."),
        ("vad", as_spans, lambda r: [list(x) for x in r], [(0, 900)]),
        ("transcribe", segments_from_json, segments_to_json, ()),
    ):
        (tmp_path / stage).mkdir()
        (tmp_path / stage / "k.json").write_text("{}", encoding="utf-8")
        got = cache.get_or_compute(stage, "k", lambda fresh=fresh: fresh, encode, decode)
        assert got == fresh, stage
    assert cache.misses == 3 and cache.hits == 0


def test_temporary_files_a_killed_run_left_are_removed_and_nothing_else(tmp_path):
    from pipeline.fsio import atomic_path, remove_stale_temps

    folder = tmp_path / "event" / "01-talk"
    folder.mkdir(parents=True)
    keep = [folder / "en.vtt", folder / ".hidden-note", tmp_path / "event" / ".cache"]
    for path in keep[:2]:
        path.write_text("x")
    keep[2].mkdir()
    try:
        with atomic_path(folder / "session.m4a", suffix=".m4a") as tmp:
            tmp.write_bytes(b"half")
            left = tmp
            raise KeyboardInterrupt  # as if killed while writing
    except KeyboardInterrupt:
        pass
    # atomic_path cleans up after an exception; a SIGKILL would not: put one back
    stale = [left, keep[2] / ".abc.json.k3j9x0q2.tmp"]
    for path in stale:
        path.write_bytes(b"half")
    assert remove_stale_temps(tmp_path / "event") == 2
    assert all(not p.exists() for p in stale) and all(p.exists() for p in keep)


def _write_many(folder: str, writer: int) -> None:
    cache = StageCache(Path(folder))
    for round_ in range(40):
        # the same entry from every process, each time of another length
        value = [writer, round_] + list(range(2000 * (1 + (writer + round_) % 5)))
        cache._memory.clear()
        key = "shared"
        path = Path(folder) / "stage" / f"{key}.json"
        path.unlink(missing_ok=True)
        cache.get_or_compute("stage", key, lambda v=value: v, same, same)


def test_workers_sharing_a_cache_folder_never_see_half_an_entry(tmp_path):
    """Dask workers on one shared folder: two processes writing one entry over and
    over while this one reads it; every read is a whole entry, never half of one."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_many, args=(str(tmp_path), w)) for w in (1, 2)]
    for w in writers:
        w.start()
    path = tmp_path / "stage" / "shared.json"
    reads = 0
    while any(w.is_alive() for w in writers):
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            continue
        value = json.loads(text)  # a half-written entry would not parse
        assert value[0] in (1, 2) and len(value) == 2002 + 2000 * ((value[0] + value[1]) % 5)
        reads += 1
    assert all(w.exitcode == 0 for w in writers)
    assert reads > 10
    assert [p.name for p in (tmp_path / "stage").iterdir()] == ["shared.json"]
