"""A small interpreted event built from real speech, with its truth.

The floor is real FLEURS read speech; the interpreter channels are espeak-ng speaking
the FLORES-200 reference translations of the floor sentences, 2-4 s behind them as
interpreters are. Synthesized channels are not real interpreters, but they come with
exact truth: which channel renders which floor sentence, when, with what lag, where a
channel is silent (the pipeline must fall back to machine translation there) and where
it relays the floor. That truth is what the alignment tests score against. French
espeak-ng is poorly recognised by Whisper base, so the channels here are es and en.

`tools/make_sample.py` reuses the synthesis and planning below for the sample event.
"""

from __future__ import annotations

import csv
import functools
import math
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SPEECH = Path(__file__).resolve().parents[3] / "shared" / "speech"
FLEURS = SPEECH / "fleurs"

RATE = 16000  # what the pipeline decodes to; FLEURS is 16 kHz mono already
FRAME_MS = 20  # energy frames for trimming silence
THRESHOLD_DB = -35.0  # a frame is speech when its RMS is within 35 dB of the loudest frame
NOISE_MARGIN_DB = 12.0  # ... and, in recorded speech, 12 dB over the noise floor
MIN_RUN = 3  # frames in a row: a click is not an onset
PAD_MS = 100  # kept around cut speech
LEAD_MS = 1500  # silence before the first floor sentence
PAUSE_MS = 1500  # between floor sentences
TAIL_MS = 1500  # after the last sentence of any stream
GAP_MS = 400  # least silence between two sentences of one interpreter
RELAY_DELAY_MS = 200  # a console's relay starts a little after the floor
RELAY_GAIN_DB = -3.0
SPOKEN_PEAK = 0.5  # synthesized speech is normalised to this peak
SPEED_RANGE = (140, 210)  # espeak-ng words per minute: an interpreter compresses, up to 210
NATURAL_SPEED = 165
VOICES = {"en": "en-us", "es": "es", "fr": "fr-fr"}
FLORES_COLUMN = {"en": "eng", "fr": "fra", "es": "spa"}
ISO639_2 = {"en": "eng", "fr": "fra", "es": "spa"}
FILES_OFFSET_MS = {"es": 2500}  # "files" layout: where webinar-es.m4a starts

TITLE = "Interpreted test event"
DATE = "2026-11-30"
SESSIONS = (
    (
        "Capital letters, cabbage juice, dinosaurs and fashion (English)",
        ("fleurs-en-001", "fleurs-en-003", "fleurs-en-004", "fleurs-en-000"),
    ),
    ("Young states and an air accident (French), the Earth (Spanish)",
     ("fleurs-fr-002", "fleurs-fr-004", "fleurs-es-003")),
)  # fmt: skip


@dataclass(frozen=True)
class ChannelSpec:
    """What one interpreter does: the floor clips rendered, each with its target lag
    (varied, as real lag is), and the floor clips passed through (relay)."""

    language: str
    lags_ms: Mapping[str, int]
    relays: tuple[str, ...] = ()


# Stream order of the "streams" layout: es = audio stream 1, en = 2.
CHANNELS = (
    ChannelSpec(
        "es",
        {
            "fleurs-en-001": 2000,
            "fleurs-en-003": 3500,  # en-004 is not rendered: a silent stretch
            "fleurs-en-000": 2600,
            "fleurs-fr-002": 3800,
            "fleurs-fr-004": 2300,
        },
        relays=("fleurs-es-003",),
    ),
    ChannelSpec("en", {"fleurs-fr-002": 3100, "fleurs-fr-004": 2200, "fleurs-es-003": 3600}),
)
CHANNEL_TITLES = ("Translated", "Translated-2", "Translated-3")  # as consoles name them


# ------------------------------------------------------------------------- the truth


@dataclass(frozen=True)
class FloorSentence:
    index: int  # 0-based, in floor order
    language: str  # the clip's language
    clip: str  # e.g. "fleurs-en-001"
    start_ms: int  # speech onset in recording time (leading silence trimmed)
    end_ms: int  # speech end in recording time
    text: str  # cased reference transcript
    translations: Mapping[str, str]  # "en"/"fr"/"es" -> FLORES-200 reference


@dataclass(frozen=True)
class Rendering:
    """One interpreted sentence on a channel."""

    channel: str  # the channel's language
    floor_index: int  # the FloorSentence it renders
    start_ms: int  # recording time: speech onset of the synthesized sentence
    end_ms: int
    lag_ms: int  # start_ms - floor.start_ms: the true lag
    text: str  # the reference translation that was spoken
    speed: int = 0  # espeak-ng words per minute


@dataclass(frozen=True)
class Relay:
    """The channel passes the floor through (the floor speaks the channel's language)."""

    channel: str
    floor_index: int
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class InterpretedEvent:
    folder: Path
    manifest: Path
    recording: Path  # the floor file (MP4)
    channel_files: Mapping[str, Path]  # language -> file ("files" layout); empty for "streams"
    layout: str  # "streams" | "files"
    floor: tuple[FloorSentence, ...]
    renderings: tuple[Rendering, ...]
    silent: tuple[tuple[str, int], ...]  # (channel, floor_index) not rendered, other-language
    relays: tuple[Relay, ...]
    sessions: tuple[tuple[str, int, int], ...]  # (title, start_ms, end_ms) as in the manifest
    offsets: Mapping[str, int]  # channel -> offset_ms written in the manifest ("files")
    duration_ms: int = 0  # length of the floor and of every channel (before its offset)
    streams: Mapping[str, int] = field(default_factory=dict)  # channel -> audio stream
    truth: Path | None = None  # truth.tsv: every sentence, rendering, relay and silence

    def renderings_of(self, channel: str) -> tuple[Rendering, ...]:
        return tuple(r for r in self.renderings if r.channel == channel)

    def relays_of(self, channel: str) -> tuple[Relay, ...]:
        return tuple(r for r in self.relays if r.channel == channel)

    def silent_span(self, channel: str, floor_index: int) -> tuple[int, int]:
        """Where, in recording time, the channel is silent instead of rendering the floor
        sentence: from the end of its previous output to the start of its next one."""
        spans = sorted(
            [(r.start_ms, r.end_ms) for r in self.renderings_of(channel)]
            + [(r.start_ms, r.end_ms) for r in self.relays_of(channel)]
        )
        floor_start = self.floor[floor_index].start_ms
        before = [end for start, end in spans if start < floor_start]
        after = [start for start, _ in spans if start > floor_start]
        return (max(before, default=0), min(after, default=self.duration_ms))


# ------------------------------------------------------------------------ audio tools


def require_tools() -> None:
    """Fail loudly: material that silently is not built would hide the feature's tests."""
    missing = [t for t in ("ffmpeg", "ffprobe", "espeak-ng") if shutil.which(t) is None]
    if missing:
        raise RuntimeError(
            f"building the interpreted test material needs {', '.join(missing)}: "
            "run `bash tools/setup_system.sh --browser` (Debian packages ffmpeg, espeak-ng)"
        )
    voices = subprocess.run(
        ["espeak-ng", "--voices"], check=True, capture_output=True, text=True
    ).stdout.split()
    absent = [v for v in VOICES.values() if v not in voices]
    if absent:
        raise RuntimeError(f"espeak-ng lacks the voices {', '.join(absent)}")


def read_audio(path: Path, stream: int = 0) -> np.ndarray:
    """Audio stream `stream` of a file as 16 kHz mono float32, decoded by ffmpeg."""
    out = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", f"0:a:{stream}"]
        + ["-ac", "1", "-ar", str(RATE), "-f", "f32le", "-acodec", "pcm_f32le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(out, dtype=np.float32).copy()


def ms_to_samples(ms: int) -> int:
    return ms * RATE // 1000


def samples_to_ms(count: int) -> int:
    return count * 1000 // RATE


def speech_bounds(
    samples: np.ndarray,
    *,
    threshold_db: float = THRESHOLD_DB,
    above_noise_db: float | None = None,
) -> tuple[int, int]:
    """First and past-last sample of speech: the first and last run of MIN_RUN frames
    whose RMS is within `threshold_db` of the loudest frame and, for recorded speech,
    `above_noise_db` over the noise floor (FLEURS hiss lies at -30 dB of the peak in
    some clips, above a fixed -35 dB threshold). Whole frames: whole milliseconds."""
    frame = RATE * FRAME_MS // 1000
    count = len(samples) // frame
    if count < MIN_RUN:
        raise ValueError("audio shorter than a run of frames")
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    if rms.max() == 0:
        raise ValueError("audio holds no sound")
    threshold = rms.max() * 10 ** (threshold_db / 20)
    if above_noise_db is not None:
        noise = float(np.percentile(rms[rms > 0], 10))
        threshold = max(threshold, noise * 10 ** (above_noise_db / 20))
    loud = (rms >= threshold).astype(int)
    runs = np.flatnonzero(np.convolve(loud, np.ones(MIN_RUN, dtype=int), "valid") == MIN_RUN)
    if runs.size == 0:
        raise ValueError("audio holds no speech")
    return int(runs[0]) * frame, (int(runs[-1]) + MIN_RUN) * frame


@dataclass(frozen=True, eq=False)
class Speech:
    """Speech with up to PAD_MS of what surrounds it, and where in it the speech lies:
    the pad keeps the soft onsets and decays an energy threshold misses, while times
    (and lags) are measured from the detected onset."""

    samples: np.ndarray
    onset: int  # first sample of speech in `samples`
    end: int  # past-last sample of speech

    @property
    def speech_ms(self) -> int:
        return samples_to_ms(self.end - self.onset)

    def scaled(self, gain_db: float) -> Speech:
        gain = 10 ** (gain_db / 20)
        return Speech((self.samples * gain).astype(np.float32), self.onset, self.end)


def cut_speech(samples: np.ndarray, above_noise_db: float | None = None) -> Speech:
    """The speech in `samples`, leading and trailing silence cut (but PAD_MS)."""
    onset, end = speech_bounds(samples, above_noise_db=above_noise_db)
    pad = ms_to_samples(PAD_MS)
    first, last = max(0, onset - pad), min(len(samples), end + pad)
    kept = np.array(samples[first:last], dtype=np.float32)
    kept.flags.writeable = False
    return Speech(kept, onset - first, end - first)


@functools.cache
def clip_speech(clip: str) -> Speech:
    """A FLEURS clip with its leading and trailing silence cut (cached: read-only)."""
    return cut_speech(read_audio(FLEURS / f"{clip}.ogg"), above_noise_db=NOISE_MARGIN_DB)


@functools.cache
def fleurs_table() -> Mapping[str, Mapping[str, str]]:
    """fleurs.tsv by clip name: the cased transcript and the three FLORES-200 references."""
    table = {}
    with (FLEURS / "fleurs.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            table[row["file"].removesuffix(".ogg")] = {
                "language": row["lang"],
                "text": row["ref_transcript_cased(same lang)"].strip(),
                **{lang: row[col].strip() for lang, col in FLORES_COLUMN.items()},
            }
    return table


@functools.cache
def synthesize(text: str, language: str, speed: int) -> Speech:
    """espeak-ng speaking `text` at `speed` words per minute, at 16 kHz, its silence
    cut, normalised to SPOKEN_PEAK (cached: read-only)."""
    with tempfile.TemporaryDirectory() as tmp:
        source, wav = Path(tmp) / "text.txt", Path(tmp) / "speech.wav"
        source.write_text(text, encoding="utf-8")  # a file: no text is read as an option
        subprocess.run(
            ["espeak-ng", "-v", VOICES[language], "-s", str(speed), "-b", "1"]
            + ["-f", str(source), "-w", str(wav)],
            check=True,
            capture_output=True,
        )
        samples = read_audio(wav)
    samples = samples * np.float32(SPOKEN_PEAK / float(np.max(np.abs(samples))))
    return cut_speech(samples)


def fit_speech(
    text: str, language: str, natural_ms: int, budget_ms: int | None
) -> tuple[Speech, int]:
    """The sentence spoken about as long as the floor spoke it (`natural_ms`), faster when
    it must end within `budget_ms` (interpreters compress), within SPEED_RANGE; at the
    top speed when even that is too slow. Returns the speech and its speed."""
    low, high = SPEED_RANGE
    reference = synthesize(text, language, NATURAL_SPEED)
    target = max(1, natural_ms if budget_ms is None else min(natural_ms, budget_ms))
    # Spoken length is about inversely proportional to the rate.
    speed = min(high, max(low, math.ceil(NATURAL_SPEED * reference.speech_ms / target)))
    speech = synthesize(text, language, speed)
    while budget_ms is not None and speech.speech_ms > budget_ms and speed < high:
        speed = min(high, speed + 5)
        speech = synthesize(text, language, speed)
    return speech, speed


# ------------------------------------------------------------------------ the planner


@dataclass(frozen=True, eq=False)
class Job:
    """One floor sentence a channel deals with: rendered (the text to speak, a target
    lag) or relayed (the floor's own speech, passed through)."""

    floor_index: int
    floor_start_ms: int
    floor_end_ms: int
    text: str = ""
    target_lag_ms: int = 0
    relay: Speech | None = None

    @property
    def planned_ms(self) -> int:
        lag = RELAY_DELAY_MS if self.relay is not None else self.target_lag_ms
        return self.floor_start_ms + lag


@dataclass(frozen=True, eq=False)
class Placement:
    """Where a job's speech went on the channel (start_ms: its onset)."""

    floor_index: int
    start_ms: int
    speech: Speech
    speed: int  # espeak-ng words per minute; 0 for a relay
    text: str

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.speech.speech_ms

    @property
    def is_relay(self) -> bool:
        return self.speed == 0


def plan_channel(
    language: str, jobs: Sequence[Job], limit_ms: int | None = None
) -> list[Placement]:
    """Place each job at its planned time or GAP_MS after the previous one, whichever is
    later, and speak each rendering fast enough to end GAP_MS before the next planned
    start (or `limit_ms`, the channel's end) where SPEED_RANGE allows."""
    placed: list[Placement] = []
    for i, job in enumerate(jobs):
        start = job.planned_ms if not placed else max(job.planned_ms, placed[-1].end_ms + GAP_MS)
        deadline = jobs[i + 1].planned_ms - GAP_MS if i + 1 < len(jobs) else limit_ms
        if job.relay is not None:
            placed.append(Placement(job.floor_index, start, job.relay.scaled(RELAY_GAIN_DB), 0, ""))
            continue
        budget = None if deadline is None else deadline - start
        natural = job.floor_end_ms - job.floor_start_ms
        speech, speed = fit_speech(job.text, language, natural, budget)
        placed.append(Placement(job.floor_index, start, speech, speed, job.text))
    if limit_ms is not None and placed and placed[-1].end_ms > limit_ms:
        raise ValueError(f"channel {language} runs past {limit_ms} ms")
    return placed


def place(out: np.ndarray, speech: Speech, start_ms: int) -> None:
    """Add `speech` to `out` with its onset at `start_ms`."""
    first = ms_to_samples(start_ms) - speech.onset
    if first < 0 or first + len(speech.samples) > len(out):
        raise ValueError(f"speech at {start_ms} ms does not fit in {samples_to_ms(len(out))} ms")
    out[first : first + len(speech.samples)] += speech.samples


def mix(placements: Sequence[Placement], length: int) -> np.ndarray:
    """The channel's audio: silence, and each placement at its start."""
    out = np.zeros(length, dtype=np.float32)
    for p in placements:
        place(out, p.speech, p.start_ms)
    return out


def write_raw(path: Path, samples: np.ndarray) -> Path:
    """Float32 samples as ffmpeg's f32le input: lossless, no header to differ."""
    path.write_bytes(np.asarray(samples, dtype="<f4").tobytes())
    return path


def raw_input(path: Path) -> list[str]:
    return ["-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", str(path)]


BITEXACT = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"]


def ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *args],
        check=True,
    )


def timecode(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


# ------------------------------------------------------------------------ the builder


def _floor() -> tuple[list[FloorSentence], list[tuple[int, int]]]:
    """The floor sentences in recording time, and each session's span of sentences."""
    table = fleurs_table()
    floor: list[FloorSentence] = []
    spans = []
    t = LEAD_MS
    for _, clips in SESSIONS:
        first = len(floor)
        for clip in clips:
            row = table[clip]
            end = t + clip_speech(clip).speech_ms
            translations = {lang: row[lang] for lang in FLORES_COLUMN}
            floor.append(
                FloorSentence(len(floor), row["language"], clip, t, end, row["text"], translations)
            )
            t = end + PAUSE_MS
        spans.append((first, len(floor)))
    return floor, spans


def _jobs(spec: ChannelSpec, floor: Sequence[FloorSentence]) -> list[Job]:
    jobs = []
    for s in floor:
        if s.clip in spec.lags_ms:
            text = s.translations[spec.language]
            jobs.append(Job(s.index, s.start_ms, s.end_ms, text, spec.lags_ms[s.clip]))
        elif s.clip in spec.relays:
            jobs.append(Job(s.index, s.start_ms, s.end_ms, relay=clip_speech(s.clip)))
    return jobs


def _manifest(
    layout: str, sessions: Sequence[tuple[str, int, int]], streams: Mapping[str, int]
) -> str:
    lines = [
        "# Interpreted test event: real FLEURS speech on the floor, interpreter channels",
        "# synthesized by espeak-ng from the FLORES-200 reference translations.",
        "",
        "[event]",
        f'title = "{TITLE}"',
        f'date = "{DATE}"',
        'languages = ["en", "fr", "es"]',
        "",
        "[[recording]]",
        'file = "webinar.mp4"',
        "stream = 0",
    ]
    for spec in CHANNELS:
        lines += ["", "[[recording.interpretation]]", f'language = "{spec.language}"']
        if layout == "streams":
            lines.append(f"stream = {streams[spec.language]}")
        else:
            lines.append(f'file = "webinar-{spec.language}.m4a"')
            if spec.language in FILES_OFFSET_MS:
                lines.append(f'offset = "{timecode(FILES_OFFSET_MS[spec.language])}"')
    for title, start, end in sessions:
        lines += ["", "[[session]]", f'title = "{title}"']
        lines += [f'start = "{timecode(start)}"', f'end = "{timecode(end)}"']
    return "\n".join(lines) + "\n"


def _write_truth(path: Path, event: InterpretedEvent) -> None:
    rows = [
        ["floor", s.language, s.index, s.clip, s.start_ms, s.end_ms, "", "", s.text]
        for s in event.floor
    ]
    rows += [
        ["rendering", r.channel, r.floor_index, event.floor[r.floor_index].clip, r.start_ms]
        + [r.end_ms, r.lag_ms, r.speed, r.text]
        for r in event.renderings
    ]
    rows += [
        ["relay", r.channel, r.floor_index, event.floor[r.floor_index].clip, r.start_ms]
        + [r.end_ms, r.start_ms - event.floor[r.floor_index].start_ms, "", ""]
        for r in event.relays
    ]
    for channel, index in event.silent:
        start, end = event.silent_span(channel, index)
        rows.append(["silent", channel, index, event.floor[index].clip, start, end, "", "", ""])
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t", lineterminator="\n")
        out.writerow(["kind", "channel", "floor_index", "clip", "start_ms", "end_ms"]
                     + ["lag_ms", "speed", "text"])  # fmt: skip
        out.writerows(rows)


def build_interpreted_event(dest: Path, layout: str = "streams") -> InterpretedEvent:
    """Build the interpreted event in `dest` (created): webinar.mp4 with the floor and,
    for "streams", the channels as audio streams 1 and 2; for "files", the channels as
    webinar-<lang>.m4a beside it, es starting 2.5 s into the recording. Deterministic."""
    if layout not in ("streams", "files"):
        raise ValueError(f"layout must be 'streams' or 'files', not {layout!r}")
    require_tools()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    floor, spans = _floor()

    placements = {
        spec.language: plan_channel(spec.language, _jobs(spec, floor)) for spec in CHANNELS
    }
    last = max([floor[-1].end_ms] + [p[-1].end_ms for p in placements.values() if p])
    duration_ms = -(-(last + TAIL_MS) // 200) * 200  # whole frames of the 5 fps video
    length = ms_to_samples(duration_ms)

    floor_audio = np.zeros(length, dtype=np.float32)
    for s in floor:
        place(floor_audio, clip_speech(s.clip), s.start_ms)
    channels = {lang: mix(p, length) for lang, p in placements.items()}

    renderings, relays = [], []
    for lang, placed in placements.items():
        for p in placed:
            floor_start = floor[p.floor_index].start_ms
            if p.is_relay:
                relays.append(Relay(lang, p.floor_index, p.start_ms, p.end_ms))
            else:
                lag = p.start_ms - floor_start
                renderings.append(
                    Rendering(lang, p.floor_index, p.start_ms, p.end_ms, lag, p.text, p.speed)
                )
    silent = tuple(
        (spec.language, s.index)
        for spec in CHANNELS
        for s in floor
        if s.language != spec.language and s.clip not in spec.lags_ms
    )

    (first_title, _), (second_title, _) = SESSIONS
    boundary = (floor[spans[0][1] - 1].end_ms + floor[spans[1][0]].start_ms) // 2
    sessions = ((first_title, 0, boundary), (second_title, boundary, duration_ms))
    streams = {spec.language: i for i, spec in enumerate(CHANNELS, start=1)}

    video = ["-f", "lavfi", "-i", f"color=c=0x1f3a5f:s=160x90:r=5:d={duration_ms / 1000:.3f}"]
    video_out = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage"]
    video_out += ["-pix_fmt", "yuv420p", "-threads", "1", "-flags:v", "+bitexact"]
    audio_out = ["-c:a", "aac", "-ar", str(RATE), "-ac", "1", "-b:a", "64k"]
    floor_tags = ["-metadata:s:a:0", "language=mul", "-metadata:s:a:0", "handler_name=Native"]
    floor_tags += ["-metadata:s:a:0", "title=Native"]
    recording = dest / "webinar.mp4"
    channel_files: dict[str, Path] = {}
    with tempfile.TemporaryDirectory() as tmp:
        floor_raw = write_raw(Path(tmp) / "floor.f32", floor_audio)
        if layout == "streams":
            inputs, maps, tags = [], ["-map", "0:v", "-map", "1:a"], list(floor_tags)
            for spec in CHANNELS:
                k = streams[spec.language]
                inputs += raw_input(
                    write_raw(Path(tmp) / f"{spec.language}.f32", channels[spec.language])
                )
                maps += ["-map", f"{k + 1}:a"]
                tags += [f"-metadata:s:a:{k}", f"language={ISO639_2[spec.language]}"]
                tags += [f"-metadata:s:a:{k}", f"handler_name={CHANNEL_TITLES[k - 1]}"]
                tags += [f"-metadata:s:a:{k}", f"title={CHANNEL_TITLES[k - 1]}"]
                tags += [f"-b:a:{k}", "48k"]
            ffmpeg(*video, *raw_input(floor_raw), *inputs, *maps, *video_out, *audio_out,
                   *tags, *BITEXACT, "-t", f"{duration_ms / 1000:.3f}",
                   "-movflags", "+faststart", str(recording))  # fmt: skip
        else:
            ffmpeg(*video, *raw_input(floor_raw), "-map", "0:v", "-map", "1:a", *video_out,
                   *audio_out, *floor_tags, *BITEXACT, "-t", f"{duration_ms / 1000:.3f}",
                   "-movflags", "+faststart", str(recording))  # fmt: skip
            for spec in CHANNELS:
                offset = ms_to_samples(FILES_OFFSET_MS.get(spec.language, 0))
                raw = write_raw(
                    Path(tmp) / f"{spec.language}.f32", channels[spec.language][offset:]
                )
                path = dest / f"webinar-{spec.language}.m4a"
                ffmpeg(*raw_input(raw), *audio_out, "-b:a", "48k",
                       "-metadata:s:a:0", f"language={ISO639_2[spec.language]}",
                       *BITEXACT, str(path))  # fmt: skip
                channel_files[spec.language] = path

    manifest = dest / "event.toml"
    manifest.write_text(_manifest(layout, sessions, streams), encoding="utf-8")
    event = InterpretedEvent(
        folder=dest,
        manifest=manifest,
        recording=recording,
        channel_files=channel_files,
        layout=layout,
        floor=tuple(floor),
        renderings=tuple(renderings),
        silent=silent,
        relays=tuple(relays),
        sessions=sessions,
        offsets=dict(FILES_OFFSET_MS) if layout == "files" else {},
        duration_ms=duration_ms,
        streams=streams if layout == "streams" else {},
        truth=dest / "truth.tsv",
    )
    _write_truth(dest / "truth.tsv", event)
    return event
