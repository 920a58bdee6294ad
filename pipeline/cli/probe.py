"""Command-line registration of `webconf probe`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.languages import LANGUAGES


def _languages(value: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip() for c in value.split(",") if c.strip()))
    unknown = [c for c in codes if c not in LANGUAGES]
    if unknown or not codes:
        raise argparse.ArgumentTypeError(
            f"{value!r}: expected a comma-separated list drawn from {','.join(LANGUAGES)}"
        )
    return codes


def _speech_shares(path: Path, positions: list[int], label: str) -> dict[int, float]:
    """Each stream's speech share, one line per stream on stderr: VAD over a two-hour
    stream takes about a minute (on a terminal the line counts the time covered)."""
    from pipeline.media.decode import decode
    from pipeline.timecode import format_clock
    from pipeline.transcribe.vad import speech_share
    from pipeline.types import Recording

    live = sys.stderr.isatty()
    shares = {}
    for position in positions:
        head = f"webconf probe: speech in {label} stream {position}:"
        started = time.monotonic()
        print(f"{head} ...", end="", file=sys.stderr, flush=True)
        samples = decode(Recording(path, stream=position)).samples

        def show(done_ms: int, total_ms: int, head: str = head) -> None:
            if live:
                clock = f"{format_clock(done_ms)} of {format_clock(total_ms)}"
                print(f"\r{head} {clock}", end="", file=sys.stderr, flush=True)

        shares[position] = share = speech_share(samples, progress=show)
        result = f"{round(share * 100)}% ({time.monotonic() - started:.1f} s)"
        print(f"\r{head} {result}\033[K" if live else f" {result}", file=sys.stderr)
    return shares


def _cmd_probe(args: argparse.Namespace) -> int:
    from pipeline.media.probe import probe
    from pipeline.media.probe_report import manifest_toml, probed_file, stream_table

    languages, base = args.languages or LANGUAGES, None
    if args.event:
        from pipeline.agenda.manifest import load_manifest

        languages, base = load_manifest(args.event).languages, Path(args.event).parent
    paths = list({Path(f).resolve(): Path(f) for f in args.files}.values())  # once each
    infos = [probe(p) for p in paths]  # every file is read before the slow part
    files = []
    for path, info in zip(paths, infos, strict=True):
        positions = [s.position for s in info.audio_streams]
        shares = None if args.no_speech else _speech_shares(path, positions, path.name)
        files.append(probed_file(info, path, shares))
    for path, streams in zip(paths, files, strict=True):
        count = len(streams)
        print(f"{path}: {count} audio stream{'s' if count > 1 else ''}")
        print(stream_table(streams))
        guessed = [s.language.code for s in streams if s.language and s.language.guessed]
        if guessed:
            print(f"({guessed[0]}?: untagged, the language guessed from a title or file name)")
        print()
    print(manifest_toml(files, languages, base), end="")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `webconf probe` to the `webconf` parser."""
    probe = sub.add_parser(
        "probe",
        help="list the audio streams of recordings and the manifest blocks naming them",
        description="List each audio stream of each FILE: its position among the file's "
        "audio streams (what `stream =` means in the manifest), codec, channels, sample "
        "rate, duration, language tag, title, and the share of its time in speech "
        "(Silero VAD). Then print a [[recording]] block for the first FILE (its floor: the "
        "first audio stream, or the one titled Native, Original or Floor) and a "
        "[[recording.interpretation]] block for every other stream in one of the event "
        "languages, whether tagged (eng, fra, fre, spa, fr-FR, ...) or named by its title "
        "or file name (marked as a guess). Blocks that cannot be used as they are (a "
        "language given twice, a stream without speech or without a language) are "
        "printed commented out, with the reason.",
    )
    probe.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="the recording first, then any interpretation files (e.g. Zoom's "
        "audio_interpretation .m4a files)",
    )
    which = probe.add_mutually_exclusive_group()
    which.add_argument(
        "--languages",
        type=_languages,
        metavar="en,fr,es",
        help=f"the event languages (default: {','.join(LANGUAGES)})",
    )
    which.add_argument(
        "--event",
        metavar="EVENT.toml",
        help="take the event languages from this manifest, and write file names relative "
        "to its folder",
    )
    probe.add_argument(
        "--no-speech",
        action="store_true",
        help="do not measure speech (fast: no audio is decoded)",
    )
    probe.set_defaults(func=_cmd_probe)
