"""The replay page's editor (`webconf serve --edit`) as library calls: read back and
save one session's cues in one language as a person left them (a correction beside
the manifest, never under outputs/), and apply the corrections by running the event
again (the stage cache recomputes only what changed).

The web stage cannot import the run layer, so the CLI hands an `EventEditor` to
`pipeline.web.app.create_app`; the web stage checks the requests, this does the work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.agenda.manifest import load_manifest, resolve_against_media
from pipeline.corrections.intake import SAME_TIME_MS
from pipeline.corrections.store import saved_correction, write_correction, write_voices
from pipeline.errors import OutputsError, SubtitleError
from pipeline.media.channels import check_media
from pipeline.outputs.layout import INDEX_FILE
from pipeline.outputs.read import SessionEntry, made_with
from pipeline.run.correct import published_cues
from pipeline.run.event import RunResult, run_event
from pipeline.run.options import RunOptions
from pipeline.types import Cue, Event, Session


@dataclass(frozen=True)
class EventEditor:
    """One event open for editing: its manifest, the outputs folder it was run into,
    and the options a re-run uses (by default, those the outputs were made with)."""

    manifest: Path
    out_dir: Path
    options: RunOptions
    event_slug: str  # the event's folder under out_dir

    @classmethod
    def open(
        cls, manifest: Path | str, out_dir: Path | str, options: RunOptions | None = None
    ) -> EventEditor:
        """Check the manifest and its media now, and that the event was run into
        `out_dir`; ManifestError, MediaError or OutputsError say what is wrong."""
        manifest = Path(manifest).resolve()
        out_dir = Path(out_dir).resolve()
        if manifest.parent == out_dir or out_dir in manifest.parents:
            raise OutputsError(
                manifest,
                "is inside the outputs folder, so its corrections would be published with "
                "them: keep the manifest outside it",
            )
        event = _resolved(manifest)
        folder = out_dir / event.slug
        if not (folder / INDEX_FILE).is_file():
            raise OutputsError(
                folder,
                f"no outputs of this event here: run `webconf run {manifest.name} --out "
                f"{out_dir}` first",
            )
        if options is None:  # as the outputs were made, so that applying changes no more
            options = RunOptions(show_progress=False).as_made(made_with(folder))
        return cls(manifest=manifest, out_dir=out_dir, options=options, event_slug=event.slug)

    def saved(self, entry: SessionEntry, language: str) -> tuple[Path, tuple[Cue, ...]] | None:
        """The correction saved for this published session and language (its file and
        cues, recording time), or None."""
        event = _resolved(self.manifest)
        correction = saved_correction(event, _session(event, entry), language)
        return None if correction is None else (correction.path, correction.cues)

    def save(
        self, entry: SessionEntry, language: str, cues: Sequence[Cue]
    ) -> tuple[Path, tuple[Cue, ...]]:
        """Save `cues` (recording time, the whole track of the session in `language`)
        as the session's correction; returns the file and the cues as saved.

        A cue marked `reviewed`, or that differs from every published cue, is the
        person's (`reviewed`, origin "person"); the others are kept as published
        (unreviewed, their published origin)."""
        event = _resolved(self.manifest)
        if language not in event.languages:
            raise SubtitleError(
                f"language {language!r} is not one of this event's: {', '.join(event.languages)}"
            )
        session = _session(event, entry)
        published = published_cues(event, self.out_dir, language).get(entry.index, ())
        marked = tuple(_marked(cue, published) for cue in cues)
        return write_correction(event, session, language, marked), marked

    def save_voices(self, names: Mapping[str, str]) -> Path:
        """Save names for voices ("Speaker 2" -> "Jens Wretling"; "" takes a name
        away) beside the manifest, for every session of the event; the next apply
        publishes them. ValueError names a bad entry."""
        return write_voices(_resolved(self.manifest), names)

    def apply(self) -> RunResult:
        """Run the event again into the outputs folder, corrections and all."""
        return run_event(self.manifest, self.out_dir, self.options)


def _resolved(manifest: Path) -> Event:
    event = load_manifest(manifest)
    media = check_media(event)
    return resolve_against_media(event, media.durations_ms, media.started)


def _session(event: Event, entry: SessionEntry) -> Session:
    """The manifest's session that the published one is: same recording, title and
    span. After an agenda edit the outputs are out of date: apply first."""
    for session in event.sessions:
        if (
            session.recording.name == entry.recording
            and session.title == entry.title
            and (session.start_ms, session.end_ms) == (entry.start_ms, entry.end_ms)
        ):
            return session
    raise SubtitleError(
        f"session {entry.index} ({entry.title!r}) is no longer in the manifest as it was "
        "published (the agenda changed): apply (run the event again) before editing it"
    )


def _marked(cue: Cue, published: Sequence[Cue]) -> Cue:
    if not cue.reviewed:
        for p in published:
            if (
                abs(p.start_ms - cue.start_ms) <= SAME_TIME_MS
                and abs(p.end_ms - cue.end_ms) <= SAME_TIME_MS
                and " ".join(p.text.split()) == " ".join(cue.text.split())
            ):
                return replace(cue, reviewed=False, origin=p.origin)
    return replace(cue, reviewed=True, origin="person")
