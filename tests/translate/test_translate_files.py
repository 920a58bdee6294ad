"""`webconf translate`: subtitles and text from elsewhere into the other languages, with
the real Apertium engine, the glossary and the subtitle profile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.run.translate_files import guess_language, translate_files
from pipeline.subtitles.check import check_file
from pipeline.subtitles.profiles import get_profile
from pipeline.subtitles.reader import read_subtitles
from pipeline.types import Term

# A person's English subtitles: sentences cut across cues, as subtitlers cut them.
SRT = """1
00:00:01,000 --> 00:00:03,500
The public employment services

2
00:00:03,500 --> 00:00:06,000
help jobseekers find work.

3
00:00:07,000 --> 00:00:09,500
The house is big, and the garden

4
00:00:09,500 --> 00:00:11,000
is small.
"""
PES = Term((("en", "public employment services"), ("fr", "services publics de l'emploi"),
            ("es", "servicios públicos de empleo")))  # fmt: skip


def joined(path: Path) -> str:
    return " ".join(" ".join(c.lines) for c in read_subtitles(path).cues)


def test_subtitle_fragments_are_translated_as_whole_sentences(tmp_path):
    source = tmp_path / "talk.en.srt"
    source.write_text(SRT, encoding="utf-8")
    written = translate_files([source], ["fr", "es"], glossary=(PES,))
    assert [p.name for p in written] == ["talk.fr.srt", "talk.es.srt"]
    french, spanish = (joined(p) for p in written)
    assert french.startswith("Les services publics de l'emploi ") or french.startswith(
        "Services publics de l'emploi "
    ), french
    assert "servicios públicos de empleo" in spanish.casefold()
    # one sentence, one translation: no capital where a cue began mid-sentence
    assert "maison" in french and "Est petit" not in french and "est petit" in french, french
    assert "casa" in spanish and "Es pequeño" not in spanish, spanish
    for path in written:
        cues = read_subtitles(path).cues
        assert cues[0].start_ms >= 1000 and cues[-1].end_ms <= 11_000
        report = check_file(path, get_profile("default"))
        assert report.ok, report.render()


def test_a_vtt_says_its_language_and_keeps_its_speakers(tmp_path):
    source = tmp_path / "panel.vtt"
    source.write_text(
        "WEBVTT\n\nNOTE\nLanguage: French\n\n00:00:01.000 --> 00:00:04.000\n"
        "<v Ana Ruiz>La maison est grande.</v>\n\n00:00:05.000 --> 00:00:08.000\n"
        "<v Jens Wretling>Le jardin est petit.</v>\n",
        encoding="utf-8",
    )
    (english,) = translate_files([source], ["en", "fr"], out_dir=tmp_path / "out")
    assert english == tmp_path / "out" / "panel.en.vtt"  # French is its own language
    text = english.read_text("utf-8")
    assert "<v Ana Ruiz>" in text and "<v Jens Wretling>" in text
    assert "house" in text.casefold() and "garden" in text.casefold()
    assert "Language: English" in text and "Machine translation from French" in text


def test_a_text_file_is_translated_line_by_line(tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("The house is big.\n\nThe garden is small. It is green.\n", "utf-8")
    (spanish,) = translate_files([source], ["es"])
    lines = spanish.read_text("utf-8").splitlines()
    assert len(lines) == 3 and lines[1] == ""
    assert "casa" in lines[0] and "jardín" in lines[2] and "verde" in lines[2]


def test_the_language_of_a_text_is_told_by_its_words():
    assert guess_language("The house is big and the garden is small, it is green.") == "en"
    assert guess_language("La maison est grande et le jardin est petit, pour les enfants.") == "fr"
    assert guess_language("La casa es grande y el jardín es pequeño, con los niños.") == "es"
    assert guess_language("12345 OK") is None


def webconf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["talk.en.srt", "--to", "de"], "--to 'de' is not a language we translate into"),
        (["talk.en.srt", "--to", "fr", "--from", "xx"], "--from 'xx' is not one of"),
        (["talk.en.srt", "missing.srt", "--to", "fr"], "missing.srt: file not found"),
        (["talk.en.srt", "slides.pdf", "--to", "fr"], "slides.pdf: not a file we translate"),
        (["talk.en.srt", "numbers.txt", "--to", "fr"], "numbers.txt: cannot tell its language"),
        (["talk.en.srt", "broken.srt", "--to", "fr"], "broken.srt: line 2: invalid cue timing"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_written(tmp_path, args, says):
    (tmp_path / "talk.en.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "slides.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "numbers.txt").write_text("12345\n67890\n", encoding="utf-8")
    (tmp_path / "broken.srt").write_text("1\n00:00:01 --> soon\nHello.\n", encoding="utf-8")
    before = set(tmp_path.iterdir())
    done = webconf("translate", *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert set(tmp_path.iterdir()) == before


def test_the_command_writes_each_language_and_says_where(tmp_path):
    (tmp_path / "talk.en.srt").write_text(SRT, encoding="utf-8")
    glossary = tmp_path / "terms.toml"
    glossary.write_text(
        '[glossary]\nkeep = ["VDAB"]\n[glossary.terms]\n'
        '"public employment services" = { fr = "services publics de l\'emploi" }\n',
        encoding="utf-8",
    )
    done = webconf("translate", "talk.en.srt", "--to", "fr,es", "--glossary", str(glossary),
                   "--out", "out", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["talk.es.srt", "talk.fr.srt"]
    assert "services publics de l'emploi" in joined(tmp_path / "out" / "talk.fr.srt").casefold()
    assert "out/talk.fr.srt" in done.stdout


def test_a_bad_glossary_file_is_one_line(tmp_path):
    (tmp_path / "talk.en.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "terms.toml").write_text('[glossary.terms]\n"x" = 3\n', encoding="utf-8")
    done = webconf("translate", "talk.en.srt", "--to", "fr", "--glossary", "terms.toml",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2 and "expected its forms" in done.stderr, done.stderr


def test_two_inputs_never_write_one_output(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "talk.en.srt").write_text(SRT, encoding="utf-8")
    inputs = [tmp_path / "a" / "talk.en.srt", tmp_path / "b" / "talk.en.srt"]
    with pytest.raises(PipelineError, match="talk.fr.srt: two inputs would write it"):
        translate_files(inputs, ["fr"], out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_nothing_to_translate_is_an_error_not_an_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="has no text to translate"):
        translate_files([empty], ["fr"])
