"""One event, stage by stage: manifest in, per-session subtitles and transcripts out.

agenda -> media -> transcribe -> sentences -> corrections -> translate -> cues ->
writers. Stage results are cached under content hashes in `<event>/.cache/`, so an
interrupted run resumes without redoing finished work; the Whisper model is loaded
once, and only if some stage actually needs it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.agenda.check import BoundaryCheck, aligned, check_boundaries, suggest_boundaries
from pipeline.agenda.manifest import load_manifest, resolve_against_media
from pipeline.cache import StageCache
from pipeline.corrections import (
    SessionCorrections,
    corrections_dir,
    match_corrections,
    saved_voices,
)
from pipeline.corrections.store import voices_path
from pipeline.cues.build import cue_track
from pipeline.errors import ManifestError, ModelMissingError, OutputsError, TranslationError
from pipeline.fsio import machine_faults, remove_stale_temps, sha256_file
from pipeline.languages import language_name
from pipeline.media.channels import MediaCheck, check_media
from pipeline.media.export import publish_recording, session_audio
from pipeline.models.locate import DEFAULT_WHISPER_MODEL, models_dir, whisper_model
from pipeline.outputs.layout import (
    CACHE_DIR,
    MEDIA_DIR,
    SESSION_AUDIO,
    channel_audio,
    chapters_file,
    recording_track,
    superseded_sessions,
)
from pipeline.outputs.read import made_with, recording_names
from pipeline.run.options import RunOptions
from pipeline.run.progress import Note, StageClock, progress_bar
from pipeline.speakers import Turn, label_words, speaker_names, voice_problems
from pipeline.speakers.encoder import (
    SpeakerEncoder,
    SpeakerModelInfo,
    loaded_encoder,
    speaker_model,
)
from pipeline.speakers.overlap import SegmentationModelInfo, segmentation_model
from pipeline.speakers.recording import EventVoices, recording_voices
from pipeline.transcribe.channels import transcribe_channel, with_channels
from pipeline.transcribe.english_only import refuse_other_speech, undeclared
from pipeline.transcribe.recording import (
    AudioSource,
    Samples,
    SpeechRequest,
    transcribe_recording,
)
from pipeline.transcribe.whisper import Recogniser
from pipeline.translate.engines import MT_MODES, Engines
from pipeline.translate.glossary import event_glossary
from pipeline.translate.interpretation import median_lag
from pipeline.translate.tracks import INTERPRETATION_MODES, language_tracks
from pipeline.types import (
    Cue,
    Event,
    Interpretation,
    Recording,
    Segment,
    Session,
    SessionTrack,
    SessionTranscript,
)
from pipeline.writers import (
    IndexEntry,
    write_chapters,
    write_event_index,
    write_recording_track,
    write_session_track,
)


@dataclass(frozen=True)
class ChannelReport:
    """What one interpreter channel gave the run."""

    recording: Path
    channel: Interpretation
    lag_ms: int | None  # median over its interpreted sentences; None: it rendered nothing
    interpreted: int  # sentences of its language's tracks taken from the interpreter
    machine: int  # sentences of its language's tracks left to machine translation


@dataclass(frozen=True)
class RunResult:
    event: Event
    event_dir: Path
    tracks: tuple[SessionTrack, ...]
    files: tuple[Path, ...]
    cache_hits: int
    cache_misses: int
    warnings: tuple[str, ...] = ()  # one line each, for the organiser
    channels: tuple[ChannelReport, ...] = ()
    timings: tuple[tuple[str, float], ...] = ()  # (stage, wall seconds), in run order
    cache_by_stage: tuple[tuple[str, int, int], ...] = ()  # (stage, read back, computed)
    corrections_applied: int = 0  # a person's tracks applied (session x language)
    boundaries: tuple[BoundaryCheck, ...] = ()  # each agenda boundary against the speech
    suggested: tuple[tuple[Path, int], ...] = ()  # without an agenda: (recording, ms)


@dataclass(frozen=True)
class _Services:
    """What the stages of one run use beside their records: loaded once, read-only."""

    event: Event
    event_dir: Path
    options: RunOptions
    cache: StageCache
    recogniser: Recogniser
    engines: Engines
    digests: dict[Path, str]  # content hash of every media file read, hashed once
    corrections: SessionCorrections  # a person's cues, on their sessions
    clock: StageClock  # wall time per stage, and a line per finished one
    voices: EventVoices = field(default_factory=EventVoices)  # one numbering per event

    @functools.cached_property
    def speaker_model(self) -> SpeakerModelInfo:
        return speaker_model(models_dir())

    @functools.cached_property
    def segmentation_model(self) -> SegmentationModelInfo:
        return segmentation_model(models_dir())

    @functools.cached_property
    def speaker_encoder(self) -> SpeakerEncoder:
        return loaded_encoder(self.speaker_model)

    def digest(self, path: Path) -> str:
        if path not in self.digests:
            self.digests[path] = sha256_file(path)
        return self.digests[path]


def run_event(
    manifest: Path | str,
    out_dir: Path | str = "outputs",
    options: RunOptions | None = None,
    warn: Callable[[str], None] | None = None,
    note: Note | None = None,
) -> RunResult:
    """Run the whole pipeline for one event manifest; returns what was written.

    `warn` hears each warning (one line) as soon as it is found, before the long work;
    the result lists them all again. `note` hears one plain line per finished stage
    (for logs). A disk that fills up or turns read-only mid-run is one OutputsError
    line; what was finished is kept for the next run."""
    with machine_faults(out_dir), same_numbers():
        return _run_event(manifest, out_dir, options, warn, StageClock(note))


def same_numbers():
    """One BLAS thread for the run (numpy's matrix products: Whisper's mel features
    among them). With the machine's default, a run under OPENBLAS_NUM_THREADS=1 or
    OMP_NUM_THREADS=1 (which Dask sets in its workers) transcribed other words
    ("25-30" / "25 to 30 years"): the sums' order changes the last bits. With one
    thread the outputs are the same bytes whatever the machine or its environment."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def prepare_recording(
    manifest: Path | str,
    out_dir: Path | str,
    options: RunOptions | None,
    index: int,
) -> None:
    """The heavy work of one recording of an event (decode, VAD, transcription, speaker
    turns, interpreter channels), into the event's stage cache, exactly as `run_event`
    asks for it: a cluster runs an event's recordings side by side this way, then
    `run_event` reads their work back."""
    with _beside_others(manifest, out_dir, options) as (run, renamed):
        recording = run.event.recordings[index]
        sessions = [s for s in run.event.sessions if s.recording == recording.file]
        if sessions:
            _hear(run, recording, sessions, renamed)


@contextmanager
def _beside_others(
    manifest: Path | str, out_dir: Path | str, options: RunOptions | None
) -> Iterator[tuple[_Services, tuple[tuple[str, str], ...]]]:
    """A part of an event's run, beside the other parts of the same event: the same
    checks and numbers as `run_event`, nothing cleared, and the organiser's voice
    names read once."""
    with machine_faults(out_dir), same_numbers():
        options = options or RunOptions()
        run, _ = _open(manifest, out_dir, options, None, StageClock(None), fresh=False)
        yield run, (saved_voices(run.event) if options.speakers else ())


def _open(
    manifest: Path | str,
    out_dir: Path | str,
    options: RunOptions,
    warn: Callable[[str], None] | None,
    clock: StageClock,
    fresh: bool = True,
) -> tuple[_Services, MediaCheck]:
    """The checks before any model work, and the services of the run. `fresh`: a run
    of the whole event, alone on its folder, which clears what an interrupted run
    left half-written (not a recording's task, beside others of the same event)."""
    if options.mt not in MT_MODES:
        raise TranslationError(
            f"unknown --mt {options.mt!r}, expected one of: {', '.join(MT_MODES)}"
        )
    if options.interpretation not in INTERPRETATION_MODES:
        raise TranslationError(
            f"unknown --interpretation {options.interpretation!r}, expected one of: "
            + ", ".join(INTERPRETATION_MODES)
        )
    with clock.stage("check", "manifest, media and outputs"):
        event = load_manifest(manifest)
        corrections = corrections_dir(event)  # a file there would hide every correction
        if corrections.exists() and not corrections.is_dir():
            raise ManifestError(f"{corrections}: is a file, not the folder of corrections")
        event_dir = Path(out_dir) / event.slug
        writable_outputs(event_dir, use_cache=options.use_cache)
        one_event_per_folder(event, event_dir)
        if fresh:
            remove_stale_temps(event_dir)
        media = check_media(event)
        for warning in media.warnings if warn is not None else ():
            warn(warning)
        event = resolve_against_media(event, media.durations_ms, media.started)
        for note in event.notes if warn is not None else ():
            warn(note)
    run = _Services(
        event=event,
        event_dir=event_dir,
        options=options,
        cache=StageCache(event_dir / CACHE_DIR if options.use_cache else None),
        recogniser=Recogniser(whisper_model(options.model), options.transcribe),
        engines=Engines(options.mt, models_dir()),
        digests={},
        corrections=match_corrections(event),
        clock=clock,
    )
    if not run.recogniser.multilingual:
        _english_only(event, options.model, channels=options.interpretation == "prefer")
        _heard_english(run)
    return run, media


def _run_event(
    manifest: Path | str,
    out_dir: Path | str,
    options: RunOptions | None,
    warn: Callable[[str], None] | None,
    clock: StageClock,
) -> RunResult:
    options = options or RunOptions()
    run, media = _open(manifest, out_dir, options, warn, clock)
    event, event_dir = run.event, run.event_dir
    for problem in run.corrections.problems if warn is not None else ():
        warn(problem)
    tracks: list[SessionTrack] = []
    boundaries: tuple[BoundaryCheck, ...] = ()
    suggested: tuple[tuple[Path, int], ...] = ()
    moved: dict[int, Session] = {}  # sessions whose boundaries --align-agenda moved
    entries: list[IndexEntry] = []
    written: list[Path] = []
    voices: dict[int, str] = {}  # every voice heard in the event: number -> name
    renamed: tuple[tuple[str, str], ...] = ()  # names a person gave in the editor
    if options.speakers:
        renamed = saved_voices(event)  # a damaged file: one line now, not after the work
        run.speaker_model  # noqa: B018 (installed? one line now, not after transcribing)
        run.segmentation_model  # noqa: B018
    for recording in event.recordings:
        sessions = [s for s in event.sessions if s.recording == recording.file]
        if not sessions:
            continue
        heard = _hear(run, recording, sessions, renamed)
        transcripts = heard.transcripts
        boundaries += heard.checks
        suggested += heard.suggested
        voices.update(heard.names)
        if heard.moved:
            moved.update((s.index, s) for s in heard.sessions)
        source = AudioSource(recording, run.digest(recording.file))
        what = f"{recording.file.name}: {len(sessions)} sessions x {len(event.languages)} languages"
        with (
            clock.stage("translate and write", what),
            _bar(run, len(sessions) * len(event.languages), "translate and write") as bar,
            ThreadPoolExecutor(max_workers=2, thread_name_prefix="cut") as cutter,
        ):
            cuts = _cutting(run, source, transcripts, cutter)
            for transcript in transcripts:
                done = _session(run, source, transcript)
                audio, heard = None, {}
                if cuts:
                    audio, heard = cuts[transcript.session.index].result()
                    written += [audio, *heard.values()]
                for track, paths in done:
                    written += paths
                    tracks.append(track)
                    channel = _channel_in(run, recording, track.language)
                    entries.append(
                        IndexEntry.from_written(
                            track,
                            paths,
                            event_dir,
                            audio=audio,
                            channel=channel,
                            channel_audio=heard.get(channel) if channel else None,
                        )
                    )
                    bar.advance()
    speaker_problems = (
        voice_problems(event.sessions, voices, renamed, str(voices_path(event)))
        if options.speakers
        else ()
    )
    for problem in speaker_problems if warn is not None else ():
        warn(problem)
    reports = channel_reports(event, tracks) if options.interpretation == "prefer" else ()
    lags = {(r.recording.name, r.channel.language): r.lag_ms for r in reports}
    with clock.stage("event files", "index, chapters, full-recording tracks"):
        written += write_event_files(
            event,
            event_dir,
            entries,
            _recording_cues(tracks),
            lags,
            {**options.made_with(), "manifest": manifest_id(event)},
            boundaries,
            voices,
        )
    warnings = media.warnings + event.notes + run.corrections.problems + speaker_problems
    warnings += tuple(_remove_superseded(event, event_dir, warn))
    if moved:
        event = replace(event, sessions=tuple(moved.get(s.index, s) for s in event.sessions))
    return RunResult(
        event=event,
        event_dir=event_dir,
        tracks=tuple(tracks),
        files=tuple(written),
        cache_hits=run.cache.hits,
        cache_misses=run.cache.misses,
        warnings=warnings,
        channels=reports,
        timings=clock.table(),
        cache_by_stage=tuple((k, v[0], v[1]) for k, v in run.cache.by_stage.items()),
        corrections_applied=sum(len(run.corrections.of(s)) for s in event.sessions),
        boundaries=boundaries,
        suggested=suggested,
    )


@dataclass(frozen=True)
class _Heard:
    """What one recording said: its sessions' transcripts (speakers named, interpreter
    channels in), and what the speech says about the agenda."""

    sessions: tuple[Session, ...]  # moved where the speech says, with --align-agenda
    transcripts: tuple[SessionTranscript, ...]
    checks: tuple[BoundaryCheck, ...]
    suggested: tuple[tuple[Path, int], ...]
    names: dict[int, str]  # voice number -> name
    moved: bool


def _hear(
    run: _Services,
    recording: Recording,
    sessions: Sequence[Session],
    renamed: tuple[tuple[str, str], ...],
) -> _Heard:
    options, clock = run.options, run.clock
    source = AudioSource(recording, run.digest(recording.file))
    samples = Samples(recording)  # decoded once, for transcription and speakers
    with clock.stage("transcribe", recording.file.name):
        transcripts = _transcribe(run, source, sessions, samples)
    said = [s for t in transcripts for s in t.segments]
    turns: tuple[Turn, ...] = ()
    overlaps: tuple[tuple[int, int], ...] = ()
    if options.speakers:  # who speaks when: also evidence for the agenda's boundaries
        with clock.stage("speakers", recording.file.name):
            turns, overlaps = _turns(run, source, sessions, samples)
    voiced = [(t.start_ms, t.end_ms, t.speaker) for t in turns]
    checks = check_boundaries(sessions, said, voiced)
    moved = options.align_agenda and any(c.moved for c in checks)
    if moved:
        sessions = aligned(sessions, [c.move for c in checks])
        checks = tuple(replace(c, applied=c.moved) for c in checks)
        with clock.stage("transcribe", f"{recording.file.name}, agenda aligned"):
            transcripts = _transcribe(run, source, sessions, samples)
    suggested: tuple[tuple[Path, int], ...] = ()
    if len(sessions) == 1:  # no agenda to check: where might sessions change?
        suggested = tuple((recording.file, t) for t in suggest_boundaries(sessions[0], said))
    names: dict[int, str] = {}
    if options.speakers:
        names = speaker_names(turns, sessions, named_in=run.event.sessions, renamed=renamed)
        transcripts = tuple(
            replace(t, segments=label_words(t.segments, turns, names, overlaps))
            for t in transcripts
        )
    del samples  # the interpreter channels and the writers need the floor no more
    if options.interpretation == "prefer" and recording.interpretations:
        with clock.stage("interpretation", f"channels of {recording.file.name}"):
            transcripts = with_channels(transcripts, _channels(run, source, transcripts))
    return _Heard(tuple(sessions), tuple(transcripts), tuple(checks), suggested, names, moved)


def manifest_id(event: Event) -> str:
    """Which manifest made an event folder, without saying where it is kept: a hash of
    its resolved path (index.json `made_with.manifest`)."""
    where = str(event.manifest_path.resolve()) if event.manifest_path else ""
    return hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def one_event_per_folder(event: Event, event_dir: Path) -> None:
    """Two events with one title and date would publish into one folder, the second
    over the first: refuse, before any work, an event folder made from another manifest
    with none of this event's recordings (the same event, moved or with a recording
    renamed, still runs)."""
    made = made_with(event_dir)
    if "manifest" not in made or made["manifest"] == manifest_id(event):
        return
    theirs = set(recording_names(event_dir))
    if theirs & {r.file.name for r in event.recordings}:
        return
    raise OutputsError(
        event_dir,
        "holds another event of the same title and date (made from another manifest, "
        "with other recordings): give this one another title or date, or another --out",
    )


MIN_FREE_BYTES = 200 * 1024 * 1024  # an event's outputs and cache, with room to spare


def writable_outputs(event_dir: Path, use_cache: bool = True) -> None:
    """Fail in one line now, not after the model work, when the outputs cannot be
    written: `--out` or a folder in it is a file, no write permission, no room."""
    for folder in (event_dir.parent, event_dir, event_dir / CACHE_DIR if use_cache else None):
        if folder is not None and folder.exists() and not folder.is_dir():
            raise OutputsError(folder, "is a file, not a folder: choose another --out")
    existing = event_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent  # nothing is created before the run has checked its input
    if not existing.is_dir():  # `--out file/sub`: a file where a folder would be made
        raise OutputsError(existing, "is a file, not a folder: choose another --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputsError(existing, "cannot write the outputs here (no permission, or read-only)")
    free = shutil.disk_usage(existing).free
    if free < MIN_FREE_BYTES:
        raise OutputsError(
            event_dir, f"only {free // 2**20} MB free; the outputs need about 200 MB"
        )


def _english_only(event: Event, model: str, channels: bool) -> None:
    """An English-only model would write English over other speech (a stock phrase
    as the "French original"): refuse speech declared in another language up front."""
    where = event.manifest_path or "manifest"
    for recording in event.recordings:
        for session in (s for s in event.sessions if s.recording == recording.file):
            declared = session.language or recording.language
            if declared and declared != "en":
                raise ModelMissingError(
                    f"{where}: session {session.index} ({session.title!r}) is declared "
                    f"{language_name(declared)}, but --model {model} knows only English; "
                    "use a multilingual model (--model base)"
                )
        for channel in recording.interpretations if channels else ():
            if channel.language != "en":
                raise ModelMissingError(
                    f"{where}: the {language_name(channel.language)} interpreter channel "
                    f"({channel.label}) needs a multilingual model, not --model {model} "
                    "(--interpretation ignore leaves it aside)"
                )


def _remove_superseded(
    event: Event, event_dir: Path, warn: Callable[[str], None] | None
) -> list[str]:
    """Once the new index is written, the session folders of an earlier agenda go (a
    retitled session's old folder would still be published beside the new one); one
    holding files the pipeline does not write is left, with a warning. A folder is
    renamed hidden first, so it is never seen half-removed."""
    for left in event_dir.glob(".*.removed"):  # a removal a killed run did not finish
        shutil.rmtree(left, ignore_errors=True)
    ours, foreign = superseded_sessions(event_dir, {s.slug for s in event.sessions})
    for folder in ours:
        gone = folder.with_name(f".{folder.name}.removed")
        shutil.rmtree(gone, ignore_errors=True)
        folder.rename(gone)
        shutil.rmtree(gone)
    lines = [
        f"{folder}: a session folder of an earlier agenda, left in place: it holds files "
        "the pipeline does not write"
        for folder in foreign
    ]
    for line in lines if warn is not None else ():
        warn(line)
    return lines


def _heard_english(run: _Services) -> None:
    """Sessions left undeclared must sound English to an English-only model: heard by
    the multilingual model when it is installed, before any decoding."""
    by_recording = [
        (recording, [s for s in run.event.sessions if s.recording == recording.file])
        for recording in run.event.recordings
    ]
    if not any(undeclared(sessions, recording) for recording, sessions in by_recording):
        return
    try:
        detector = Recogniser(whisper_model(DEFAULT_WHISPER_MODEL), run.options.transcribe)
    except ModelMissingError:
        return  # nothing to hear them with: the declared languages were checked
    with run.clock.stage("language check", "of undeclared sessions (English-only model)"):
        for recording, sessions in by_recording:
            source = AudioSource(recording, run.digest(recording.file))
            refuse_other_speech(
                source, sessions, run.options.transcribe, run.cache, detector, run.options.model
            )


def channel_reports(event: Event, tracks: Sequence[SessionTrack]) -> tuple[ChannelReport, ...]:
    """Per interpreter channel: its median lag and how much of the floor it rendered."""
    out = []
    for recording in event.recordings:
        for channel in recording.interpretations:
            mine = [
                t
                for t in tracks
                if t.session.recording == recording.file and t.language == channel.language
            ]
            sentences = [s for t in mine for s in t.sentences]
            interpreted = [s for s in sentences if s.origin == "interpretation"]
            machine = [s for s in sentences if s.origin == "machine"]
            out.append(
                ChannelReport(
                    recording=recording.file,
                    channel=channel,
                    lag_ms=median_lag(interpreted),
                    interpreted=len(interpreted),
                    machine=len(machine),
                )
            )
    return tuple(out)


def _bar(run: _Services, total: int, desc: str, audio: bool = False):
    return progress_bar(total, desc, enabled=run.options.show_progress, audio=audio)


def _transcribe(
    run: _Services, source: AudioSource, sessions: Sequence[Session], samples: Samples
) -> tuple[SessionTranscript, ...]:
    request = SpeechRequest(
        languages=run.event.languages,
        glossary=run.event.glossary,
        speech_translation=run.engines.speech_translation,
    )
    with _bar(run, 0, f"transcribe {source.recording.file.name}", audio=True) as bar:
        progress = bar.done_of  # milliseconds of speech decoded, of all

        return transcribe_recording(
            source,
            sessions,
            run.options.transcribe,
            run.cache,
            run.recogniser,
            request,
            progress,
            samples,
        )


def _turns(
    run: _Services, source: AudioSource, sessions: Sequence[Session], samples: Samples
) -> tuple[tuple[Turn, ...], tuple[tuple[int, int], ...]]:
    """The recording's speaker turns, numbered across the event, and where two people
    speak at once."""
    voices = recording_voices(
        source,
        run.options.transcribe,
        run.cache,
        run.speaker_model,
        lambda: run.speaker_encoder,
        max_speakers=_most_speakers(sessions),
        samples=samples,
        segmentation=run.segmentation_model,
    )
    return run.voices.numbered(voices), voices.overlaps


def _most_speakers(sessions: Sequence[Session]) -> int | None:
    """The agenda's bound on the voices of a recording: the people its sessions list,
    and one more (a moderator, the audience); None unless every session lists its
    speakers (a session that lists nobody may hear anyone)."""
    if not sessions or not all(s.speakers for s in sessions):
        return None
    return len({name for s in sessions for name in s.speakers}) + 1


def _channels(
    run: _Services, floor: AudioSource, transcripts: Sequence[SessionTranscript]
) -> list[tuple[Interpretation, tuple[Segment, ...]]]:
    """Each interpreter channel of the recording, transcribed in its language."""
    sessions = [t.session for t in transcripts]
    said = tuple(s for t in transcripts for s in t.segments)
    heard = []
    for channel in floor.recording.interpretations:
        digest = run.digest(channel.file)
        with _bar(run, 0, f"transcribe {channel.language} interpretation", audio=True) as bar:
            segments = transcribe_channel(
                channel,
                digest,
                sessions,
                run.options.transcribe,
                run.cache,
                run.recogniser,
                run.event.glossary,
                bar.done_of,
                floor=said,
            )
        heard.append((channel, segments))
    return heard


def _channel_in(run: _Services, recording: Recording, language: str) -> Interpretation | None:
    if run.options.interpretation != "prefer":
        return None
    return recording.channel(language)


def _cutting(
    run: _Services,
    source: AudioSource,
    transcripts: Sequence[SessionTranscript],
    cutter: ThreadPoolExecutor,
) -> dict[int, Future[tuple[Path, dict[Interpretation, Path]]]]:
    """Each session's audio cuts, started in the background (ffmpeg, while the texts
    are translated and written): a re-run after a boundary moved by 3 s took 1.2 s
    with them one after the other (their six ffmpeg calls 0.4 s of it)."""
    if not run.options.export_audio:
        return {}
    for transcript in transcripts:  # hashed here, not in two threads at once
        for listened in transcript.channels:
            run.digest(listened.channel.file)
    return {t.session.index: cutter.submit(_cut, run, source, t) for t in transcripts}


def _cut(
    run: _Services, source: AudioSource, transcript: SessionTranscript
) -> tuple[Path, dict[Interpretation, Path]]:
    """The session's audio and each interpreter channel's audio, cut to the session."""
    session = transcript.session
    folder = run.event_dir / session.slug
    audio = session_audio(
        source.recording, source.digest, session, run.event.title, folder / SESSION_AUDIO,
        run.cache,
    )  # fmt: skip
    heard: dict[Interpretation, Path] = {}
    for listened in transcript.channels:
        channel = listened.channel
        heard[channel] = session_audio(
            channel.audio(),
            run.digest(channel.file),
            session,
            run.event.title,
            folder / channel_audio(channel.language),
            run.cache,
            channel.offset_ms,
        )
    return audio, heard


def _session(
    run: _Services, source: AudioSource, transcript: SessionTranscript
) -> list[tuple[SessionTrack, list[Path]]]:
    """Translate and write one session: (track, files) per language."""
    done = []
    for track in _tracks(run, source, transcript, run.event.languages):
        paths = write_session_track(
            track,
            run.event,
            run.event_dir / transcript.session.slug,
            note_low_confidence=run.options.note_low_confidence,
            audio=SESSION_AUDIO if run.options.export_audio else None,
        )
        done.append((track, paths))
    return done


def _tracks(
    run: _Services,
    source: AudioSource,
    transcript: SessionTranscript,
    languages: Sequence[str],
) -> list[SessionTrack]:
    """One session's tracks in `languages`, translated and cut into cues."""
    session = transcript.session
    corrections = run.corrections.of(session)
    texts = language_tracks(
        transcript,
        languages,
        run.engines,
        run.cache,
        corrections=corrections,
        glossary=event_glossary(run.event),
        declared_language=_declared_language(session, source.recording),
        interpretation=run.options.interpretation,
    )
    return [
        cue_track(text, run.options.profile, corrections.get(text.language, ()), run.cache)
        for text in texts
    ]


def prepare_track(
    manifest: Path | str,
    out_dir: Path | str,
    options: RunOptions | None,
    session: int,
    language: str,
) -> None:
    """One session's track in one language (translation, cues) into the event's stage
    cache, as `run_event` asks for it, once the recordings' work is cached: a cluster
    translates sessions and languages side by side this way. The recordings before
    the session's are heard again (read back) so that voices are numbered as the
    event numbers them."""
    with _beside_others(manifest, out_dir, options) as (run, renamed):
        for recording in run.event.recordings:
            sessions = [s for s in run.event.sessions if s.recording == recording.file]
            if not sessions:
                continue
            heard = _hear(run, recording, sessions, renamed)
            for transcript in heard.transcripts:
                if transcript.session.index == session:
                    source = AudioSource(recording, run.digest(recording.file))
                    _tracks(run, source, transcript, (language,))
                    return


def _declared_language(session: Session, recording: Recording) -> str:
    return session.language or recording.language or "en"


def _recording_cues(tracks: Sequence[SessionTrack]) -> dict[tuple[Path, str], list[Cue]]:
    out: dict[tuple[Path, str], list[Cue]] = {}
    for track in tracks:
        out.setdefault((track.session.recording, track.language), []).extend(track.cues)
    return out


def write_event_files(
    event: Event,
    event_dir: Path,
    entries: Sequence[IndexEntry],
    recording_cues: Mapping[tuple[Path, str], Sequence[Cue]],
    lags: Mapping[tuple[str, str], int | None] | None = None,
    made_with: Mapping[str, Any] | None = None,
    boundaries: Sequence[BoundaryCheck] = (),
    voices: Mapping[int, str] | None = None,
) -> list[Path]:
    """What an event has beyond its sessions: per recording, a track per language in
    recording time, the published media and the chapters; then the index."""
    written: list[Path] = []
    tracks: dict[str, dict[str, str]] = {}
    for (file, language), cues in recording_cues.items():
        path = event_dir / recording_track(file, language)
        write_recording_track(
            sorted(cues, key=lambda c: c.start_ms),
            language,
            path,
            title=event.title,
            note=f"Full recording {file.name}, recording time",
        )
        tracks.setdefault(file.name, {})[language] = path.name
        written.append(path)
    media: dict[str, str] = {}
    chapters: dict[str, str] = {}
    for recording in event.recordings:
        if any(s.recording == recording.file for s in event.sessions):
            published = publish_recording(recording.file, event_dir / MEDIA_DIR)
            media[recording.file.name] = f"{MEDIA_DIR}/{published.name}"
            path = event_dir / chapters_file(recording.file)
            written += [published, write_chapters(event, recording.file, path)]
            chapters[recording.file.name] = path.name
    return written + write_event_index(
        event, entries, event_dir, tracks, chapters, media, lags, made_with, boundaries, voices
    )


__all__ = ["RunOptions", "RunResult", "run_event", "write_event_files"]
