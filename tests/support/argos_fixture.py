"""Build a tiny, random-weight Argos Translate package offline, for tests.

Real packages are hundreds of megabytes and need a download; this one is a
few hundred kilobytes, built in about a second from a SentencePiece model
trained on the lines below and a one-layer CTranslate2 Transformer whose
weights are random. Its translations are gibberish: it exercises mechanics
(install, listing, tokenisation, batching), never quality.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import model_spec, transformer_spec

_CORPUS = [
    "The house is big.",
    "The cat sleeps on the red chair.",
    "We met the director of the employment service yesterday.",
    "La maison est grande.",
    "Le chat dort sur la chaise rouge.",
    "Nous avons rencontré le directeur du service de l'emploi hier.",
    "La casa es grande.",
    "El gato duerme en la silla roja.",
    "Ayer nos reunimos con el director del servicio de empleo.",
    "Public employment services help people find work.",
    "Les services publics de l'emploi aident les gens à trouver du travail.",
    "Los servicios públicos de empleo ayudan a encontrar trabajo.",
    "Thank you very much for your attention.",
    "Merci beaucoup pour votre attention.",
    "Muchas gracias por su atención.",
    "Good morning everyone, welcome to this session.",
    "Bonjour à tous, bienvenue à cette session.",
    "Buenos días a todos, bienvenidos a esta sesión.",
    "The next speaker will talk about digital tools.",
    "Le prochain orateur parlera des outils numériques.",
    "El próximo ponente hablará de herramientas digitales.",
    "Questions from the audience are welcome.",
    "Les questions du public sont les bienvenues.",
    "Las preguntas del público son bienvenidas.",
    "1 2 3 4 5 6 7 8 9 0 , ; : ! ? ' \" ( ) -",
]

_D_MODEL = 16
_FFN = 32
_HEADS = 2


def _train_sentencepiece() -> bytes:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_CORPUS * 4),
        model_writer=model,
        vocab_size=100,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        minloglevel=2,
    )
    return model.getvalue()


def _shape(name: str, vocab: int) -> tuple[int, ...]:
    """Shape of one Transformer weight, from its scope name in the spec."""
    d, f = _D_MODEL, _FFN
    if name.endswith(("layer_norm/gamma", "layer_norm/beta")):
        return (d,)
    if "embeddings" in name or name == "decoder/projection/weight":
        return (vocab, d)
    if name == "decoder/projection/bias":
        return (vocab,)
    is_bias = name.endswith("/bias")
    if "/ffn/linear_0/" in name:
        return (f,) if is_bias else (f, d)
    if "/ffn/linear_1/" in name:
        return (d,) if is_bias else (d, f)
    if "self_attention/linear_0/" in name:  # fused q, k, v
        return (3 * d,) if is_bias else (3 * d, d)
    if "/attention/linear_1/" in name and "self_attention" not in name:  # fused k, v
        return (2 * d,) if is_bias else (2 * d, d)
    if "attention/linear_" in name:
        return (d,) if is_bias else (d, d)
    raise AssertionError(f"unexpected weight {name}")


def _build_model(model_dir: Path, tokens: list[str], seed: int) -> None:
    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=_HEADS)

    def fill(layer: object, name: str, value: object) -> None:
        attr = name.rsplit("/", 1)[-1]
        # Biases are optional in the spec; set them so the model looks like a real one.
        is_bias = attr == "bias" and ("/linear_" in name or "/projection/" in name)
        if value is None or is_bias:
            shape = _shape(name, len(tokens))
            if attr == "gamma":
                array = np.ones(shape, dtype=np.float32)
            else:
                array = (rng.standard_normal(shape) * 0.1).astype(np.float32)
            setattr(layer, attr, array)

    model_spec.visit_spec(spec, fill)
    # Random weights tend to emit </s> at once; discourage it so translations are
    # non-empty gibberish that still ends within the decoder's length limit.
    spec.decoder.projection.bias[tokens.index("</s>")] = -3.0
    spec.register_source_vocabulary(tokens)
    spec.register_target_vocabulary(tokens)
    spec.validate()
    model_dir.mkdir(parents=True)
    spec.save(str(model_dir))


def build_tiny_argosmodel(
    dest: Path,
    from_code: str = "en",
    to_code: str = "fr",
    *,
    version: str = "1.0",
    target_prefix: str = "",
    seed: int = 0,
) -> Path:
    """Write `dest/translate-<from>_<to>.argosmodel` and return its path.

    With `target_prefix` the token is added to the vocabulary and written to
    metadata.json, like multilingual Argos packages do.
    """
    dest.mkdir(parents=True, exist_ok=True)
    sp_bytes = _train_sentencepiece()
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    tokens = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    if target_prefix:
        tokens.append(target_prefix)

    top = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    metadata = {
        "package_version": version,
        "argos_version": "1.11.0",
        "from_code": from_code,
        "to_code": to_code,
        "name": f"Tiny {from_code}->{to_code} (random weights, tests only)",
        "type": "translate",
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix

    archive = dest / f"translate-{from_code}_{to_code}.argosmodel"
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        _build_model(model_dir, tokens, seed)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2))
            zf.writestr(f"{top}/sentencepiece.model", sp_bytes)
            zf.writestr(f"{top}/README.md", "Random weights, for tests only.\n")
            for file in sorted(model_dir.iterdir()):
                zf.write(file, f"{top}/model/{file.name}")
    return archive
