from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def _run_ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
    )


@pytest.fixture
def make_tone(tmp_path):
    """make_tone("a.mp3", seconds=2, hz=440, codec=None, channels=1) -> a sine file in tmp_path."""

    def make(
        name: str, seconds: float = 2.0, hz: int = 440, codec: str | None = None, channels: int = 1
    ) -> Path:
        path = tmp_path / name
        codec_args = ["-c:a", codec] if codec else []
        source = f"sine=frequency={hz}:duration={seconds}"
        _run_ffmpeg("-f", "lavfi", "-i", source, "-ac", str(channels), *codec_args, str(path))
        return path

    return make


@pytest.fixture
def run_ffmpeg():
    return _run_ffmpeg
