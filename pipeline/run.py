"""The batch loop: manifest in, per-session subtitles and transcripts out.

Stages run recording by recording, each result cached under a content hash in
`<event>/.cache/`, so an interrupted run resumes without redoing finished work.
The Whisper model is loaded once, and only if some stage actually needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.context import RunContext, RunOptions
from pipeline.errors import TranslationError
from pipeline.manifest import load_manifest, resolve_against_media
from pipeline.media import probe
from pipeline.publish import publish_recording, session_audio
from pipeline.recognition import Recogniser, vocabulary_prompt
from pipeline.translate import MT_MODES
from pipeline.types import Cue, Event, SessionTrack
from pipeline.versions import Translator, session_tracks
from pipeline.writers import (
    IndexEntry,
    chapters_filename,
    write_chapters,
    write_event_index,
    write_recording_track,
    write_session_track,
)
from pipeline.writers.index import MEDIA_DIR


@dataclass(frozen=True)
class RunResult:
    event: Event
    event_dir: Path
    tracks: tuple[SessionTrack, ...]
    files: tuple[Path, ...]
    cache_hits: int
    cache_misses: int


def run_event(
    manifest: Path | str, out_dir: Path | str = "outputs", options: RunOptions | None = None
) -> RunResult:
    """Run the whole pipeline for one event manifest; returns what was written."""
    options = options or RunOptions()
    if options.mt not in MT_MODES:
        raise TranslationError(
            f"unknown --mt {options.mt!r}, expected one of: {', '.join(MT_MODES)}"
        )
    event = load_manifest(manifest)
    durations = {r.file: probe(r.file).duration_ms for r in event.recordings}
    event = resolve_against_media(event, durations)
    event_dir = Path(out_dir) / event.slug
    ctx = RunContext(event, event_dir, options)
    recogniser = Recogniser(ctx)
    translator = Translator(ctx, recogniser.whisper_english)

    tracks: list[SessionTrack] = []
    entries: list[IndexEntry] = []
    written: list[Path] = []
    recording_cues: dict[tuple[Path, str], list] = {}
    for recording in event.recordings:
        sessions = [s for s in event.sessions if s.recording == recording.file]
        if not sessions:
            continue
        per_session = recogniser.transcribe_recording(recording, sessions)
        with ctx.bar(len(sessions) * len(event.languages), "translate and write") as bar:
            for session in sessions:
                folder = event_dir / session.slug
                audio = None
                if options.export_audio:
                    audio = session_audio(ctx, recording, session, folder)
                    written.append(audio)
                for track in session_tracks(ctx, translator, recording, session, per_session):
                    paths = write_session_track(
                        track, event, folder, note_low_confidence=options.note_low_confidence
                    )
                    written += paths
                    tracks.append(track)
                    entries.append(IndexEntry.from_written(track, paths, event_dir, audio=audio))
                    recording_cues.setdefault((recording.file, track.language), []).extend(
                        track.cues
                    )
                    bar.update(1)

    written += write_event_files(event, event_dir, entries, recording_cues)
    return RunResult(
        event=event,
        event_dir=event_dir,
        tracks=tuple(tracks),
        files=tuple(written),
        cache_hits=ctx.cache.hits,
        cache_misses=ctx.cache.misses,
    )


def write_event_files(
    event: Event,
    event_dir: Path,
    entries: Sequence[IndexEntry],
    recording_cues: Mapping[tuple[Path, str], Sequence[Cue]],
) -> list[Path]:
    """What an event has beyond its sessions: per recording, a track per language in
    recording time, the published media and the chapters; then the index."""
    written: list[Path] = []
    recording_tracks: dict[str, dict[str, str]] = {}
    for (file, language), cues in recording_cues.items():
        path = event_dir / f"{file.stem}.{language}.vtt"
        write_recording_track(
            sorted(cues, key=lambda c: c.start_ms),
            language,
            path,
            title=event.title,
            note=f"Full recording {file.name}, recording time",
        )
        recording_tracks.setdefault(file.name, {})[language] = path.name
        written.append(path)
    for recording in event.recordings:
        if any(s.recording == recording.file for s in event.sessions):
            written.append(publish_recording(recording.file, event_dir / MEDIA_DIR))
            path = event_dir / chapters_filename(recording.file)
            written.append(write_chapters(event, recording.file, path))
    return written + write_event_index(event, entries, event_dir, recording_tracks)


__all__ = ["RunOptions", "RunResult", "run_event", "vocabulary_prompt", "write_event_files"]
