"""Argos packages: install checks, listing, engine choice and batch mechanics.

The package is built offline by tests/support/argos_fixture.py with random weights, so
its translations are gibberish; only mechanics, types and counts are checked.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from argos_fixture import build_tiny_argosmodel

from pipeline.errors import ModelMissingError, TranslationError
from pipeline.translate import (
    ApertiumEngine,
    ArgosEngine,
    Engines,
    choose_engine,
    install_argos_package,
    list_argos_packages,
    translate_sentences,
)
from pipeline.types import Sentence, Word


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Package files: en->fr, en->fr v1.1 (with a target prefix), es->en."""
    dest = tmp_path_factory.mktemp("argosmodels")
    return {
        "en_fr": build_tiny_argosmodel(dest / "a", "en", "fr"),
        "en_fr_1.1": build_tiny_argosmodel(
            dest / "b", "en", "fr", version="1.1", target_prefix="__fr__", seed=1
        ),
        "es_en": build_tiny_argosmodel(dest / "c", "es", "en", seed=2),
    }


@pytest.fixture
def models(tmp_path: Path, packages: dict[str, Path]) -> Path:
    """A models dir with the en->fr package installed."""
    models_dir = tmp_path / "models"
    install_argos_package(packages["en_fr"], models_dir)
    return models_dir


def test_install_and_list(tmp_path: Path, packages: dict[str, Path]) -> None:
    models_dir = tmp_path / "models"
    assert list_argos_packages(models_dir) == []
    info = install_argos_package(packages["en_fr"], models_dir)
    assert (info.from_code, info.to_code, info.version) == ("en", "fr", "1.0")
    assert info.name.startswith("Tiny en->fr")
    assert info.path == models_dir / "argos" / "en_fr"
    assert (info.path / "metadata.json").is_file()
    assert (info.path / "model" / "model.bin").is_file()
    assert (info.path / "sentencepiece.model").is_file()
    assert list_argos_packages(models_dir) == [info]


def test_reinstall_replaces_the_old_version(models: Path, packages: dict[str, Path]) -> None:
    info = install_argos_package(packages["en_fr_1.1"], models)
    assert info.version == "1.1" and info.target_prefix == "__fr__"
    assert [p.version for p in list_argos_packages(models)] == ["1.1"]
    assert sorted(p.name for p in (models / "argos").iterdir()) == ["en_fr"]  # no leftovers


def test_broken_package_folder_is_skipped_in_listing(models: Path) -> None:
    (models / "argos" / "xx_yy").mkdir()
    assert [p.direction for p in list_argos_packages(models)] == ["en_fr"]


def test_choose_engine(models: Path) -> None:
    auto = choose_engine("auto", "en", "fr", models)
    assert isinstance(auto, ArgosEngine) and auto.describe("en", "fr") == "argos en_fr 1.0"
    assert isinstance(choose_engine("auto", "fr", "es", models), ApertiumEngine)
    assert isinstance(choose_engine("apertium", "en", "fr", models), ApertiumEngine)
    assert isinstance(choose_engine("argos", "en", "fr", models), ArgosEngine)
    # --mt whisper: Whisper's speech translation into English, "auto" for the rest
    whisper = Engines("whisper", models)
    assert whisper.speech_translation
    assert isinstance(whisper.get("en", "fr"), ArgosEngine)
    assert isinstance(whisper.get("en", "es"), ApertiumEngine)
    assert whisper.get("en", "fr") is whisper.get("en", "fr")  # one engine per direction
    with pytest.raises(ModelMissingError, match=r"no argos package for fr->es in .*argos; add"):
        choose_engine("argos", "fr", "es", models)
    with pytest.raises(ValueError, match="whisper"):
        choose_engine("whisper", "fr", "en", models)
    with pytest.raises(ValueError, match="unknown MT mode"):
        choose_engine("google", "en", "fr", models)


def test_choose_engine_without_any_package(tmp_path: Path) -> None:
    assert isinstance(choose_engine("auto", "en", "fr", tmp_path), ApertiumEngine)
    with pytest.raises(TranslationError, match="no mode for en->de"):
        choose_engine("auto", "en", "de", tmp_path)


def test_translates_a_batch_without_sentence_splitters(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # argostranslate's sentence splitters download models; they must never load.
    for name in ("argostranslate", "stanza", "minisbd", "spacy"):
        monkeypatch.setitem(sys.modules, name, None)
    engine = ArgosEngine(models)
    assert engine.supports("en", "fr") and not engine.supports("fr", "en")
    texts = ["The house is big.", "Thank you very much.", "Good morning everyone."]
    out = engine.translate(texts, "en", "fr")
    assert isinstance(out, list) and len(out) == 3
    assert all(isinstance(t, str) and t.strip() for t in out)


def test_blank_items_and_lines_keep_their_place(models: Path) -> None:
    engine = ArgosEngine(models)
    out = engine.translate(["", "The house.", "  ", "One.\nTwo."], "en", "fr")
    assert len(out) == 4
    assert out[0] == "" and out[2] == ""
    assert out[1] and out[3].count("\n") == 1


def test_translator_loads_lazily_once_per_process(models: Path) -> None:
    from pipeline.translate.argos import _loaded

    _loaded.cache_clear()
    engine = ArgosEngine(models)
    assert _loaded.cache_info().currsize == 0
    engine.translate(["The house."], "en", "fr")
    assert _loaded.cache_info().currsize == 1
    # another run in the same process (a batch worker's next event) loads nothing
    ArgosEngine(models).translate(["The cat."], "en", "fr")
    info = _loaded.cache_info()
    assert info.currsize == 1 and info.misses == 1 and info.hits >= 1


def test_target_prefix_is_stripped(models: Path, packages: dict[str, Path]) -> None:
    install_argos_package(packages["en_fr_1.1"], models)
    out = ArgosEngine(models).translate(["The house is big.", "Hello."], "en", "fr")
    assert len(out) == 2 and not any("__fr__" in t for t in out)


def test_pivot_through_english(models: Path, packages: dict[str, Path]) -> None:
    install_argos_package(packages["es_en"], models)
    engine = ArgosEngine(models)
    assert engine.supports("es", "fr")
    assert engine.describe("es", "fr") == "argos es_en 1.0 + en_fr 1.0 (es→en→fr)"
    out = engine.translate(["La casa es grande.", "Gracias."], "es", "fr")
    assert len(out) == 2 and all(isinstance(t, str) for t in out)
    assert isinstance(choose_engine("auto", "es", "fr", models), ArgosEngine)


def test_missing_direction_names_the_remedy(models: Path) -> None:
    with pytest.raises(ModelMissingError, match="webconf models add FILE.argosmodel"):
        ArgosEngine(models).translate(["Hola."], "es", "en")


def test_translate_sentences_with_argos(models: Path) -> None:
    words = (Word(1000, 1500, " The"), Word(1500, 2000, " house."))
    sentences = [
        Sentence(1000, 2000, "The house.", "en", words),
        Sentence(2000, 3000, "Déjà en français.", "fr"),
        Sentence(3000, 4000, "VDAB helps.", "en"),
    ]
    out = translate_sentences(sentences, "fr", ArgosEngine(models), ["VDAB"])
    assert len(out) == 3
    assert out[1] is sentences[1]
    first = out[0]
    assert (first.start_ms, first.end_ms, first.language, first.words) == (1000, 2000, "fr", ())
    assert (first.source_language, first.source_text) == ("en", "The house.")
    assert first.engine == "argos en_fr 1.0"
    assert "ZZG" not in out[2].text.upper()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


META = b'{"from_code": "en", "to_code": "fr", "package_version": "1.0"}'


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"pkg/model/model.bin": b"x", "pkg/sentencepiece.model": b"x"}, "no pkg/metadata.json"),
        ({"pkg/metadata.json": META, "pkg/sentencepiece.model": b"x"}, "no CTranslate2 model"),
        ({"pkg/metadata.json": META, "pkg/model/model.bin": b"x"}, "no sentencepiece.model"),
        ({"pkg/metadata.json": META, "../evil": b"x"}, "unsafe member path '../evil'"),
        ({"pkg/metadata.json": META, "pkg/../../evil": b"x"}, "unsafe member path"),
        ({"pkg/metadata.json": META, "/etc/evil": b"x"}, "unsafe member path"),
        ({"a/metadata.json": META, "b/model/model.bin": b"x"}, "exactly one top folder"),
        ({"pkg/metadata.json": b"{not json", "pkg/model/model.bin": b"x"}, "not valid JSON"),
        ({"pkg/metadata.json": b'{"from_code": "../x", "to_code": "fr"}'}, "no valid from_code"),
        (
            {
                "pkg/metadata.json": META,
                "pkg/model/model.bin": b"x",
                "pkg/sentencepiece.model": b"not a model",
            },
            "sentencepiece.model does not load",
        ),
    ],
)
def test_bad_packages_are_refused(tmp_path: Path, members: dict[str, bytes], message: str) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", members)
    models_dir = tmp_path / "deep" / "models"
    with pytest.raises(TranslationError, match=message.replace("(", r"\(")) as err:
        install_argos_package(archive, models_dir)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "evil").exists() and not (tmp_path / "deep" / "evil").exists()
    assert list_argos_packages(models_dir) == []
    leftovers = list((models_dir / "argos").iterdir()) if (models_dir / "argos").exists() else []
    assert leftovers == []


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "fake.argosmodel"
    bogus.write_text("this is not a zip")
    with pytest.raises(TranslationError, match="not an argos package \\(not a zip archive\\)"):
        install_argos_package(bogus, tmp_path / "models")
    with pytest.raises(TranslationError, match="does not exist"):
        install_argos_package(tmp_path / "missing.argosmodel", tmp_path / "models")


def test_failed_install_keeps_the_working_package(models: Path, tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", {"pkg/metadata.json": META})
    with pytest.raises(TranslationError):
        install_argos_package(archive, models)
    assert [p.version for p in list_argos_packages(models)] == ["1.0"]


def test_webconf_translate_takes_argos_where_it_has_the_pair_and_apertium_elsewhere(
    models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.run.translate_files import translate_files

    monkeypatch.setenv("WEBCONF_MODELS_DIR", str(models))
    source = tmp_path / "talk.en.vtt"
    source.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nVDAB helps the house\n\n"
        "00:00:03.000 --> 00:00:05.000\nof the city.\n",
        encoding="utf-8",
    )
    french, spanish = translate_files([source], ["fr", "es"], glossary=["VDAB"])
    assert "Machine translation from English by argos en_fr 1.0" in french.read_text("utf-8")
    assert "Machine translation from English by apertium" in spanish.read_text("utf-8")
    # the tiny model's random weights may drop the placeholder: never show it
    assert "ZZG" not in french.read_text("utf-8").upper()
    assert "VDAB" in spanish.read_text("utf-8")
