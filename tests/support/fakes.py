"""Fakes of the model services, for unit tests of the stage orchestration: they answer
like the real ones (faster-whisper, a translation engine) and record what they were
asked. Every stage also has tests with the real models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from pipeline.models.locate import WhisperModelInfo
from pipeline.transcribe.whisper import Recogniser, TranscribeOptions


@dataclass
class FakeWhisper:
    """Answers like faster-whisper: one segment per call, its words spread evenly over
    the audio it was given, and the call's arguments recorded."""

    multilingual: bool = True
    calls: list = None

    def __post_init__(self):
        self.calls = []
        self.model = SimpleNamespace(
            is_multilingual=self.multilingual,
            detect_language=lambda encoded: [
                [("<|fr|>", 0.9), ("<|en|>", 0.05), ("<|es|>", 0.05)]
            ]
            * len(encoded),
        )
        self.encoded: list[int] = []  # frames given to the encoder, per call

    def feature_extractor(self, samples):
        import numpy as np

        return np.zeros((80, len(samples) // 160 + 1), dtype=np.float32)

    def encode(self, features):
        self.encoded.append(features.shape[-1])
        return features

    def transcribe(self, samples, **kwargs):
        self.calls.append(kwargs)
        seconds = len(samples) / 16000
        text = "Bonjour tout le monde." if kwargs["task"] == "transcribe" else "Hello everyone."
        words = text.split()
        step = seconds / (len(words) + 1)
        stamps = [
            SimpleNamespace(
                word=f" {w}", start=step * (i + 0.5), end=step * (i + 1.2), probability=0.9
            )
            for i, w in enumerate(words)
        ]
        segment = SimpleNamespace(text=text, words=stamps, avg_logprob=-0.2, no_speech_prob=0.01)
        return iter([segment]), None

    def detect_language(self, audio):
        return "fr", 0.9, [("fr", 0.9), ("en", 0.05), ("es", 0.05)]


class FakeRecogniser(Recogniser):
    def __init__(self, model: FakeWhisper) -> None:
        info = WhisperModelInfo(name="fake", path=Path("/nonexistent"), sha256="fake")
        super().__init__(info, TranscribeOptions())
        self._model = model  # never loaded from disk


class FakeEngine:
    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], str, str]] = []

    def supports(self, source: str, target: str) -> bool:
        return True

    def describe(self, source: str, target: str) -> str:
        return f"fake {source}>{target}"

    def version(self) -> str:
        return "1.0"

    def translate(self, texts, source, target):
        self.calls.append((tuple(texts), source, target))
        return [f"[{target}] {t}" for t in texts]


class FakeEngines:
    speech_translation = False

    def __init__(self) -> None:
        self.engine = FakeEngine()

    def get(self, source: str, target: str) -> FakeEngine:
        return self.engine
