"""Writing one session track in every registered format."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.fsio import atomic_write
from pipeline.outputs.layout import TRANSCRIPT_SCRIPT
from pipeline.types import Event, SessionTrack
from pipeline.writers import html_writer, json_writer, srt_writer, txt, vtt
from pipeline.writers.base import Writer

_ALL = (vtt.WRITER, srt_writer.WRITER, txt.WRITER, json_writer.WRITER, html_writer.WRITER)
WRITERS: dict[str, Writer] = {writer.extension: writer for writer in _ALL}


def write_session_track(
    track: SessionTrack,
    event: Event,
    folder: Path,
    *,
    formats: Iterable[str] | None = None,
    note_low_confidence: bool = False,
    note_reviewed: bool = False,
    audio: str | None = None,
) -> list[Path]:
    """Write `<lang>.<ext>` for each format (all of WRITERS by default) into `folder`.

    Every format is rendered before any file is written, so a rendering bug
    leaves the folder as it was; each file is then replaced atomically.
    `note_low_confidence` / `note_reviewed` add a NOTE before each such cue in
    the VTT. `audio` is the session's audio file beside them (its name), which the
    HTML transcript plays, with `transcript.js` (written beside it too, not returned)
    seeking it; None: no player.
    """
    writers = [WRITERS[ext] for ext in (WRITERS if formats is None else formats)]
    folder = Path(folder)
    options = {
        "note_low_confidence": note_low_confidence,
        "note_reviewed": note_reviewed,
        "audio": audio,
    }
    rendered = [
        (folder / w.filename(track.language), w.render_with(track, event, options)) for w in writers
    ]
    for path, text in rendered:
        atomic_write(path, text)
    if audio and html_writer.WRITER in writers:
        _write_seek_script(folder / TRANSCRIPT_SCRIPT)
    return [path for path, _ in rendered]


def _write_seek_script(path: Path) -> None:
    """The HTML transcripts' script beside them (the same for every language), written
    only when it differs: it is not one of the track's files, so it is not returned."""
    try:
        if path.read_text(encoding="utf-8") == html_writer.SEEK_SCRIPT:
            return
    except (OSError, UnicodeDecodeError):
        pass
    atomic_write(path, html_writer.SEEK_SCRIPT)
