from __future__ import annotations

import json
import stat

import pytest

from pipeline import fsio
from pipeline.fsio import atomic_write, atomic_write_json


def test_atomic_write_creates_parent_folders_and_writes_utf8_text(tmp_path):
    target = tmp_path / "a" / "b" / "fr.txt"
    atomic_write(target, "Élan → 東京\n")
    assert target.read_bytes() == "Élan → 東京\n".encode()


def test_atomic_write_writes_bytes_unchanged(tmp_path):
    target = tmp_path / "blob.bin"
    atomic_write(target, b"\x00\xff\r\n")
    assert target.read_bytes() == b"\x00\xff\r\n"


def test_atomic_write_leaves_no_temp_files(tmp_path):
    for n in range(3):
        atomic_write(tmp_path / "en.vtt", f"WEBVTT {n}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.vtt"]


def test_new_files_are_readable_by_others_and_replaced_files_keep_their_mode(tmp_path):
    new = tmp_path / "new.txt"
    atomic_write(new, "x")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    old = tmp_path / "old.txt"
    old.write_text("x")
    old.chmod(0o600)
    atomic_write(old, "y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


def test_failed_replace_keeps_the_old_file_intact_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "en.srt"
    target.write_text("old complete content\n")

    def boom(src, dst):
        raise OSError("disk vanished")

    monkeypatch.setattr(fsio.os, "replace", boom)
    with pytest.raises(OSError, match="disk vanished"):
        atomic_write(target, "new content that must never be half-written\n" * 1000)
    assert target.read_text() == "old complete content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["en.srt"]


def test_crash_in_the_middle_of_writing_never_touches_the_target(tmp_path, monkeypatch):
    target = tmp_path / "en.json"
    target.write_text('{"old": true}\n')

    def crash_after_partial_write(fd):
        raise KeyboardInterrupt  # e.g. Ctrl-C after the data hit the temp file

    monkeypatch.setattr(fsio.os, "fsync", crash_after_partial_write)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, '{"new": true}\n')
    assert json.loads(target.read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["en.json"]


def test_atomic_write_json_is_utf8_indented_and_newline_terminated(tmp_path):
    target = tmp_path / "index.json"
    atomic_write_json(target, {"title": "Día", "n": [1]})
    text = target.read_text(encoding="utf-8")
    assert text == '{\n  "title": "Día",\n  "n": [\n    1\n  ]\n}\n'
