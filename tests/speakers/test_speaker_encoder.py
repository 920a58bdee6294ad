"""The speaker encoder in numpy against the same network in PyTorch, on real speech,
and the weights reader against files that are not the model."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import ModelMissingError
from pipeline.speakers.encoder import (
    MEL_BANDS,
    SpeakerEncoder,
    mel_frames,
    read_weights,
    speaker_model,
)

VOXPOPULI = Path(__file__).resolve().parents[3] / "shared/speech/voxpopuli/voxpopuli-en-000.ogg"


def windows(count: int) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(VOXPOPULI), "-f", "f32le", "-ac", "1", "-ar",
         "16000", "pipe:"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    x = np.frombuffer(raw, dtype=np.float32)
    return np.stack([x[i * 12_000 : i * 12_000 + 25_600] for i in range(count)])


def test_the_numpy_encoder_gives_the_embeddings_of_the_network_in_torch():
    torch = pytest.importorskip("torch")  # in the venv (argostranslate needs it)
    info = speaker_model()

    class Network(torch.nn.Module):  # Resemblyzer's VoiceEncoder, as it defines it
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(MEL_BANDS, 256, 3, batch_first=True)
            self.linear = torch.nn.Linear(256, 256)

        def forward(self, mels):
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.clamp(raw.norm(dim=1, keepdim=True), min=1e-8)

    network = Network()
    state = torch.load(info.path, map_location="cpu", weights_only=True)["model_state"]
    network.load_state_dict({k: v for k, v in state.items() if k in network.state_dict()})
    batch = windows(40)
    ours = SpeakerEncoder(info).embed(batch, batch=16)  # three batches, the last short
    from pipeline.speakers.encoder import louder

    mels = np.stack([mel_frames(louder(w)) for w in batch])
    with torch.inference_mode():
        theirs = network.eval()(torch.from_numpy(mels)).numpy()
    assert ours.shape == (40, 256)
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_a_run_never_imports_torch(tmp_path):
    code = (
        "import sys; from pipeline.speakers.encoder import SpeakerEncoder, speaker_model;"
        "import numpy as np; SpeakerEncoder(speaker_model()).embed(np.zeros((2, 25600), "
        "np.float32)); print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert out.stdout.strip() == "False"


def legacy(tmp_path: Path, payload: object, name: str = "model.bin") -> Path:
    path = tmp_path / name
    with path.open("wb") as fh:
        for part in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}, payload):
            pickle.dump(part, fh, protocol=2)
    return path


class _Sneaky:
    def __reduce__(self):
        return (print, ("pwned",))


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pickle at all", b"PK\x03\x04zip"],
    ids=["empty", "text", "a zip"],
)
def test_a_file_that_is_not_the_model_is_one_clear_error(tmp_path, content):
    path = tmp_path / "model.bin"
    path.write_bytes(content)
    with pytest.raises(ModelMissingError, match=r"model.bin .*make models") as error:
        read_weights(path)
    assert "\n" not in str(error.value)


def test_a_weights_file_naming_any_other_code_is_refused_before_it_runs(tmp_path, capsys):
    with pytest.raises(ModelMissingError, match=r"\.print, not only weights; run `make models`$"):
        read_weights(legacy(tmp_path, {"model_state": _Sneaky()}))
    assert "pwned" not in capsys.readouterr().out
