"""Build the sample event in recordings/ from the real speech in ../shared/speech.

Run once by a developer (the result is committed): three agenda sessions, English,
French and Spanish, each a sequence of real read-speech clips with short pauses, in
an MP4 with a still picture. Writes the clip offsets and reference transcripts
beside it so tests and `make eval` can score each clip.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def main() -> int:
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
                str(OUT / "sample-webinar.mp4"),
            ],
            check=True,
        )
    with (OUT / "sample-webinar.clips.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["session", "language", "clip", "start_s", "end_s", "reference", "normalised"])
        w.writerows(rows)
    print(f"wrote {OUT / 'sample-webinar.mp4'} ({t:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
