"""`make eval`: measure what the pipeline delivers, on real material from ../shared/.

Prints, from one run:
- WER per language on the sample event's FLEURS clips (normalised text);
- language-tag accuracy and WER on a code-switching "panel" built from real clips
  (en, fr, es, en, ... one sentence each, in one session, no language declared);
- translation chrF/BLEU per direction on FLORES-200 parallel sentences;
- the sample's interpreter channels (synthesized): per channel the lag error and the
  cue alignment error against the channels' truth, and chrF against the reference
  translations of the interpreted track vs machine translation of the same stretches;
- subtitle-profile conformance of every VTT/SRT file written;
- speaker turns: diarisation error rate on panels of real read speech
  (tools/panel_mix.py), without collar, overlaps scored.
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
    kinds: dict[str, int] = {}
    for f in files:
        report = check_file(f, profile)
        total += report.cues
        ok += report.conforming
        for v in report.violations:
            kinds[v.kind] = kinds.get(v.kind, 0) + 1
    why = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    lines.append(f"{len(files)} files, {total} cues: {100 * ok / max(1, total):.1f} % conform"
                 + (f" (violations: {why})" if why else ""))  # fmt: skip
    return lines


def _over(tracks, language: str, start_ms: int, end_ms: int):
    """The track's sentence overlapping [start, end] most, in `language`."""
    best, overlap = None, 0
    for t in tracks:
        if t.language != language:
            continue
        for s in t.sentences:
            shared = min(s.end_ms, end_ms) - max(s.start_ms, start_ms)
            if shared > overlap:
                best, overlap = s, shared
    return best


def interpretation_report(sample, ignored) -> list[str]:
    """Lag, cue alignment and chrF of each channel against its truth table."""
    from statistics import median

    from sacrebleu.metrics import CHRF

    clips = {}
    with (ROOT / "recordings" / "sample-webinar.clips.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            span = (float(row["start_s"]), float(row["end_s"]))
            clips[row["clip"]] = (round(span[0] * 1000), round(span[1] * 1000))
    with (ROOT / "recordings" / "sample-webinar.channels.tsv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "rendering"]
    lines = []
    for channel in sorted({r["channel"] for r in rows}):
        mine = [r for r in rows if r["channel"] == channel]
        lag_errors, cue_errors, hyp, mt, ref, sources = [], [], [], [], [], []
        for r in mine:
            start, end = clips[r["clip"]]
            onset = round((float(r["start_s"]) - float(r["lag_s"])) * 1000)  # floor speech
            got = _over(sample.tracks, channel, start, end)
            machine = _over(ignored.tracks, channel, start, end)
            sources.append(got.origin if got else "none")
            hyp.append(got.text if got else "")
            mt.append(machine.text if machine else "")
            ref.append(r["text"])
            if got is not None and got.lag_ms is not None:
                lag_errors.append(abs(got.lag_ms - round(float(r["lag_s"]) * 1000)))
            cues = [c.start_ms for t in sample.tracks if t.language == channel for c in t.cues
                    if c.origin == "interpretation" and onset - 1500 <= c.start_ms < end]
            if cues:
                cue_errors.append(abs(min(cues) - onset))
        chrf = CHRF()
        report = next((c for c in sample.channels if c.channel.language == channel), None)
        lag = "-" if report is None or report.lag_ms is None else f"{report.lag_ms / 1000:.2f} s"
        truth = median(float(r["lag_s"]) for r in mine)
        lines.append(
            f"{channel}: {sources.count('interpretation')}/{len(mine)} renderings taken from "
            f"the channel; median lag {lag} (truth {truth:.2f} s); lag error median "
            f"{median(lag_errors) / 1000:.2f} s, max {max(lag_errors) / 1000:.2f} s; first "
            f"cue vs floor onset median {median(cue_errors) / 1000:.2f} s, max "
            f"{max(cue_errors) / 1000:.2f} s; chrF interpretation "
            f"{chrf.corpus_score(hyp, [ref]).score:.1f} vs machine translation "
            f"{chrf.corpus_score(mt, [ref]).score:.1f}"
        )
    return lines


def speaker_report(seeds: range = range(7)) -> list[str]:
    """DER (no collar, overlaps scored) of the speakers stage, VAD included, on panels
    built from real read speech: the range over `seeds` per material."""
    from panel_mix import ENGLISH, PANEL, Turn, diarisation_error, panel, read_wav

    from pipeline.cache import StageCache
    from pipeline.speakers.encoder import SpeakerEncoder, speaker_model
    from pipeline.speakers.overlap import overlapped, segmentation_model
    from pipeline.speakers.turns import speaker_turns
    from pipeline.transcribe.recording import AudioSource, speech_map
    from pipeline.transcribe.whisper import TranscribeOptions
    from pipeline.types import Recording

    encoder = SpeakerEncoder(speaker_model())
    segmentation = segmentation_model()
    lines = [f"{'material':34} {'DER':>11} {'miss':>11} {'false alarm':>11} "
             f"{'confusion':>11}  speakers found"]  # fmt: skip
    overlap = {"truth": 0, "found": 0, "spans": 0, "hit": 0, "astray": 0, "minutes": 0.0}
    folder = Path(tempfile.mkdtemp(prefix="webconf-eval-speakers-"))
    for label, clips in (("4 voices, 4 languages", PANEL), ("3 English voices", ENGLISH)):
        scores, right = [], 0
        for seed in seeds:
            path = folder / f"{len(clips)}-{seed}.wav"
            truth = panel(clips, path, seed=seed)
            x = read_wav(path)
            regions = speech_map(AudioSource(Recording(path), "eval"), TranscribeOptions(),
                                 StageCache(None), lambda x=x: x)  # fmt: skip
            turns = speaker_turns(x, regions, encoder.embed).turns
            found = [Turn(t.start_ms, t.end_ms, str(t.speaker)) for t in turns]
            both = [(max(a.start_ms, b.start_ms), min(a.end_ms, b.end_ms))
                    for i, a in enumerate(truth) for b in truth[i + 1 :]
                    if min(a.end_ms, b.end_ms) - max(a.start_ms, b.start_ms) >= 200]
            heard = overlapped(x, regions, segmentation)
            overlap["truth"] += len(both)
            overlap["hit"] += sum(any(a < d and c < b for c, d in heard) for a, b in both)
            overlap["spans"] += len(heard)
            overlap["astray"] += sum(not any(a - 500 < d and c < b + 500 for a, b in both)
                                     for c, d in heard)
            overlap["minutes"] += len(x) / 16000 / 60  # fmt: skip
            scores.append(diarisation_error(truth, found))
            right += len({t.speaker for t in turns}) == len(clips)

        def span(key: str, scores: list[dict] = scores) -> str:
            values = [s[key] for s in scores]
            return f"{min(values):.3f}-{max(values):.3f}"

        lines.append(f"{label + f' ({len(seeds)} panels)':34} {span('der'):>11} "
                     f"{span('miss'):>11} {span('false_alarm'):>11} {span('confusion'):>11}"
                     f"  right number in {right} of {len(seeds)}")  # fmt: skip
    lines.append(
        f"overlapping speech (segmentation-3.0): {overlap['hit']} of {overlap['truth']} "
        f"overlaps of 0.2 s or more found; {overlap['spans']} stretches marked, "
        f"{overlap['astray']} of them more than 0.5 s from any overlap of 0.2 s "
        f"(in {overlap['minutes']:.0f} minutes of panels)"
    )
    return lines


def main() -> int:
    out = Path(tempfile.mkdtemp(prefix="webconf-eval-"))
    print(f"webconf eval (outputs in {out})\n")

    sample = run_event(ROOT / "recordings" / "sample-event.toml", out, RunOptions())
    wers, _, _ = score_clips(sample, sample_clips())
    print("Sample event, FLEURS clips, Whisper base: WER " + ", ".join(
        f"{lang} {v:.3f}" for lang, v in wers.items()))

    import shutil

    from pipeline.outputs.layout import CACHE_DIR

    ignored_out = Path(tempfile.mkdtemp(prefix="webconf-eval-mt-"))
    shutil.copytree(sample.event_dir / CACHE_DIR, ignored_out / sample.event_dir.name / CACHE_DIR)
    ignored = run_event(ROOT / "recordings" / "sample-event.toml", ignored_out,
                        RunOptions(interpretation="ignore"))
    print("\nInterpreter channels of the sample event (synthesized speech, see "
          "recordings/LICENCE.md):")
    for line in interpretation_report(sample, ignored):
        print(line)

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

    print("\nAgenda boundaries on 19 minutes of real speech in four sessions, agendas off "
          "by 30-120 s (tools/agenda_offsets.py), distance of each suggestion from the "
          "truth:")
    import agenda_offsets

    agenda = Path(tempfile.mkdtemp(prefix="webconf-eval-agenda-"))
    print("\n".join(agenda_offsets.report(agenda)))

    print("\nApertium routes on held-out FLORES-200 sentences (writes the route table):")
    import measure_routes

    measure_routes.main()

    print("\nTranslation on FLORES-200 devtest (first 200 sentences):")
    import measure_mt

    measure_mt.report(200, "auto")
    print("\nTranslation on Tatoeba (first 1000 pairs of each language pair):")
    measure_mt.tatoeba_report(1000)

    print("\nTerminology: glossary terms written as specified (tools/measure_terms.py):")
    import measure_terms

    print("\n".join(measure_terms.report()))

    print("\nSpeaker turns on panels of real read speech (tools/panel_mix.py), "
          "no collar, overlaps scored:")
    for line in speaker_report():
        print(line)

    print("\nSubtitle profile conformance of every file written for the sample event and "
          "the code-switching panel:")
    files = sorted(p for p in out.rglob("*") if p.suffix in {".vtt", ".srt"}
                   and "chapters" not in p.name)
    for line in conformance(files):
        print(line)
    print("...and of the agenda-offsets event (19 min; its English talk is fast speech, and "
          "translations run longer):")
    files = sorted(p for p in agenda.rglob("*") if p.suffix in {".vtt", ".srt"}
                   and "chapters" not in p.name)  # fmt: skip
    for line in conformance(files):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

