"""An interpreted event's outputs, written by the pipeline's own writers, with real audio.

The readers' tests (outputs, web, mux, archive) need what `webconf run` publishes for a
recording with interpreter channels, without running Whisper: here the recording and
the channels are tones made by ffmpeg, the text is hand-written, and everything from
the session audio on is the pipeline's (manifest parser, session-audio cutter, track
writers, event index). A test tells which audio is heard by its pitch:

    floor (what is said in the room)  440 Hz, the whole recording
    Spanish interpreter               660 Hz, then 990 Hz from 10 s of recording time
    English interpreter               1320 Hz

Two sessions of 12 s: 1 spoken in English (es: two interpreted sentences and one
machine-translated; fr: machine translation), 2 spoken in French (en: interpreted;
es: machine translation, although its channel has audio). Layouts:

- "files": the channels are files of their own; the Spanish one starts 2 s into the
  recording (`offset`), so its session cut begins with 2 s of silence;
- "streams": the channels are audio streams of the recording, and the floor is *not*
  its first audio stream: stream 0 is the Spanish interpreter (and the file's default),
  1 the floor, 2 the English interpreter, as a console that numbers its outputs may
  leave them.

`build_interpreted_event(dest, layout)` returns an `Interpreted` naming the event
folder and what a test checks against. Nothing here reads outputs/ or the network.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

TITLE = "Interpreted tones"
DATE = "2026-12-01"
DURATION_S = 24
SESSIONS = ((0, 12_000, "en", "Budget and ivory rules"), (12_000, 24_000, "fr", "Le vote"))
FLOOR_HZ = 440
ES_HZ = (660, 990)  # Spanish interpreter: before and after ES_SWITCH_S
ES_SWITCH_S = 10  # recording time at which the Spanish tone changes
EN_HZ = 1320
ES_OFFSET_MS = 2000  # "files": where the Spanish interpreter's file starts
LAG_MS = {"es": 2500, "en": 2000}

# (start, end) in session time, and the text per language; "src" = the spoken one
SENTENCES = {
    1: [
        (1000, 4000, {
            "en": "The committee approved the budget.",
            "fr": "Le comité a approuvé le budget.",
            "es": "El comité aprobó el presupuesto anual.",
        }),
        (5000, 8000, {
            "en": "Members asked about the ivory rules.",
            "fr": "Les membres ont posé des questions sur les règles de l'ivoire.",
            "es": "Los miembros preguntaron por las normas del marfil.",
        }),
        (9000, 11000, {
            "en": "The vote takes place tomorrow.",
            "fr": "Le vote a lieu demain.",
            "es": "La votación tiene lugar mañana.",
        }),
    ],
    2: [
        (1000, 4000, {
            "fr": "Le vote est ouvert.",
            "en": "Voting is now open, the interpreter said.",
            "es": "La votación está abierta.",
        }),
        (5000, 8000, {
            "fr": "Chaque délégation a une voix.",
            "en": "Every delegation has one vote.",
            "es": "Cada delegación tiene un voto.",
        }),
        (9000, 11000, {
            "fr": "Le résultat sera publié ce soir.",
            "en": "The result will be published tonight.",
            "es": "El resultado se publicará esta noche.",
        }),
    ],
}  # fmt: skip
# Which sentences an interpreter rendered: (session, language) -> sentence numbers
INTERPRETED = {(1, "es"): (0, 1), (2, "en"): (0, 1, 2)}


@dataclass(frozen=True)
class Interpreted:
    event_dir: Path
    layout: str
    manifest: Path
    recording: Path  # the recording as given to the manifest (not the published copy)
    channel_files: dict[str, Path] = field(default_factory=dict)  # "files" layout


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True
    )


def _sine(hz: int, seconds: float) -> str:
    return f"sine=frequency={hz}:duration={seconds}:sample_rate=16000"


def _spanish_tone(seconds: float, lead_s: float = 0.0) -> list[str]:
    """lavfi inputs and filter for the Spanish interpreter: 660 Hz, 990 Hz from
    ES_SWITCH_S of recording time; `lead_s` of silence first when the stream starts
    with the recording (the "streams" layout)."""
    first = ES_SWITCH_S - ES_OFFSET_MS / 1000 if not lead_s else ES_SWITCH_S - lead_s
    parts = [_sine(ES_HZ[0], first), _sine(ES_HZ[1], seconds - first - lead_s)]
    if lead_s:
        parts.insert(0, f"anullsrc=r=16000:cl=mono:d={lead_s}")
    return parts


def _concat(inputs: list[str], label: str) -> str:
    names = "".join(f"[{label}{n}]" for n in range(len(inputs)))
    chains = ";".join(f"{src}[{label}{n}]" for n, src in enumerate(inputs))
    return f"{chains};{names}concat=n={len(inputs)}:v=0:a=1[{label}]"


def _write_media(folder: Path, layout: str) -> tuple[Path, dict[str, Path]]:
    video = ["-f", "lavfi", "-i", f"color=c=navy:s=160x90:r=10:d={DURATION_S}"]
    encode_video = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", "-preset", "veryfast"]
    encode_audio = ["-c:a", "aac", "-b:a", "48k", "-ac", "1", "-ar", "16000"]
    recording = folder / "talk.mp4"
    if layout == "files":
        _ffmpeg(*video, "-f", "lavfi", "-i", _sine(FLOOR_HZ, DURATION_S),
                *encode_video, *encode_audio, "-shortest", str(recording))  # fmt: skip
        spanish, english = folder / "talk-es.m4a", folder / "talk-en.m4a"
        length = DURATION_S - ES_OFFSET_MS / 1000
        graph = _concat(_spanish_tone(length), "es")
        _ffmpeg("-filter_complex", graph, "-map", "[es]", *encode_audio, str(spanish))
        _ffmpeg("-f", "lavfi", "-i", _sine(EN_HZ, DURATION_S), *encode_audio, str(english))
        return recording, {"es": spanish, "en": english}
    if layout != "streams":
        raise ValueError(f"unknown layout {layout!r}")
    lead = ES_OFFSET_MS / 1000
    graph = ";".join(
        [
            _concat(_spanish_tone(DURATION_S, lead), "es"),
            f"{_sine(FLOOR_HZ, DURATION_S)}[floor]",
            f"{_sine(EN_HZ, DURATION_S)}[en]",
        ]
    )
    _ffmpeg(
        *video, "-filter_complex", graph,
        "-map", "0:v", "-map", "[es]", "-map", "[floor]", "-map", "[en]",
        *encode_video, *encode_audio,
        "-metadata:s:a:0", "language=spa", "-metadata:s:a:0", "handler_name=Translated",
        "-metadata:s:a:1", "handler_name=Native",
        "-metadata:s:a:2", "language=eng", "-metadata:s:a:2", "handler_name=Translated-2",
        "-disposition:a:0", "default", "-disposition:a:1", "0", "-disposition:a:2", "0",
        "-t", str(DURATION_S), str(recording),
    )  # fmt: skip
    return recording, {}


def _manifest(folder: Path, layout: str) -> Path:
    if layout == "files":
        recording = f"""[[recording]]
file = "talk.mp4"

[[recording.interpretation]]
language = "es"
file = "talk-es.m4a"
offset = "00:00:0{ES_OFFSET_MS // 1000}.000"

[[recording.interpretation]]
language = "en"
file = "talk-en.m4a"
"""
    else:
        recording = """[[recording]]
file = "talk.mp4"
stream = 1

[[recording.interpretation]]
language = "es"
stream = 0

[[recording.interpretation]]
language = "en"
stream = 2
"""
    sessions = "".join(
        f"""
[[session]]
title = "{title}"
start = "00:00:{start // 1000:02d}.000"
end = "00:00:{end // 1000:02d}.000"
language = "{spoken}"
speakers = ["Chair"]
"""
        for start, end, spoken, title in SESSIONS
    )
    text = f"""[event]
title = "{TITLE}"
date = "{DATE}"
languages = ["en", "fr", "es"]

{recording}{sessions}"""
    path = folder / "event.toml"
    path.write_text(text, encoding="utf-8")
    return path


def build_interpreted_event(dest: Path, layout: str = "files") -> Interpreted:
    """Write the media, the manifest and the event's outputs under `dest`."""
    from pipeline.agenda.manifest import load_manifest, resolve_against_media
    from pipeline.media.export import export_session_audio
    from pipeline.media.probe import probe
    from pipeline.outputs.layout import SESSION_AUDIO, channel_audio
    from pipeline.run.event import write_event_files
    from pipeline.translate.interpretation import median_lag
    from pipeline.types import Cue, Sentence, SessionTrack
    from pipeline.writers import IndexEntry, write_session_track

    source = dest / "source"
    source.mkdir(parents=True, exist_ok=True)
    recording_file, channel_files = _write_media(source, layout)
    manifest = _manifest(source, layout)
    event = load_manifest(manifest)
    event = resolve_against_media(
        event, {r.file: probe(r.file).duration_ms for r in event.recordings}
    )
    (recording,) = event.recordings
    event_dir = dest / "outputs" / event.slug
    entries, recording_cues, tracks = [], {}, []
    for session in event.sessions:
        folder = event_dir / session.slug
        tags = {"title": session.title, "album": event.title}
        audio = export_session_audio(
            recording, session.start_ms, session.end_ms, folder / SESSION_AUDIO, tags
        )
        heard = {
            c.language: export_session_audio(
                c.audio(),
                session.start_ms,
                session.end_ms,
                folder / channel_audio(c.language),
                tags,
                c.offset_ms,
            )
            for c in recording.interpretations
        }
        spoken = session.language
        for language in event.languages:
            channel = recording.channel(language)
            rendered = INTERPRETED.get((session.index, language), ())
            sentences, cues = [], []
            for n, (start, end, texts) in enumerate(SENTENCES[session.index]):
                start, end = session.start_ms + start, session.start_ms + end
                if language == spoken:
                    origin, engine, source_text = "original", "whisper", ""
                elif n in rendered:
                    origin, engine, source_text = "interpretation", "whisper", texts[spoken]
                else:
                    origin, engine, source_text = "machine", "apertium", texts[spoken]
                interpreted = origin == "interpretation"
                sentences.append(
                    Sentence(
                        start_ms=start,
                        end_ms=end,
                        text=texts[language],
                        language=language,
                        source_language=spoken,
                        source_text=source_text,
                        engine=f"{engine} (interpretation)" if interpreted else engine,
                        origin=origin,
                        channel=channel if interpreted else None,
                        lag_ms=LAG_MS[language] + 100 * n if interpreted else None,
                    )
                )
                cues.append(
                    Cue(
                        start,
                        end,
                        (texts[language],),
                        language,
                        origin=origin,
                        channel=channel if interpreted else None,
                    )
                )
            engines = sorted({s.engine for s in sentences})
            track = SessionTrack(
                session=session,
                language=language,
                source_language=spoken,
                engine=", ".join(engines),
                sentences=tuple(sentences),
                cues=tuple(cues),
            )
            paths = write_session_track(track, event, folder, audio=SESSION_AUDIO)
            entries.append(
                IndexEntry.from_written(
                    track,
                    paths,
                    event_dir,
                    audio=audio,
                    channel=channel,
                    channel_audio=heard.get(language),
                )
            )
            recording_cues.setdefault((session.recording, language), []).extend(cues)
            tracks.append(track)
    lags = {
        (recording.file.name, c.language): median_lag(
            [s for t in tracks if t.language == c.language for s in t.sentences]
        )
        for c in recording.interpretations
    }
    write_event_files(event, event_dir, entries, recording_cues, lags)
    return Interpreted(event_dir, layout, manifest, recording_file, channel_files)


def dominant_hz(path: Path, stream: int, start_s: float, seconds: float = 1.0) -> float:
    """The loudest frequency (Hz) of audio stream `stream` of `path` over a stretch,
    decoded by ffmpeg; 0 for silence."""
    import numpy as np

    out = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-ss", f"{start_s}", "-t", f"{seconds}"]
        + ["-i", str(path), "-map", f"0:a:{stream}", "-ac", "1", "-ar", "16000"]
        + ["-f", "f32le", "-acodec", "pcm_f32le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    samples = np.frombuffer(out, dtype=np.float32)
    if not len(samples) or float(np.sqrt(np.mean(samples**2))) < 1e-3:
        return 0.0
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / 16000)[int(np.argmax(spectrum))])
