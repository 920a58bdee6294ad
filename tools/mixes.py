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


def over_noise(speech: Path, out: Path, snr_db: float, noise: str, seed: int = 0) -> None:
    """`speech` (16 kHz mono WAV) with noise under it, `snr_db` below the speech:
    noise="babble" is four voices of FLEURS French and Spanish at once, as in a hall
    where others talk; "pink" is pink noise (fans, hum, a room)."""
    import wave

    import numpy as np

    from pipeline.media.decode import decode
    from pipeline.types import Recording

    said = decode(Recording(speech)).samples
    rng = np.random.default_rng(seed)
    if noise == "babble":
        others = sorted(FLEURS.glob("fleurs-[fe][rs]-*.ogg"))
        voices = [decode(Recording(p)).samples for p in others]
        under = np.zeros(len(said), np.float32)
        for _ in range(4):
            voice = np.concatenate([voices[i] for i in rng.permutation(len(voices))])
            while len(voice) < len(said):
                voice = np.concatenate([voice, voice])
            at = rng.integers(0, len(voice) - len(said) + 1)
            under += voice[at : at + len(said)]
    else:
        spectrum = np.fft.rfft(rng.standard_normal(len(said)))
        under = np.fft.irfft(spectrum / np.sqrt(np.arange(len(spectrum)) + 1), len(said))

    def rms(x):
        return float(np.sqrt(np.mean(np.square(x))) + 1e-12)

    under *= rms(said[said != 0]) / rms(under) / 10 ** (snr_db / 20)
    mixed = said + under
    mixed /= max(1.0, float(np.abs(mixed).max()))
    with wave.open(str(out), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(16000)
        fh.writeframes((mixed * 32767).astype("<i2").tobytes())
