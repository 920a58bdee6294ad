"""`make bench`: our pipeline against plain faster-whisper on the same audio, in one run.

Machines here are noisy, so the figures that matter are ratios measured back to back.
The recording is the sample webinar played three times over (12.9 min of real speech
in English, French and Spanish, from `recordings/`), and a 3-hour recording that is
the sample followed by silence, for memory.

- plain faster-whisper: one `WhisperModel.transcribe` call (base int8, beam 5, its
  VAD, word timestamps, one language for the whole file);
- ours: `webconf run` in a subprocess (every file written, three languages, no
  cache), without the interpreter channels (as plain has none) and with them;
  its peak RSS from the OS, and the time of each stage from its own summary;
- the sample event with and without speaker turns (`--speakers off`);
- two events (the sample event twice) with `webconf run-all`, one after the other and
  on a Dask LocalCluster of two workers.

WER is scored on the FLEURS clips of every copy of the sample.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from wer import wer  # noqa: E402

from pipeline.media.decode import decode  # noqa: E402
from pipeline.models.locate import whisper_model  # noqa: E402
from pipeline.transcribe.whisper import load_model  # noqa: E402
from pipeline.types import Recording  # noqa: E402

SAMPLE = ROOT / "recordings" / "sample-webinar.mp4"
MANIFEST = ROOT / "recordings" / "sample-event.toml"  # the sample event, for the re-runs
CLIPS = ROOT / "recordings" / "sample-webinar.clips.tsv"
COPIES = 3
SILENT_HOURS = 3


def clips(copies: int = 1, length_ms: int = 0) -> list[tuple[str, int, int, str]]:
    with CLIPS.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["clip"].startswith("fleurs/")]
    return [
        (
            r["language"],
            round(float(r["start_s"]) * 1000) + k * length_ms,
            round(float(r["end_s"]) * 1000) + k * length_ms,
            r["normalised"],
        )
        for k in range(copies)
        for r in rows
    ]


def score(words: list[tuple[int, int, str]], truth: list[tuple[str, int, int, str]]):
    refs: dict[str, list[str]] = {}
    hyps: dict[str, list[str]] = {}
    for lang, start, end, reference in truth:
        said = "".join(t for s, e, t in words if start - 500 <= (s + e) // 2 <= end + 500)
        refs.setdefault(lang, []).append(reference)
        hyps.setdefault(lang, []).append(said)
    return {lang: wer(refs[lang], hyps[lang]) for lang in refs}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def build(folder: Path) -> tuple[Path, Path, int]:
    """(the 3x sample with its channels, the 3-hour recording, one sample's length)."""
    length_ms = len(decode(Recording(SAMPLE)).samples) * 1000 // 16000
    listing = folder / "copies.txt"
    listing.write_text(f"file '{SAMPLE}'\n" * COPIES, encoding="utf-8")
    long = folder / "webinar-x3.mp4"
    ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0:a", "-c", "copy", str(long))
    silent = folder / "webinar-3h.flac"
    rest = SILENT_HOURS * 3600 - length_ms / 1000
    ffmpeg(
        "-i", str(SAMPLE), "-f", "lavfi", "-t", f"{rest:.3f}", "-i", "anullsrc=r=16000:cl=mono",
        "-filter_complex", "[0:a:0]aresample=16000,aformat=channel_layouts=mono[s];"
        "[s][1:a]concat=n=2:v=0:a=1[out]", "-map", "[out]", "-c:a", "flac",
        str(silent),
    )  # fmt: skip
    return long, silent, length_ms


def manifest(folder: Path, recording: Path, channels: bool, name: str) -> Path:
    text = (
        f'[event]\ntitle = "Bench {name}"\nlanguages = ["en", "fr", "es"]\n\n'
        f'[[recording]]\nfile = "{recording}"\nstream = 0\n'
    )
    if channels:
        text += '[[recording.interpretation]]\nlanguage = "es"\nstream = 1\n'
        text += '[[recording.interpretation]]\nlanguage = "en"\nstream = 2\n'
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def plain_whisper(recording: Path, truth) -> tuple[float, dict[str, float]]:
    samples = decode(Recording(recording)).samples
    model = load_model(whisper_model("base"))
    t = time.perf_counter()
    segments, _ = model.transcribe(samples, beam_size=5, vad_filter=True, word_timestamps=True)
    words = [
        (round(w.start * 1000), round(w.end * 1000), w.word) for s in segments for w in s.words
    ]
    return time.perf_counter() - t, score(words, truth)


def transcription(recording: Path, batch_size: int) -> float:
    """Seconds for the transcribe stage alone (VAD, language, decoding; no cache) on the
    whole recording as one session, in three languages."""
    from pipeline.cache import StageCache
    from pipeline.transcribe.recording import AudioSource, SpeechRequest, transcribe_recording
    from pipeline.transcribe.whisper import Recogniser, TranscribeOptions
    from pipeline.types import Session

    options = TranscribeOptions(batch_size=batch_size)
    recogniser = Recogniser(whisper_model("base"), options)
    assert recogniser.model  # loaded before the clock starts, as for plain faster-whisper
    whole = [Session(1, "all", recording, 0, 10**9)]
    request = SpeechRequest(languages=("en", "fr", "es"))
    t = time.perf_counter()
    transcribe_recording(
        AudioSource(Recording(recording), "bench"), whole, options, StageCache(None),
        recogniser, request,
    )  # fmt: skip
    return time.perf_counter() - t


BATCHING = (  # (label, TranscribeOptions.batch_size)
    ("batched, 4 trimmed windows at a time", 4),
    ("unbatched, 1 trimmed window at a time", 1),
    ("faster-whisper's transcribe, one 30 s window at a time", 0),
)


def ours(event: Path, out: Path, truth) -> tuple[float, int, dict[str, float], dict, dict]:
    """(seconds, peak RSS in MiB, WER, seconds per stage, the summary's other lines)."""
    command = [sys.executable, "-m", "pipeline", "run", str(event), "--out", str(out),
               "--no-cache"]  # fmt: skip
    t = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"webconf run failed on {event}")
    stages = {
        m.group(1).strip(): float(m.group(2))
        for m in re.finditer(r"^(\w[\w ]*?)\s+([\d.]+)s\s+\d+%$", stdout, re.M)
    }
    words = []
    if truth:
        from pipeline.outputs.read import read_event, read_transcript

        (folder,) = [p for p in out.iterdir() if p.is_dir()]
        index = read_event(folder)
        for session in index.sessions:
            for entry in session.languages:  # what was said in each language, as heard
                transcript = read_transcript(index, session, entry.language)
                words += [
                    (w.start_ms + session.start_ms, w.end_ms + session.start_ms, w.text)
                    for s in transcript.segments
                    if s.origin == "original" and s.source_language == s.language
                    for w in s.words
                ]
    return took, usage.ru_maxrss // 1024, score(words, truth) if truth else {}, stages, stdout


EDITS = (  # (what a person changes in the sample's manifest, the text before, after)
    ("nothing", "", ""),
    ("a session retitled", 'title = "Accidents, sport', 'title = "Accidents and sport'),
    ("a boundary moved by 3 s", '"00:01:58.600"', '"00:02:01.600"'),
    ("a glossary term added", 'keep = ["USOC"', 'keep = ["WAPES", "USOC"'),
)


def reruns(folder: Path) -> list[tuple[str, float]]:
    """Wall time of the sample event's first run (with its cache and channels), then of
    a run after each edit in EDITS, one after the other."""
    event = folder / "rerun.toml"
    (folder / SAMPLE.name).symlink_to(SAMPLE)
    text = MANIFEST.read_text(encoding="utf-8")
    times = []
    for label, before, after in (("first run", "", ""), *EDITS):
        text = text.replace(before, after) if before else text
        event.write_text(text, encoding="utf-8")
        t = time.perf_counter()
        out = folder / "out-rerun"
        subprocess.run(
            [sys.executable, "-m", "pipeline", "run", str(event), "--out", str(out), "-q"],
            check=True,
            capture_output=True,
        )
        times.append((label, time.perf_counter() - t))
    return times


def speaker_cost(folder: Path) -> tuple[float, float]:
    """Wall time of the sample event (with its channels, no cache) with speaker turns
    and without (`--speakers off`), back to back; without first, so that a cold start
    counts against it, not against the speaker turns."""
    event = folder / "speakers.toml"
    if not (folder / SAMPLE.name).exists():
        (folder / SAMPLE.name).symlink_to(SAMPLE)
    event.write_text(MANIFEST.read_text(encoding="utf-8"), encoding="utf-8")
    times = {}
    for flag in ("off", "on"):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipeline", "run", str(event), "--out",
             str(folder / f"out-speakers-{flag}"), "--no-cache", "--speakers", flag, "-q"],
            check=True, capture_output=True,
        )  # fmt: skip
        times[flag] = time.perf_counter() - t
    return times["on"], times["off"]


def cluster_cost(folder: Path) -> tuple[float, float]:
    """Wall time of `webconf run-all` on two copies of the sample event (fresh outputs,
    so nothing is cached): one after the other in one process, then on a Dask
    LocalCluster of two workers (its start included)."""
    events = folder / "events"
    for name in ("a", "b"):
        (events / name).mkdir(parents=True)
        (events / name / SAMPLE.name).symlink_to(SAMPLE)
        text = MANIFEST.read_text(encoding="utf-8")
        title = re.search(r'^title = "(.*)"', text, re.MULTILINE)
        assert title, "the sample manifest has a title"
        text = text.replace(title.group(0), f'title = "{title.group(1)} ({name})"', 1)
        (events / name / "event.toml").write_text(text, encoding="utf-8")
    times = {}
    for how, extra in (("here", []), ("local:2", ["--dask", "local:2"])):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipeline", "run-all", str(events), "--out",
             str(folder / f"out-all-{how}"), "-q", *extra],
            check=True, capture_output=True,
        )  # fmt: skip
        times[how] = time.perf_counter() - t
    return times["here"], times["local:2"]


def wer_line(scores: dict[str, float]) -> str:
    return " / ".join(f"{scores[k]:.2f}" for k in ("en", "fr", "es")) if scores else "-"


def main() -> int:
    # Our runs start as an installed package does, with Python's bytecode cache: this
    # machine sets PYTHONDONTWRITEBYTECODE=1, which makes every run compile its 94
    # modules again (0.07 s, a fifth of a re-run that finds everything in its cache).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        long, silent, length_ms = build(folder)
        duration = COPIES * length_ms / 1000
        truth = clips(COPIES, length_ms)
        plain_s, plain_wer = plain_whisper(long, truth)
        ignore_s, ignore_rss, ignore_wer, stages, _ = ours(
            manifest(folder, long, False, "x3"), folder / "out-x3", truth
        )
        prefer_s, prefer_rss, prefer_wer, _, _ = ours(
            manifest(folder, long, True, "x3-channels"), folder / "out-x3-channels", truth
        )
        silent_s, silent_rss, _, silent_stages, _ = ours(
            manifest(folder, silent, False, "3h"), folder / "out-3h", []
        )
        batching = [(label, transcription(long, size)) for label, size in BATCHING]
        again = reruns(folder)
        speakers_on, speakers_off = speaker_cost(folder)
        here, cluster = cluster_cost(folder)
    print(f"audio: {SAMPLE.name} x{COPIES} = {duration / 60:.1f} min of real speech (en, fr, es);")
    print(f"       and a {SILENT_HOURS}-hour recording (the sample, then silence); "
          "Whisper base int8 on this machine\n")  # fmt: skip
    print(f"{'':48} {'time':>7} {'x real time':>11} {'peak RSS':>9}  WER en / fr / es")
    rows = [
        ("plain faster-whisper (one call, one language)", plain_s, None, plain_wer),
        ("webconf run, 3 languages, every file", ignore_s, ignore_rss, ignore_wer),
        ("webconf run, and 2 interpreter channels", prefer_s, prefer_rss, prefer_wer),
    ]
    for label, took, rss, scores in rows:
        memory = f"{rss:>6} MiB" if rss else f"{'-':>9}"
        print(f"{label:48} {took:6.1f}s {took / duration:11.2f} {memory}  {wer_line(scores)}")
    print(
        f"{'webconf run, 3-hour recording':48} {silent_s:6.1f}s "
        f"{silent_s / (SILENT_HOURS * 3600):11.3f} {silent_rss:>6} MiB"
    )
    transcribe = stages.get("transcribe", 0.0)
    translate = stages.get("translate and write", 0.0)
    print("\nratios, measured in this run:")
    print(f"  webconf run / plain faster-whisper: {ignore_s / plain_s:.2f}x "
          f"(with the interpreter channels: {prefer_s / plain_s:.2f}x)")  # fmt: skip
    if transcribe:
        print(f"  translation and writing / transcription: {translate / transcribe:.0%}")
    print("  stages (3 languages, no channels): "
          + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))  # fmt: skip
    print("  stages (3-hour recording): "
          + ", ".join(f"{k} {v:.1f} s" for k, v in silent_stages.items()))  # fmt: skip
    batched = batching[0][1]
    print("  transcribe stage alone (3x sample, one session, no cache):")
    for label, took in batching:
        print(f"    {label}: {took:.1f} s, {took / batched:.2f}x batched")
    print(f"  speaker turns, sample event with its channels, no cache: {speakers_on:.1f} s "
          f"with, {speakers_off:.1f} s without (--speakers off): "
          f"+{speakers_on / speakers_off - 1:.0%}")  # fmt: skip
    print(f"  two events (the sample event twice), webconf run-all: {here:.1f} s one after "
          f"the other, {cluster:.1f} s on Dask local:2 (2 workers): {here / cluster:.2f}x")
    (_, first), *edits = again
    print(f"\nre-runs of the sample event (with its channels; first run {first:.1f} s):")
    for label, took in edits:
        print(f"  after {label}: {took:.1f} s, {took / first:.1%} of the first run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
