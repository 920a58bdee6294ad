"""Voice embeddings: a speaker's voice as a 256-number vector, one per stretch of speech.

The model is Resemblyzer's pretrained speaker encoder (a GE2E-trained 3-layer LSTM over
40 mel bands, Apache-2.0), the one speaker model a registry package ships with its
weights: `make models` takes `resemblyzer/pretrained.pt` out of the PyPI wheel into
`models/speaker-encoder/` and checks its sha256. The network is small enough to write
here in numpy, like the mel front end, so the run needs neither torch nor the
`resemblyzer` package, librosa, scipy or webrtcvad.
"""

from __future__ import annotations

import collections
import functools
import os
import pickle
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
# Windows per pass through the network, and passes side by side: numpy's matrix
# products run on one thread in a run (`same_numbers`), each pass computes alone, so
# two threads give the same numbers twice as fast. Measured per 1.6 s window on this
# 2-core machine: 4.4 ms on one thread, 2.3 ms on two (PyTorch's LSTM: 1.4 ms, after
# 0.9 s to import torch).
BATCH = 64
CHUNK = 16  # frames whose input projection is computed at once (4 MB, not 42 MB)
WORKERS = max(1, min(2, os.cpu_count() or 1))


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
    """The network; `embed` maps equal-length sample windows to unit vectors.

    Written in numpy (a 3-layer LSTM and a linear layer, PyTorch's equations) over the
    weights read straight from the file (`read_weights`), so a run never imports
    torch: that import alone took 0.9 s and 200 MB of memory in every run."""

    def __init__(self, info: SpeakerModelInfo) -> None:
        self.info = info
        weights = read_weights(info.path)
        try:
            self._layers = [
                (
                    np.ascontiguousarray(weights[f"lstm.weight_ih_l{k}"].T),
                    np.ascontiguousarray(weights[f"lstm.weight_hh_l{k}"].T),
                    weights[f"lstm.bias_ih_l{k}"] + weights[f"lstm.bias_hh_l{k}"],
                )
                for k in range(3)
            ]
            weight, bias = weights["linear.weight"], weights["linear.bias"]
            self._linear = (np.ascontiguousarray(weight.T), bias)
        except KeyError as missing:
            raise ModelMissingError(
                f"{info.path} is not the speaker encoder (no {missing}); run `make models`"
            ) from None

    def embed(self, windows: np.ndarray, batch: int = BATCH) -> np.ndarray:
        """(n, samples) float32 windows -> (n, 256) unit embeddings."""
        if len(windows) == 0:
            return np.zeros((0, 256), dtype=np.float32)
        mels = np.stack([mel_frames(louder(w)) for w in windows])
        batch = max(1, min(batch, -(-len(mels) // WORKERS)))  # every worker has a share
        parts = [mels[at : at + batch] for at in range(0, len(mels), batch)]
        if len(parts) == 1:
            return self._forward(parts[0])
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return np.concatenate(list(pool.map(self._forward, parts)))

    def _forward(self, x: np.ndarray) -> np.ndarray:
        """(batch, frames, 40) mel frames -> (batch, 256) unit embeddings."""
        x = np.ascontiguousarray(x.transpose(1, 0, 2))  # frames first: each step contiguous
        for w_in, w_hidden, bias in self._layers:
            x, last = _lstm_layer(x, w_in, w_hidden, bias)
        weight, bias = self._linear
        raw = np.maximum(last @ weight + bias, 0.0)
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-8)


def _lstm_layer(
    x: np.ndarray, w_in: np.ndarray, w_hidden: np.ndarray, bias: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM layer over (frames, batch, inputs): every frame's hidden state and the
    last one. Gates in PyTorch's order (input, forget, cell, output); the sigmoid as
    (1 + tanh(z/2)) / 2, which cannot overflow."""
    size = w_hidden.shape[0]
    frames, batch, _ = x.shape
    hidden = np.zeros((batch, size), dtype=np.float32)
    cell = np.zeros((batch, size), dtype=np.float32)
    out = np.empty((frames, batch, size), dtype=np.float32)
    z = np.empty((batch, 4 * size), dtype=np.float32)
    for t in range(frames):
        if t % CHUNK == 0:  # the inputs' part of the gates, a few frames at a time
            ahead = x[t : t + CHUNK]
            given = (ahead.reshape(-1, ahead.shape[2]) @ w_in + bias).reshape(
                len(ahead), batch, 4 * size
            )
        np.matmul(hidden, w_hidden, out=z)
        z += given[t % CHUNK]
        candidate = np.tanh(z[:, 2 * size : 3 * size])
        i_f = np.tanh(z[:, : 2 * size] * 0.5)
        i_f *= 0.5
        i_f += 0.5
        o = np.tanh(z[:, 3 * size :] * 0.5)
        o *= 0.5
        o += 0.5
        cell *= i_f[:, size:]
        cell += i_f[:, :size] * candidate
        np.multiply(o, np.tanh(cell), out=hidden)
        out[t] = hidden
    return out, hidden


# PyTorch's legacy file format (the encoder was saved in it): five pickles (a magic
# number, the protocol, the machine's sizes, the object, the storage keys), then each
# storage's element count and bytes. Only these names may appear in it.
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_TYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64,
                  "HalfStorage": np.float16, "LongStorage": np.int64, "IntStorage": np.int32,
                  "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
                  "BoolStorage": np.bool_}  # fmt: skip


@dataclass
class _Storage:
    dtype: type
    count: int
    data: np.ndarray | None = None


@dataclass(frozen=True)
class _View:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]

    def array(self) -> np.ndarray:
        assert self.storage.data is not None
        data = self.storage.data[self.offset :]
        size = data.itemsize
        return np.lib.stride_tricks.as_strided(
            data, self.shape, tuple(s * size for s in self.strides)
        ).copy()


def _view(storage: _Storage, offset: int, shape: tuple, strides: tuple, *_: object) -> _View:
    return _View(storage, offset, tuple(shape), tuple(strides))


class _Reader(pickle.Unpickler):
    """Reads the tensors' places, nothing else: any other class is refused."""

    def __init__(self, fh: BinaryIO, where: Path) -> None:
        super().__init__(fh)
        self.where = where
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> object:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _view
        if module == "torch" and name in _STORAGE_TYPES:
            return _STORAGE_TYPES[name]
        raise ModelMissingError(
            f"{self.where} holds {module}.{name}, not only weights; run `make models`"
        )

    def persistent_load(self, pid: object) -> _Storage:
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise ValueError("not a PyTorch weights file")
        _, dtype, key, _, count, view = pid
        if view is not None:
            raise ValueError("it uses storage views, which are not read")
        return self.storages.setdefault(key, _Storage(dtype, count))


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """The `model_state` tensors of a PyTorch file in the legacy format, as arrays;
    ModelMissingError when the file is anything else."""
    try:
        with path.open("rb") as fh:
            if pickle.load(fh) != _LEGACY_MAGIC or pickle.load(fh) != 1001:
                raise ValueError("not a PyTorch weights file")
            if not pickle.load(fh).get("little_endian", False):
                raise ValueError("written on a big-endian machine")
            reader = _Reader(fh, path)
            saved = reader.load()
            for key in _Reader(fh, path).load():
                storage = reader.storages[key]
                count = int.from_bytes(fh.read(8), "little")
                raw = fh.read(count * np.dtype(storage.dtype).itemsize)
                storage.data = np.frombuffer(raw, dtype=storage.dtype, count=count)
            state = saved["model_state"]
            return {name: view.array() for name, view in state.items()}
    except ModelMissingError:
        raise
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError,
            pickle.UnpicklingError) as exc:  # fmt: skip
        raise ModelMissingError(
            f"{path} cannot be read as the speaker model ({' '.join(str(exc).split())}); "
            "run `make models`"
        ) from None


@functools.lru_cache(maxsize=2)
def loaded_encoder(info: SpeakerModelInfo) -> SpeakerEncoder:
    """The encoder, loaded once per process: a batch worker runs many recordings."""
    return SpeakerEncoder(info)
