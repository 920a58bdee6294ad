"""`webconf correct` as a library call: the event resolved against its media, the
published cues to tell changed cues from kept ones, then the corrections stage's
intake."""

from __future__ import annotations

from pathlib import Path

from pipeline.agenda.manifest import load_manifest, resolve_against_media
from pipeline.corrections import Taken, find_session, take_correction
from pipeline.errors import OutputsError
from pipeline.media.channels import check_media
from pipeline.outputs.read import read_event, read_transcript
from pipeline.types import Cue, Event


def published_cues(event: Event, out_dir: Path, language: str) -> dict[int, tuple[Cue, ...]]:
    """Per session index, the cues last published in `language` (recording time);
    {} when the event was not run into `out_dir` yet or its outputs cannot be read."""
    folder = Path(out_dir) / event.slug
    if not (folder / "index.json").is_file():
        return {}
    try:
        index = read_event(folder)
    except OutputsError:
        return {}
    out: dict[int, tuple[Cue, ...]] = {}
    for entry in index.sessions:
        transcript = read_transcript(index, entry, language, strict=False)
        if transcript is None:
            continue
        out[entry.index] = tuple(
            Cue(
                start_ms=c.recording_start_ms,
                end_ms=c.recording_end_ms,
                lines=c.lines,
                language=language,
                origin=c.origin,
                speaker=c.speaker,
            )
            for c in transcript.cues
        )
    return out


def correct(
    manifest: Path | str,
    session: str,
    language: str,
    source: Path | str,
    out_dir: Path | str = "outputs",
) -> tuple[tuple[Taken, ...], tuple[str, ...]]:
    """Check `source` and save it as a correction (see `corrections.intake`)."""
    event = load_manifest(manifest)
    media = check_media(event)
    event = resolve_against_media(event, media.durations_ms, media.started)
    chosen = find_session(event, session)
    published = published_cues(event, Path(out_dir), language)
    return take_correction(event, chosen, language, Path(source), published)
