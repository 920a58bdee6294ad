"""`make bench`: our pipeline against plain faster-whisper on the same audio, in one run.

Machines here are noisy, so the figures that matter are ratios measured back to back:
time of our whole pipeline (VAD twice, language per region, chunked decoding, guards,
translation into the other languages, every file written) over time of one plain
faster-whisper call (whole file, VAD on, beam 5, word timestamps), and the word error
rate each gets on the same FLEURS clips of the sample event.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from wer import wer  # noqa: E402

from pipeline import RunOptions, run_event  # noqa: E402
from pipeline.media.decode import decode  # noqa: E402
from pipeline.models.locate import whisper_model  # noqa: E402
from pipeline.transcribe.whisper import load_model  # noqa: E402
from pipeline.types import Recording  # noqa: E402

MANIFEST = ROOT / "recordings" / "sample-event.toml"
RECORDING = ROOT / "recordings" / "sample-webinar.mp4"
CLIPS = ROOT / "recordings" / "sample-webinar.clips.tsv"


def clips() -> list[tuple[str, int, int, str]]:
    with CLIPS.open(encoding="utf-8") as fh:
        return [
            (
                r["language"],
                round(float(r["start_s"]) * 1000),
                round(float(r["end_s"]) * 1000),
                r["normalised"],
            )
            for r in csv.DictReader(fh, delimiter="\t")
            if r["clip"].startswith("fleurs/")
        ]


def score(words: list[tuple[int, int, str]]) -> dict[str, float]:
    refs: dict[str, list[str]] = {}
    hyps: dict[str, list[str]] = {}
    for lang, start, end, reference in clips():
        said = "".join(t for s, e, t in words if start - 500 <= (s + e) // 2 <= end + 500)
        refs.setdefault(lang, []).append(reference)
        hyps.setdefault(lang, []).append(said)
    return {lang: wer(refs[lang], hyps[lang]) for lang in refs}


def plain_whisper() -> tuple[float, dict[str, float], str]:
    samples = decode(Recording(RECORDING)).samples
    model = load_model(whisper_model("base"))
    t = time.perf_counter()
    segments, info = model.transcribe(samples, beam_size=5, vad_filter=True, word_timestamps=True)
    words = [
        (round(w.start * 1000), round(w.end * 1000), w.word)
        for s in segments
        for w in (s.words or ())
    ]
    return time.perf_counter() - t, score(words), info.language


def ours() -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        result = run_event(
            MANIFEST, out, RunOptions(use_cache=False, export_audio=False, show_progress=False)
        )
        took = time.perf_counter() - t
    words = [
        (w.start_ms, w.end_ms, w.text)
        for track in result.tracks
        if track.is_original
        for s in track.sentences
        if s.language == track.language
        for w in s.words
    ]
    return took, score(words)


def main() -> int:
    duration = len(decode(Recording(RECORDING)).samples) / 16000
    plain_s, plain_wer, plain_lang = plain_whisper()
    ours_s, ours_wer = ours()
    print(f"audio: {RECORDING.name}, {duration:.0f} s, Whisper base int8 on this machine\n")
    print(f"{'':44} {'time':>7} {'x real time':>11}  WER en / fr / es")
    print(
        f"{'plain faster-whisper (one call, one language)':44} {plain_s:6.1f}s "
        f"{plain_s / duration:11.2f}  "
        + " / ".join(f"{plain_wer[k]:.2f}" for k in ("en", "fr", "es"))
        + f"  (whole file decoded as {plain_lang!r})"
    )
    print(
        f"{'webconf run (transcribe, translate x3, write)':44} {ours_s:6.1f}s "
        f"{ours_s / duration:11.2f}  "
        + " / ".join(f"{ours_wer[k]:.2f}" for k in ("en", "fr", "es"))
    )
    print(
        f"\nratio, measured in this run: webconf run takes {ours_s / plain_s:.2f}x the time "
        "of plain faster-whisper, and writes every language"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
