"""Soft-subtitled media: one MP4 and/or MKV per session, one subtitle stream per language,
and one audio stream per interpreter channel beside the floor.

`webconf mux` reads an event's `index.json` (through pipeline.outputs.read, which
checks every value and path in it) and, for each agenda session, cuts the
session's span out of the published recording (`media/<name>`) with ffmpeg-python and
adds each language's `<lang>.srt` (timed from the session start, so it matches the cut)
as its own subtitle stream: `mov_text` in MP4, SubRip in MKV, each tagged with its
ISO 639-2 language (eng, fra, spa) and a title saying what it is ("English (original)",
"French (machine translation, apertium)"); the first one is the default track.
When the recording has interpreter channels, each session's cut of one
(`session.<lang>.m4a`, already in step with the session) follows the floor as an audio
stream of its own, tagged with its language and titled "Español (interpretation)"; the
floor stays the first audio stream and the default one, titled "Floor (original speech)".

How the cut is made, and why:

- Audio is always re-encoded to AAC, cut sample-accurately (decoding is cheap).
- Video is stream-copied only when that cut is exact as well: a keyframe sits at the
  session start (within 1 ms; e.g. a session starting at 0), the frame rate is at least
  10 fps (so the last copied frames overrun the session end by a frame or two) and the
  codec fits the container. Otherwise the video is re-encoded (H.264, yuv420p) at a
  constant rate of at least 10 fps, so it starts on the session's first instant, showing
  the frame that was on screen then, and ends within 0.1 s of the session end. A copy
  starting before the session would need an edit list (MP4 only) or show earlier frames;
  a copy starting at the next keyframe would lose up to a GOP (seconds) of picture.
  Re-encoding a still or slide video is fast; a long full-motion session costs real
  encoding time (x264 `veryfast`).
- Without a published recording, the session's `session.m4a` (already cut) is used
  as is: an audio-only file with the same subtitle streams.
- The floor is the recording's default audio stream among those that are not an
  interpreter channel (index.json's `channels` name those by stream number), so a
  recording whose console numbered an interpreter first still gets its floor first.
- Interpreter audio is taken from `session.<lang>.m4a`, cut by `webconf run` to the
  session's span (silence where a channel file had not started yet); it is encoded
  like the floor (AAC, or copied as it is when the floor is copied from session.m4a).
- An MKV written by ffmpeg starts its timeline at the AAC encoder delay (64 ms at
  16 kHz): Matroska cannot store the negative timestamps of the encoder's priming
  packet, so ffmpeg shifts every stream by the same amount and sync is kept. MP4 hides
  the delay with an edit list.

Each file is written to a temp file in the session folder and renamed into place, and is
skipped when it is newer than every input (recording, subtitle files, index.json).
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import ffmpeg

from pipeline.errors import MediaError, OutputsError
from pipeline.fsio import atomic_path, machine_faults, target_problem
from pipeline.languages import autonym, iso639_2, language_name
from pipeline.media.probe import ffprobe, last_line, require_ffmpeg
from pipeline.outputs.layout import (
    INDEX_FILE,
    MEDIA_DIR,
    SESSION_AUDIO,
    session_file,
    session_media,
)
from pipeline.outputs.read import (
    EventIndex,
    LanguageEntry,
    RecordingEntry,
    SessionEntry,
    read_event,
)

log = logging.getLogger(__name__)

FORMATS = ("mp4", "mkv")

_MUXER = {"mp4": "mp4", "mkv": "matroska"}
_SUBTITLE_CODEC = {"mp4": "mov_text", "mkv": "subrip"}
# Video codecs an MP4 can carry as they are (Matroska carries them all).
_MP4_VIDEO_CODECS = frozenset({"h264", "hevc", "mpeg4", "av1", "vp9"})
MIN_FPS = 10  # below this a copied video would end up to a second after the session
MAX_FPS = 60
_KEYFRAME_TOLERANCE = 0.001  # s: a copied video must start this close to the session start


@dataclass(frozen=True)
class SubtitleTrack:
    language: str  # the pipeline's code: en, fr, es
    path: Path  # <lang>.srt, timed from the session start
    title: str  # "English (original)", "French (machine translation, apertium)"

    @property
    def iso639_2(self) -> str:
        return iso639_2(self.language)


FLOOR_TITLE = "Floor (original speech)"


@dataclass(frozen=True)
class ChannelTrack:
    """An interpreter channel's session audio, carried as an audio stream of its own."""

    language: str
    path: Path  # session.<lang>.m4a: the session's span, in step with the floor

    @property
    def iso639_2(self) -> str:
        return iso639_2(self.language)

    @property
    def title(self) -> str:
        return channel_title(self.language)


def channel_title(language: str) -> str:
    """'Español (interpretation)': the interpreter's audio, named in its own language
    (a player's audio menu is read by the listeners of that language)."""
    return f"{autonym(language)} (interpretation)"


@dataclass(frozen=True)
class SessionMedia:
    """Everything `mux_session` needs about one session, read from index.json."""

    event_dir: Path
    event_title: str
    index: int
    slug: str
    title: str
    speakers: tuple[str, ...]
    start: float  # seconds into the recording
    end: float
    recording: Path | None  # the published recording, None when index.json names none
    tracks: tuple[SubtitleTrack, ...]
    channels: tuple[ChannelTrack, ...] = ()  # interpreter audio, in the event's language order
    # audio streams of the recording that are interpreter channels, not the floor
    channel_streams: frozenset[int] = frozenset()

    @property
    def folder(self) -> Path:
        return self.event_dir / self.slug

    @property
    def duration(self) -> float:
        return self.end - self.start

    def output(self, fmt: str) -> Path:
        return self.folder / session_media(fmt)


# ---------------------------------------------------------------------------- index.json


def read_index(event_dir: Path) -> EventIndex:
    """The event's index.json through the outputs reader; any problem is one MediaError
    line naming the file and the place."""
    try:
        event = read_event(Path(event_dir), strict=True)
    except OutputsError as exc:
        raise MediaError(str(exc)) from None
    assert event is not None  # strict: an unreadable index raises
    return event


def session_slugs(event_dir: Path) -> list[str]:
    """The event's session folders (`NN-slug`), in agenda order."""
    return [session.slug for session in read_index(event_dir).sessions]


def find_session(event_dir: Path, key: str) -> str:
    """The slug of the session named by `key`: its number (2, 02) or its slug."""
    slugs = session_slugs(event_dir)
    wanted = key.strip()
    for slug in slugs:
        number = slug.split("-", 1)[0]
        if wanted == slug or (wanted.isdigit() and number.isdigit() and int(wanted) == int(number)):
            return slug
    raise MediaError(
        f"{Path(event_dir) / INDEX_FILE}: no session {key!r}; sessions are " + ", ".join(slugs)
    )


def _plain_engine(engine: str) -> str:
    """'apertium (en→es→fr)' -> 'apertium en→es→fr', so titles hold one pair of brackets."""
    name = " ".join(engine.replace("(", " ").replace(")", " ").split())
    return "Whisper" if name.lower() == "whisper" else name


_HEADS = {"original": "original", "interpretation": "interpretation"}
_WITH = {
    "original": "original passages",
    "interpretation": "interpreted passages",
    "machine": "machine-translated passages",
}


def track_title(entry: LanguageEntry) -> str:
    """'English (original)', 'French (machine translation, apertium)', 'Spanish
    (interpretation)'; for a track mixing sources, the largest first: 'Spanish (original,
    with machine-translated passages)', 'Spanish (interpretation, with
    machine-translated passages)'. From `shares` when index.json has them, else from
    `original_share` (outputs written before shares were)."""
    name = language_name(entry.language)
    engine = _plain_engine(entry.engine)
    shares = {kind: share for kind, share in entry.shares.items() if kind in _WITH and share > 0}
    if not shares:
        share = entry.original_share
        if share is None:
            share = 1.0 if entry.is_original else 0.0
        shares = {"original": share, "machine": 1 - share}
        shares = {kind: value for kind, value in shares.items() if value > 0}
    if not shares:
        return f"{name} (original)" if entry.is_original else f"{name} (machine translation)"
    parts = sorted(shares, key=lambda kind: (-shares[kind], list(_WITH).index(kind)))
    head, rest = parts[0], parts[1:]
    if not rest:
        if head == "machine":
            return (
                f"{name} (machine translation, {engine})"
                if engine
                else f"{name} (machine translation)"
            )
        return f"{name} ({_HEADS[head]})"
    heading = _HEADS.get(head, "machine translation")
    return f"{name} ({heading}, with {' and '.join(_WITH[kind] for kind in rest)})"


def _channel_streams(recording: RecordingEntry | None) -> frozenset[int]:
    """The recording's own audio streams that carry an interpreter, by number."""
    if recording is None:
        return frozenset()
    return frozenset(c.stream or 0 for c in recording.channels.values() if c.file == recording.name)


def _session_media(event: EventIndex, session: SessionEntry) -> SessionMedia:
    folder = event.folder / session.slug
    order = {code: n for n, code in enumerate(event.languages)}
    entries = sorted(session.languages, key=lambda e: order.get(e.language, len(order)))
    tracks = tuple(
        SubtitleTrack(e.language, folder / session_file(e.language, "srt"), track_title(e))
        for e in entries
    )
    published = event.recordings.get(session.recording)
    media = published.media if published is not None else None
    channels = tuple(
        ChannelTrack(e.language, event.folder / e.interpretation.audio)
        for e in entries
        if e.interpretation is not None and e.interpretation.audio
    )
    return SessionMedia(
        event_dir=event.folder,
        event_title=event.title,
        index=session.index,
        slug=session.slug,
        title=session.title or session.slug,
        speakers=session.speakers,
        start=session.start_ms / 1000,
        end=session.end_ms / 1000,
        recording=event.folder / media if media else None,
        tracks=tracks,
        channels=channels,
        channel_streams=_channel_streams(published),
    )


def load_session(event_dir: Path, session_slug: str) -> SessionMedia:
    event = read_index(Path(event_dir))
    session = event.session(session_slug)
    if session is None:
        raise MediaError(f"{event.index_file}: no session {session_slug!r}")
    return _session_media(event, session)


def session_outputs(event_dir: Path, session_slug: str, formats: Sequence[str] = FORMATS):
    """The files `mux_session` makes for this session (whether or not they exist yet)."""
    _check_formats(formats)
    return [Path(event_dir) / session_slug / session_media(fmt) for fmt in formats]


# ---------------------------------------------------------------------------- probing


def _rate(stream: dict) -> Fraction | None:
    for key in ("avg_frame_rate", "r_frame_rate"):
        try:
            rate = Fraction(str(stream.get(key, "0/0")))
        except (ValueError, ZeroDivisionError):
            continue
        if rate > 0:
            return rate
    return None


@dataclass(frozen=True)
class _Source:
    path: Path
    start_time: float  # the file's own start: ffmpeg's -ss counts from here
    video: dict | None  # ffprobe stream (cover art excluded)
    audio: dict | None
    precut: bool  # session.m4a: already the session, nothing to cut


def _probe(path: Path, precut: bool, channel_streams: frozenset[int] = frozenset()) -> _Source:
    """What `path` holds; its floor is the default audio stream among those that are no
    interpreter channel (`channel_streams`: numbers among the file's audio streams)."""
    info = ffprobe(path)
    streams = info.get("streams", [])
    videos = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    floors = [s for n, s in enumerate(audios) if n not in channel_streams]
    audios = floors or audios
    audios.sort(key=lambda s: not (s.get("disposition") or {}).get("default"))
    if not audios and not videos:
        raise MediaError(f"{path}: has neither audio nor video")
    start = float((info.get("format") or {}).get("start_time") or 0)
    return _Source(
        path, start, videos[0] if videos else None, audios[0] if audios else None, precut
    )


def _keyframe_near(source: _Source, at: float) -> float | None:
    """The keyframe time (file-relative, s) within 1 ms of `at`, if there is one."""
    assert source.video is not None
    absolute = source.start_time + at
    try:
        info = ffmpeg.probe(
            str(source.path),
            select_streams=str(source.video["index"]),
            read_intervals=f"{max(0.0, absolute - 0.1):.6f}%{absolute + 0.1:.6f}",
            show_entries="packet=pts_time,flags",
        )
    except ffmpeg.Error:
        return None
    for packet in info.get("packets", []):
        if "K" not in str(packet.get("flags", "")) or packet.get("pts_time") in (None, "N/A"):
            continue
        relative = float(packet["pts_time"]) - source.start_time
        if abs(relative - at) <= _KEYFRAME_TOLERANCE:
            return relative
    return None


@dataclass(frozen=True)
class VideoPlan:
    mode: str  # "copy", "encode" or "none" (no video: audio only)
    seek: float = 0.0  # where the input is cut: a copied keyframe's own time, else the start
    fps: Fraction | None = None  # the re-encoded video's constant rate
    reason: str = ""


def plan_video(source_path: Path, start: float, fmt: str) -> VideoPlan:
    """How `mux_session` would cut this recording's video for a session starting at `start`."""
    require_ffmpeg()
    return _plan_video(_probe(Path(source_path), precut=False), start, fmt)


def _plan_video(source: _Source, start: float, fmt: str) -> VideoPlan:
    if source.video is None:
        return VideoPlan("none", start, reason="no video stream")
    rate = _rate(source.video)
    fps = min(max(rate or Fraction(25), Fraction(MIN_FPS)), Fraction(MAX_FPS))
    codec = str(source.video.get("codec_name", ""))
    if fmt == "mp4" and codec not in _MP4_VIDEO_CODECS:
        return VideoPlan("encode", start, fps, f"{codec} does not go into MP4 as it is")
    if rate is None or rate < MIN_FPS:
        return VideoPlan("encode", start, fps, f"frame rate {float(rate or 0):.3g} < {MIN_FPS}")
    keyframe = _keyframe_near(source, start)
    if keyframe is None:
        return VideoPlan("encode", start, fps, f"no keyframe at {start:.3f} s")
    # A hair past the keyframe, so that rounding never seeks back to the keyframe before.
    return VideoPlan("copy", keyframe + 1e-6, reason=f"keyframe at {keyframe:.3f} s")


@lru_cache(maxsize=1)
def _video_encoder() -> tuple[str, dict]:
    try:
        found = subprocess.run(
            ["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        found = ""
    if " libx264 " in found:
        return "libx264", {"preset": "veryfast", "crf": 23}
    return "mpeg4", {"q:v": 4}


# ---------------------------------------------------------------------------- muxing


def _check_formats(formats: Iterable[str]) -> None:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; use {FORMATS}")


def _up_to_date(dest: Path, inputs: Sequence[Path]) -> bool:
    try:
        made = dest.stat().st_mtime_ns
    except OSError:
        return False
    return all(made > path.stat().st_mtime_ns for path in inputs)


def _source_file(session: SessionMedia) -> tuple[Path, bool, list[Path]]:
    """(file to cut, whether it is session.m4a, what else decides if outputs are stale).

    When falling back to session.m4a, the folder the recording would be published in is
    watched too: publishing it later makes the audio-only files stale.
    """
    if session.recording is not None and session.recording.is_file():
        return session.recording, False, []
    audio = session.folder / SESSION_AUDIO
    if audio.is_file():
        log.info("%s: no published recording; using %s (audio only)", session.slug, audio)
        media = session.recording.parent if session.recording else session.event_dir / MEDIA_DIR
        watch = media if media.is_dir() else session.event_dir
        return audio, True, [watch]
    wanted = str(session.recording) if session.recording is not None else "no recording"
    raise MediaError(
        f"{session.folder}: neither the recording ({wanted}) nor {SESSION_AUDIO} is there; "
        "run `webconf run` again"
    )


def _refuse_outside(session: SessionMedia, paths: Iterable[Path]) -> None:
    """Media and subtitles are read from inside the event folder only: a symlink
    leading out of it (or into its stage cache) is one MediaError, never followed."""
    for path in paths:
        problem = target_problem(session.event_dir, path)
        if problem:
            raise MediaError(f"{path}: not read ({problem})")


def _audio_bitrate(stream: dict) -> str:
    channels = max(1, int(stream.get("channels") or 1))
    return f"{min(64 * channels, 320)}k"


def _build(session: SessionMedia, source: _Source, fmt: str, tmp: Path):
    """The ffmpeg-python graph writing `session` as `fmt` to `tmp`."""
    streams = []
    args: dict = {"format": _MUXER[fmt], "t": f"{session.duration:.6f}"}
    if source.precut:
        media = ffmpeg.input(str(source.path))
        streams.append(media[f"{source.audio['index']}"])
        args["c:a"] = "copy"
        plan = VideoPlan("none", reason="audio only, from session.m4a")
    else:
        plan = _plan_video(source, session.start, fmt)
        if plan.mode == "encode":
            # Seek to the keyframe before, decode from there; the filters keep the frame
            # on screen at the session start and cut both streams to the exact span.
            media = ffmpeg.input(str(source.path), ss=f"{plan.seek:.6f}", noaccurate_seek=None)
            video = (
                media[f"{source.video['index']}"]
                .filter("fps", fps=str(plan.fps))
                .trim(start=0, duration=f"{session.duration:.6f}")
                .setpts("PTS-STARTPTS")
                .filter("scale", "trunc(iw/2)*2", "trunc(ih/2)*2")
                .filter("format", "yuv420p")
            )
            streams.append(video)
            encoder, options = _video_encoder()
            args.update({"c:v": encoder, "g": int(plan.fps * 10), **options})
            if source.audio is not None:
                audio = (
                    media[f"{source.audio['index']}"]
                    .filter("atrim", start=0, duration=f"{session.duration:.6f}")
                    .filter("asetpts", "PTS-STARTPTS")
                )
                streams.append(audio)
        else:
            media = ffmpeg.input(
                str(source.path), ss=f"{plan.seek:.6f}", t=f"{session.duration:.6f}"
            )
            if plan.mode == "copy":
                streams.append(media[f"{source.video['index']}"])
                args["c:v"] = "copy"
            if source.audio is not None:
                streams.append(media[f"{source.audio['index']}"])
        if source.audio is not None:
            args.update({"c:a": "aac", "b:a": _audio_bitrate(source.audio)})
    log.info("%s %s: video %s (%s)", session.slug, fmt, plan.mode, plan.reason)

    title_key = "handler_name" if fmt == "mp4" else "title"  # MP4 keeps no track title
    floor = len(streams) - 1 if source.audio is not None else None  # its output stream
    for k, channel in enumerate(session.channels, start=0 if floor is None else 1):
        # Cut already (the session's span); -t ends it with the rest.
        args[f"metadata:s:a:{k}"] = f"language={channel.iso639_2}"
        args[f"metadata:s:{len(streams)}"] = f"{title_key}={channel.title}"
        args[f"disposition:a:{k}"] = "default" if k == 0 else "0"
        streams.append(ffmpeg.input(str(channel.path))["a:0"])
    if session.channels and floor is not None:
        args[f"metadata:s:{floor}"] = f"{title_key}={FLOOR_TITLE}"
    if session.channels and "c:a" not in args:  # no floor: the channels alone
        args.update({"c:a": "aac", "b:a": "64k"})

    for track in session.tracks:
        streams.append(ffmpeg.input(str(track.path), f="srt")["0"])
    args["c:s"] = _SUBTITLE_CODEC[fmt]
    first_subtitle = len(streams) - len(session.tracks)
    for i, track in enumerate(session.tracks):
        # Two spellings of the same stream, as a dict holds one value per option.
        args[f"metadata:s:s:{i}"] = f"language={track.iso639_2}"
        args[f"metadata:s:{first_subtitle + i}"] = f"{title_key}={track.title}"
        args[f"disposition:s:{i}"] = "default" if i == 0 else "0"
    if plan.mode != "none":
        args["disposition:v:0"] = "default"
    if source.audio is not None:
        args["disposition:a:0"] = "default"
        language = (source.audio.get("tags") or {}).get("language")
        if language:  # filters drop stream tags; keep the recording's
            args["metadata:s:a:0"] = f"language={language}"
    # Global tags, as session.m4a has them ("g", "g:0" are more spellings of global);
    # none copied from the recording (its brand tags would be wrong in an MKV).
    args["map_metadata"] = "-1"
    args["metadata"] = f"title={session.title}"
    if session.speakers:
        args["metadata:g"] = f"artist={'; '.join(session.speakers)}"
    if session.event_title:
        args["metadata:g:0"] = f"album={session.event_title}"
    if fmt == "mp4":
        args["movflags"] = "+faststart"
    return (
        ffmpeg.output(*streams, str(tmp), **args)
        .global_args("-nostdin", "-hide_banner", "-loglevel", "error")
        .overwrite_output()
    )


def _write(session: SessionMedia, source: _Source, fmt: str, dest: Path) -> None:
    with atomic_path(dest) as tmp:
        graph = _build(session, source, fmt, tmp)
        try:
            graph.run(capture_stdout=True, capture_stderr=True)
        except ffmpeg.Error as exc:
            raise MediaError(f"{dest}: ffmpeg failed: {last_line(exc.stderr)}") from None
        except OSError as exc:
            raise MediaError(f"{dest}: cannot run ffmpeg ({exc})") from None
        if tmp.stat().st_size == 0:
            raise MediaError(f"{dest}: ffmpeg wrote nothing")


@machine_faults("the session folder")
def mux_session(
    outputs_event_dir: Path, session_slug: str, formats: Sequence[str] = FORMATS
) -> list[Path]:
    """Write `NN-slug/session.mp4` and/or `session.mkv`; return the files written.

    A file newer than all its inputs is left alone (and not returned). Missing inputs
    (index.json, a language's .srt, both the recording and session.m4a) and ffmpeg
    failures raise MediaError with a one-line message.
    """
    _check_formats(formats)
    require_ffmpeg()
    session = load_session(Path(outputs_event_dir), session_slug)
    if not session.folder.is_dir():
        raise MediaError(f"{session.folder}: session folder not found")
    missing = [str(t.path) for t in session.tracks if not t.path.is_file()]
    if missing:
        raise MediaError(f"subtitle file not found: {', '.join(missing)}; run `webconf run`")
    if not session.tracks:
        raise MediaError(
            f"{session.event_dir / INDEX_FILE}: session {session.slug} has no languages"
        )
    if session.duration <= 0:
        raise MediaError(f"{session.event_dir / INDEX_FILE}: session {session.slug} is empty")

    absent = [str(c.path) for c in session.channels if not c.path.is_file()]
    if absent:
        raise MediaError(f"interpreter audio not found: {', '.join(absent)}; run `webconf run`")

    path, precut, watched = _source_file(session)
    _refuse_outside(session, [path, *(t.path for t in session.tracks)])
    _refuse_outside(session, [c.path for c in session.channels])
    inputs = [path, *watched, session.event_dir / INDEX_FILE, *(t.path for t in session.tracks)]
    inputs += [c.path for c in session.channels]
    written: list[Path] = []
    source: _Source | None = None
    for fmt in dict.fromkeys(formats):
        dest = session.output(fmt)
        if _up_to_date(dest, inputs):
            log.info("%s is up to date", dest)
            continue
        if source is None:
            source = _probe(path, precut, frozenset() if precut else session.channel_streams)
        _write(session, source, fmt, dest)
        written.append(dest)
    return written


def mux_event(outputs_event_dir: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """`mux_session` for every session of the event; return the files written."""
    written: list[Path] = []
    for slug in session_slugs(Path(outputs_event_dir)):
        written += mux_session(Path(outputs_event_dir), slug, formats)
    return written
