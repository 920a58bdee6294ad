"""`make eval`: measure what the pipeline delivers, on real material from ../shared/.

Prints, from one run:
- WER per language on the sample event's FLEURS clips (normalised text);
- language-tag accuracy and WER on a code-switching "panel" built from real clips
  (en, fr, es, en, ... one sentence each, in one session, no language declared);
- translation chrF/BLEU per direction on FLORES-200 parallel sentences;
- subtitle-profile conformance of every VTT/SRT file written.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools"), str(ROOT / "tests" / "support")]

from mixes import code_switch_mix  # noqa: E402
from wer import wer  # noqa: E402

from pipeline import RunOptions, run_event  # noqa: E402

LANGS = ("en", "fr", "es")


def clip_words(tracks, start_ms: int, end_ms: int):
    """Original-speech words whose middle lies in [start, end] (±0.5 s)."""
    return [
        (w, s.language)
        for t in tracks
        for s in t.sentences
        if s.words and s.language == t.language
        for w in s.words
        if start_ms - 500 <= (w.start_ms + w.end_ms) // 2 <= end_ms + 500
    ]


def score_clips(result, clips) -> tuple[dict[str, float], float, float]:
    """WER per language, word-level and clip-level language-tag accuracy."""
    refs: dict[str, list[str]] = {lang: [] for lang in LANGS}
    hyps: dict[str, list[str]] = {lang: [] for lang in LANGS}
    tagged = correct = clips_right = 0
    for lang, start, end, reference in clips:
        words = clip_words(result.tracks, start, end)
        refs[lang].append(reference)
        hyps[lang].append("".join(w.text for w, _ in words))
        tagged += len(words)
        correct += sum(tag == lang for _, tag in words)
        tags = [tag for _, tag in words]
        clips_right += bool(tags) and max(set(tags), key=tags.count) == lang
    wers = {lang: wer(refs[lang], hyps[lang]) for lang in LANGS if refs[lang]}
    return wers, correct / max(1, tagged), clips_right / max(1, len(clips))


def sample_clips() -> list[tuple[str, int, int, str]]:
    with (ROOT / "recordings" / "sample-webinar.clips.tsv").open(encoding="utf-8") as fh:
        return [
            (r["language"], round(float(r["start_s"]) * 1000), round(float(r["end_s"]) * 1000),
             r["normalised"])
            for r in csv.DictReader(fh, delimiter="\t")
            if r["clip"].startswith("fleurs/")
        ]


def conformance(files: list[Path]) -> list[str]:
    try:
        from pipeline.subtitles.check import check_file
        from pipeline.subtitles.profiles import get_profile
    except ImportError:
        return ["(subtitle checker not available)"]
    profile = get_profile("default")
    lines, total, ok = [], 0, 0
    for f in files:
        report = check_file(f, profile)
        total += report.cues
        ok += report.conforming
    lines.append(f"{len(files)} files, {total} cues: {100 * ok / max(1, total):.1f} % conform")
    return lines


def main() -> int:
    out = Path(tempfile.mkdtemp(prefix="webconf-eval-"))
    print(f"webconf eval (outputs in {out})\n")

    sample = run_event(ROOT / "recordings" / "sample-event.toml", out, RunOptions())
    wers, _, _ = score_clips(sample, sample_clips())
    print("Sample event, FLEURS clips, Whisper base: WER " + ", ".join(
        f"{lang} {v:.3f}" for lang, v in wers.items()))

    mix = out / "code-switch.wav"
    placed = code_switch_mix(mix)
    manifest = out / "code-switch.toml"
    manifest.write_text(
        f'[event]\ntitle = "Code-switching panel"\n\n[[recording]]\nfile = "{mix}"\n',
        encoding="utf-8",
    )
    panel = run_event(manifest, out, RunOptions())
    clips = [(p.language, p.start_ms, p.end_ms, p.reference) for p in placed]
    wers, word_acc, clip_acc = score_clips(panel, clips)
    print(f"Code-switching panel ({len(clips)} clips, en/fr/es alternating, no language "
          f"declared): language tags {100 * word_acc:.1f} % of words, {100 * clip_acc:.1f} % "
          "of clips; WER " + ", ".join(f"{lang} {v:.3f}" for lang, v in wers.items()))

    print("\nTranslation on FLORES-200 devtest (first 200 sentences):")
    import measure_mt

    measure_mt.report(200, "auto")

    print("\nSubtitle profile conformance of every written file:")
    files = sorted(p for p in out.rglob("*") if p.suffix in {".vtt", ".srt"}
                   and "chapters" not in p.name)
    for line in conformance(files):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

