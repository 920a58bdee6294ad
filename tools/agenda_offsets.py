"""Agenda boundaries found on real speech when the agenda is off by 30-120 s.

A 19-minute event of real read speech in four sessions of 4-5 minutes: an English
talk by one main voice (the VoxPopuli speaker, who has the last word, with two FLEURS
readers between), English news read by three other people, then French and Spanish
news. Each session's clips are played in
turn until it lasts its length, with the same one-second pause between clips as
between sessions, so a pause alone never tells where a session ends: the first
boundary (English to English) can only be found from the voices, the other two from
the language. The agenda is then moved off by 30-120 s at each boundary, one way or
the other, and the run (speaker turns on) suggests each boundary; its distance from
the truth (where the next session's first clip starts) is reported. The recording is
transcribed once; every agenda after the first reuses the cache. Used by `make eval`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mixes import FLEURS, SHARED, build_mix, duration_ms

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import RunOptions, run_event  # noqa: E402

VOX = SHARED / "speech" / "voxpopuli" / "voxpopuli-en-000.ogg"
SESSIONS = (  # (title, language, clips played in turn, seconds at least)
    ("Opening talk", "en", (FLEURS / "fleurs-en-000.ogg", VOX, FLEURS / "fleurs-en-001.ogg", VOX),
     300),
    ("News read in English", "en", tuple(FLEURS / f"fleurs-en-00{i}.ogg" for i in (2, 3, 4)),
     240),
    ("News read in French", "fr", tuple(FLEURS / f"fleurs-fr-00{i}.ogg" for i in range(5)), 300),
    ("News read in Spanish", "es", tuple(FLEURS / f"fleurs-es-00{i}.ogg" for i in range(5)), 300),
)  # fmt: skip
# How far off the agenda is at each boundary (s; positive: the agenda says later).
OFFSETS = ((30, -30, 45), (-60, 60, -45), (90, -90, 120), (120, 120, 120), (-120, -60, 90),
           (60, 120, -30), (-120, -120, -120), (120, -90, -120))  # fmt: skip
GAP_MS = 1000


def build(folder: Path) -> tuple[Path, list[int], int]:
    """The recording, where each session after the first really starts, and its end."""
    clips: list[Path] = []
    starts: list[int] = []  # index of each session's first clip
    lengths = {c: duration_ms(c) for _, _, cs, _ in SESSIONS for c in cs}
    for _, _, own, seconds in SESSIONS:
        starts.append(len(clips))
        total, i = 0, 0
        while total < seconds * 1000:
            clips.append(own[i % len(own)])
            total += lengths[own[i % len(own)]] + GAP_MS
            i += 1
    recording = folder / "agenda-offsets.wav"
    placed = build_mix(clips, recording, gap_ms=GAP_MS)
    return recording, [placed[i].start_ms for i in starts[1:]], placed[-1].end_ms + GAP_MS


def _clock(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms % 60_000 / 1000:06.3f}"


def manifest(folder: Path, recording: Path, bounds: list[int], end_ms: int, name: str) -> Path:
    edges = [0, *bounds, end_ms]
    text = (f'[event]\ntitle = "Agenda offsets"\nlanguages = ["en", "fr", "es"]\n\n'
            f'[[recording]]\nfile = "{recording}"\n')  # fmt: skip
    for (title, *_), start, end in zip(SESSIONS, edges, edges[1:], strict=False):
        text += f'\n[[session]]\ntitle = "{title}"\nstart = "{_clock(start)}"\n'
        text += f'end = "{_clock(end)}"\n'
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _why(reasons: tuple[str, ...]) -> str:
    """What a suggestion rests on, in a word or two."""
    kinds = [("language", "language"), ("Speaker", "voices"), (" is said", "a name said")]
    said = [label for key, label in kinds if any(key in r for r in reasons)]
    return " + ".join(said) or "agenda kept"


def report(folder: Path) -> list[str]:
    """One line per agenda: its offsets, each suggestion's distance from the truth and
    what it rests on; then how many boundaries fell within 5 s."""
    folder.mkdir(parents=True, exist_ok=True)
    recording, truth, end_ms = build(folder)
    lines, near, total, worst = [], 0, 0, 0
    out = folder / "out"
    options = RunOptions(show_progress=False, export_audio=False)
    for n, offsets in enumerate(OFFSETS):
        agenda = [t + o * 1000 for t, o in zip(truth, offsets, strict=True)]
        result = run_event(manifest(folder, recording, agenda, end_ms, f"agenda-{n}"), out,
                           options)  # fmt: skip
        found = []
        for check, true_ms in zip(result.boundaries, truth, strict=True):
            error = abs(check.suggested_ms - true_ms)
            near += error <= 5000
            total += 1
            worst = max(worst, error)
            found.append(f"{error / 1000:5.1f} s ({_why(check.reasons)})")
        shown = ", ".join(f"{o:+d}" for o in offsets)
        lines.append(f"  off by {shown:>16} s: " + " | ".join(found))
    lines.append(f"  {near} of {total} boundaries suggested within 5 s of the truth "
                 f"(worst {worst / 1000:.1f} s); truth at "
                 + ", ".join(_clock(t) for t in truth))  # fmt: skip
    return lines


if __name__ == "__main__":
    import tempfile

    print("\n".join(report(Path(tempfile.mkdtemp(prefix="webconf-agenda-")))))
