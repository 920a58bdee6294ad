"""Join real speech clips into one test recording, remembering where each clip lies.

Used by the tests and `make eval` to build recordings whose truth is known: which
language is spoken when, and what was said.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
FLEURS = SHARED / "speech" / "fleurs"


@dataclass(frozen=True)
class Placed:
    clip: Path
    language: str
    start_ms: int
    end_ms: int
    reference: str  # normalised transcript


def duration_ms(path: Path) -> int:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True,
    )
    return round(float(out.stdout) * 1000)


def build_mix(clips: list[Path], out: Path, gap_ms: int = 1000, lead_ms: int = 1000
              ) -> list[Placed]:
    """Concatenate clips (16 kHz mono WAV) with silences; FLEURS names give the language."""
    inputs: list[str] = []
    filters: list[str] = []
    placed: list[Placed] = []
    t = lead_ms
    for i, clip in enumerate(clips):
        d = duration_ms(clip)
        lang = clip.stem.split("-")[1]
        ref = clip.with_suffix(".txt")
        placed.append(Placed(clip, lang, t, t + d, ref.read_text("utf-8").strip()))
        inputs += ["-i", str(clip)]
        delay = lead_ms if i == 0 else 0
        filters.append(f"[{i}:a]aresample=16000,adelay={delay}:all=1,apad=pad_dur={gap_ms / 1000}"
                       f"[a{i}]")
        t += d + gap_ms
    graph = ";".join(filters) + ";" + "".join(f"[a{i}]" for i in range(len(clips)))
    graph += f"concat=n={len(clips)}:v=0:a=1[out]"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[out]",
         "-ac", "1", "-ar", "16000", str(out)],
        check=True,
    )
    return placed


CODE_SWITCH = [f"fleurs-{lang}-00{i}.ogg" for i, lang in
               [(0, "en"), (0, "fr"), (0, "es"), (1, "en"), (2, "fr"), (2, "es"),
                (3, "en"), (4, "fr"), (4, "es")]]


def code_switch_mix(out: Path) -> list[Placed]:
    """A 'panel' where the speaker changes language every sentence: en, fr, es, ..."""
    return build_mix([FLEURS / name for name in CODE_SWITCH], out)
