"""Build the sample event in recordings/ from the real speech in ../shared/speech.

Run once by a developer (the result is committed): three agenda sessions, English,
French and Spanish, each a sequence of real read-speech clips with short pauses, in
an MP4 with a still picture. Writes the clip offsets and reference transcripts
beside it so tests and `make eval` can score each clip.

The MP4 also carries two interpreter channels (audio streams 1-2: es, en), as a
console export does; French stays machine-translated (espeak-ng's French is recognised
by Whisper base at chrF 37-45 against the reference, no better than Apertium, while its
Spanish and English reach 77-87). They are synthesized (espeak-ng speaking the FLORES-200 reference
translations, 2-4 s behind the floor), not real interpreters; the planning and the
synthesis are those of the interpreted test event (tests/support/interpreted_event.py).
The floor stream (audio stream 0) is built as before and stream-copied, so its samples
and the WER measured on it do not change. `sample-webinar.channels.tsv` is their truth.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))  # the channel synthesis lives there

from interpreted_event import (  # noqa: E402
    ISO639_2,
    NOISE_MARGIN_DB,
    Job,
    Speech,
    cut_speech,
    fleurs_table,
    mix,
    plan_channel,
    read_audio,
    require_tools,
    samples_to_ms,
    speech_bounds,
    write_raw,
)

SHARED = ROOT.parent / "shared" / "speech"
OUT = ROOT / "recordings"
LEAD_IN_S = 2.0  # silence before the first speaker, as before a webinar starts
GAP_S = 1.0  # between clips of one session
SESSION_GAP_S = 3.0  # between sessions

SESSIONS = [
    ("en", ["voxpopuli/voxpopuli-en-000"] + [f"fleurs/fleurs-en-00{i}" for i in range(5)]),
    ("fr", [f"fleurs/fleurs-fr-00{i}" for i in range(5)]),
    ("es", [f"fleurs/fleurs-es-00{i}" for i in range(5)]),
]
# Interpreter channels in stream order (audio stream 1, 2), titled as consoles do.
# Each renders the FLEURS clips of the other two languages; it is silent over the
# VoxPopuli clip (no reference translation: the pipeline falls back to machine
# translation there) and over its own language, but for one clip of it, which it
# relays (passes the floor through, as a console does).
CHANNELS = [("es", "Translated"), ("en", "Translated-2")]
# Loud clips: fr-000 and en-000 peak at -48 and -28 dBFS, a relay of them is a murmur.
RELAYS = {"es": "fleurs/fleurs-es-000", "en": "fleurs/fleurs-en-001"}
# Target lags, cycled (from a different place on each channel): real lag varies.
LAGS_MS = (2000, 3500, 2600, 3800, 2300, 3100, 2800, 3300, 2100, 3600, 2500)
CHANNEL_BITRATE = "48k"
CHANNEL_END_MARGIN_MS = 500  # a rendering ends this long before the recording does


def duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout)


def references() -> dict[str, tuple[str, str]]:
    refs = {}
    with (SHARED / "fleurs" / "fleurs.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            refs["fleurs/" + row["file"].removesuffix(".ogg")] = (
                row["ref_transcript_cased(same lang)"].strip(),
                (SHARED / "fleurs" / row["file"].replace(".ogg", ".txt"))
                .read_text("utf-8")
                .strip(),
            )
    vox = (SHARED / "voxpopuli" / "voxpopuli-en-000.txt").read_text("utf-8").strip()
    refs["voxpopuli/voxpopuli-en-000"] = (vox, vox)
    return refs


@dataclass(frozen=True)
class FloorClip:
    index: int  # among the clips, in recording order
    clip: str  # as in clips.tsv: "fleurs/fleurs-en-000"
    start_ms: int  # speech onset in the recording (the clip's leading silence skipped)
    end_ms: int
    speech: Speech


@dataclass(frozen=True)
class ChannelRow:
    """One line of sample-webinar.channels.tsv: a rendering or a relay."""

    channel: str
    clip: str
    kind: str  # "rendering" | "relay"
    start_ms: int  # speech onset on the channel
    end_ms: int
    lag_ms: int  # from the floor clip's speech onset
    text: str  # the FLORES-200 reference spoken ("" for a relay)


def floor_pcm_sha256(path: Path) -> str:
    """The decoded floor (audio stream 0): what the WER is measured on."""
    return hashlib.sha256(read_audio(path, 0).tobytes()).hexdigest()


def floor_clips(
    wavs: list[Path], pieces: list[tuple[str, object]], rows: list
) -> tuple[list[FloorClip], int]:
    """Where each clip's speech lies in the floor, from the very samples it was built of,
    and the floor's length in samples."""
    clips, position, names = [], 0, iter(row[2] for row in rows)
    for (kind, _), wav in zip(pieces, wavs, strict=True):
        samples = read_audio(wav)
        if kind == "file":
            speech = cut_speech(samples, above_noise_db=NOISE_MARGIN_DB)
            # speech.onset is within the cut (after its pad); the clip's own is needed
            start, _ = speech_bounds(samples, above_noise_db=NOISE_MARGIN_DB)
            onset = samples_to_ms(position + start)
            clips.append(
                FloorClip(len(clips), next(names), onset, onset + speech.speech_ms, speech)
            )
        position += len(samples)
    return clips, position


def channel_jobs(language: str, first_lag: int, floor: list[FloorClip]) -> list[Job]:
    """What the `language` interpreter does with each floor clip (see CHANNELS)."""
    table, jobs, lag_index = fleurs_table(), [], first_lag
    for clip in floor:
        name = clip.clip.removeprefix("fleurs/")
        if name not in table:
            continue  # VoxPopuli: no reference translation to speak
        if table[name]["language"] != language:
            lag = LAGS_MS[lag_index % len(LAGS_MS)]
            jobs.append(Job(clip.index, clip.start_ms, clip.end_ms, table[name][language], lag))
            lag_index += 1
        elif clip.clip == RELAYS[language]:
            jobs.append(Job(clip.index, clip.start_ms, clip.end_ms, relay=clip.speech))
    return jobs


def add_channels(
    floor_mp4: Path, floor: list[FloorClip], length: int, tmp: Path
) -> list[ChannelRow]:
    """Write recordings/sample-webinar.mp4: the floor-only MP4's video and audio
    stream-copied, and one AAC stream per interpreter channel. Returns their truth."""
    limit = samples_to_ms(length) - CHANNEL_END_MARGIN_MS
    inputs, maps, options, truth = [], ["-map", "0:v", "-map", "0:a"], [], []
    for k, (language, title) in enumerate(CHANNELS, start=1):
        placed = plan_channel(language, channel_jobs(language, 3 * k, floor), limit)
        raw = write_raw(tmp / f"{language}.f32", mix(placed, length))
        inputs += ["-f", "f32le", "-ar", "16000", "-ac", "1", "-i", str(raw)]
        maps += ["-map", f"{k}:a"]
        options += [f"-c:a:{k}", "aac", f"-b:a:{k}", CHANNEL_BITRATE]
        options += [f"-metadata:s:a:{k}", f"language={ISO639_2[language]}"]
        options += [f"-metadata:s:a:{k}", f"handler_name={title}"]  # MP4's track title
        for p in placed:
            clip = floor[p.floor_index]
            kind = "relay" if p.is_relay else "rendering"
            lag = p.start_ms - clip.start_ms
            truth.append(ChannelRow(language, clip.clip, kind, p.start_ms, p.end_ms, lag, p.text))
    target = OUT / "sample-webinar.mp4"
    partial = OUT / ".sample-webinar.partial.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(floor_mp4), *inputs, *maps]
        + ["-c:v", "copy", "-c:a:0", "copy", *options]
        + ["-metadata:s:a:0", "language=mul", "-metadata:s:a:0", "handler_name=Native"]
        + ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-movflags", "+faststart"]
        + [str(partial)],
        check=True,
    )
    before, after = floor_pcm_sha256(floor_mp4), floor_pcm_sha256(partial)
    if before != after:
        partial.unlink()
        raise SystemExit(f"the floor changed while adding channels ({before} != {after})")
    # A new file, not one written over: the old one may be hard-linked into outputs/.
    os.replace(partial, target)
    print(f"floor (audio stream 0) decoded PCM sha256: {after}")
    return truth


def write_channels_tsv(truth: list[ChannelRow]) -> None:
    with (OUT / "sample-webinar.channels.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["channel", "clip", "kind", "start_s", "end_s", "lag_s", "text"])
        for r in truth:
            times = [f"{ms / 1000:.3f}" for ms in (r.start_ms, r.end_ms, r.lag_ms)]
            w.writerow([r.channel, r.clip, r.kind, *times, r.text])


def main() -> int:
    require_tools()
    refs = references()
    rows, t = [], LEAD_IN_S
    pieces = [("silence", LEAD_IN_S)]
    for s_index, (lang, clips) in enumerate(SESSIONS, start=1):
        for c_index, clip in enumerate(clips):
            path = SHARED / f"{clip}.ogg"
            d = duration(path)
            rows.append([s_index, lang, clip, f"{t:.3f}", f"{t + d:.3f}", *refs[clip]])
            pieces.append(("file", path))
            t += d
            gap = GAP_S if c_index < len(clips) - 1 else SESSION_GAP_S
            pieces.append(("silence", gap))
            t += gap
    with tempfile.TemporaryDirectory() as tmp:
        floor_mp4 = Path(tmp) / "floor.mp4"
        wavs = []
        for i, (kind, arg) in enumerate(pieces):
            wav = Path(tmp) / f"{i:03d}.wav"
            src = (
                ["-f", "lavfi", "-t", f"{arg}", "-i", "anullsrc=r=16000:cl=mono"]
                if kind == "silence"
                else ["-i", str(arg)]
            )
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", *src, "-ar", "16000", "-ac", "1", str(wav)],
                check=True,
            )
            wavs.append(wav)
        listing = Path(tmp) / "list.txt"
        listing.write_text("".join(f"file '{w}'\n" for w in wavs))
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "concat",
                "-safe",
                "0",
                "-i",
                str(listing),
                "-f",
                "lavfi",
                "-i",
                f"color=c=0x1f3a5f:s=320x180:r=1:d={t:.3f}",
                "-shortest",
                "-map",
                "1:v",
                "-map",
                "0:a",
                "-c:v",
                "libx264",
                "-tune",
                "stillimage",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-ar",
                "16000",
                "-ac",
                "1",
                "-metadata:s:a:0",
                "language=mul",
                "-movflags",
                "+faststart",
                str(floor_mp4),
            ],
            check=True,
        )
        floor, length = floor_clips(wavs, pieces, rows)
        truth = add_channels(floor_mp4, floor, length, Path(tmp))
    write_channels_tsv(truth)
    with (OUT / "sample-webinar.clips.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["session", "language", "clip", "start_s", "end_s", "reference", "normalised"])
        w.writerows(rows)
    print(f"wrote {OUT / 'sample-webinar.mp4'} ({t:.1f} s), {OUT / 'sample-webinar.channels.tsv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
