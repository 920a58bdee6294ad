"""Language over time in noise: how often each speech region gets the language spoken,
each region alone against smoothed over the session (`language_id.assign_languages`).

    .venv/bin/python tools/language_noise.py     # about 90 s on 2 cores

Material (real speech from ../shared, noise from `mixes.over_noise`): six English
speeches in a French and Spanish crowd 10 and 12 dB under them (6 seeds each) and in
pink noise at 0 dB; an English talk with one French or Spanish answer after a 2 s pause,
clean, in pink noise 5 dB under it and in a crowd 15 dB under it; the code-switching
panel, clean and in pink noise. A region's truth is the language of most of its speech.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from mixes import FLEURS, build_mix, code_switch_mix, over_noise  # noqa: E402

from pipeline.cache import StageCache  # noqa: E402
from pipeline.fsio import sha256_file  # noqa: E402
from pipeline.models.locate import whisper_model  # noqa: E402
from pipeline.transcribe import language_id  # noqa: E402
from pipeline.transcribe import recording as stage  # noqa: E402
from pipeline.transcribe.whisper import Recogniser, TranscribeOptions  # noqa: E402
from pipeline.types import Recording, Session  # noqa: E402

VOXPOPULI = FLEURS.parent / "voxpopuli"
ENGLISH = [*sorted(FLEURS.glob("fleurs-en-*.ogg")), VOXPOPULI / "voxpopuli-en-000.ogg"]


def detections(wav: Path, placed) -> tuple[list, list, list[str]]:
    """(regions, detections, truth) as the transcribe stage finds them."""
    source = stage.AudioSource(Recording(wav), sha256_file(wav))
    options, cache = TranscribeOptions(), StageCache(None)
    samples = stage.Samples(source.recording)
    regions = stage.speech_map(source, options, cache, samples)
    recogniser = Recogniser(whisper_model("base"), options)
    decoder = stage._Decoder(source, options, cache, recogniser, samples, tuple(regions))
    seen: dict[str, list] = {}
    assign = stage.assign_languages

    def spy(regions, probs, fallback, main=None):
        seen["probs"] = probs
        return assign(regions, probs, fallback, main)

    stage.assign_languages = spy
    try:
        stage.region_languages(source, Session(1, "T", wav, 0, 10**9), regions,
                               ("en", "fr", "es"), decoder)  # fmt: skip
    finally:
        stage.assign_languages = assign
    truth = []
    for start, end in regions:
        overlap: dict[str, int] = defaultdict(int)
        for clip in placed:
            overlap[clip.language] += max(0, min(end, clip.end_ms) - max(start, clip.start_ms))
        truth.append(max(overlap, key=overlap.get))
    return regions, seen["probs"], truth


def cases(folder: Path):
    placed = build_mix(ENGLISH, folder / "speech.wav")
    for seed in range(6):
        for snr in (10, 12):
            over_noise(folder / "speech.wav", folder / "n.wav", snr, "babble", seed)
            yield f"English in a crowd {snr} dB", detections(folder / "n.wav", placed)
        over_noise(folder / "speech.wav", folder / "n.wav", 0, "pink", seed)
        yield "English in pink noise 0 dB", detections(folder / "n.wav", placed)
    for answer in ("es-002", "fr-002", "es-000", "fr-003"):
        for at in (1, 3):
            clips = [*ENGLISH[:at], FLEURS / f"fleurs-{answer}.ogg", *ENGLISH[at:5]]
            placed = build_mix(clips, folder / "talk.wav", gap_ms=2000)
            yield "an answer, clean", detections(folder / "talk.wav", placed)
            over_noise(folder / "talk.wav", folder / "n.wav", 5, "pink")
            yield "an answer, pink noise 5 dB", detections(folder / "n.wav", placed)
            over_noise(folder / "talk.wav", folder / "n.wav", 15, "babble", at)
            yield "an answer, crowd 15 dB", detections(folder / "n.wav", placed)
    placed = code_switch_mix(folder / "panel.wav")
    yield "code-switching panel, clean", detections(folder / "panel.wav", placed)
    over_noise(folder / "panel.wav", folder / "n.wav", 5, "pink")
    yield "code-switching panel, pink noise 5 dB", detections(folder / "n.wav", placed)


def main() -> int:
    rows: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (regions, probs, truth) in cases(Path(tmp)):
            main_language = language_id.majority_language(regions, probs) or "en"
            alone, previous = [], main_language
            for p in probs:  # a region too short to judge keeps the one before
                previous = max(p, key=p.get) if p else previous
                alone.append(previous)
            smoothed = language_id.assign_languages(regions, probs, main_language,
                                                    main=main_language)  # fmt: skip
            row = rows[re.sub(r"\s+", " ", name)]
            row[0] += 1
            row[1] += len(truth)
            row[2] += sum(a == t for a, t in zip(alone, truth, strict=True))
            row[3] += sum(s == t for s, t in zip(smoothed, truth, strict=True))
            row[4] += smoothed == truth
    print("| material | recordings | regions | right, each alone | right, smoothed | "
          "recordings all right |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, (n, regions, alone, smoothed, whole) in rows.items():
        print(f"| {name} | {n} | {regions} | {alone / regions:.2f} | "
              f"{smoothed / regions:.2f} | {whole}/{n} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
