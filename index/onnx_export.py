"""The prepared embedding model exported for ONNX Runtime, once, beside its folder.

On these CPUs ONNX Runtime runs the model's twelve layers for a question in about half the time
torch takes, and answering then needs neither torch nor sentence-transformers (about 6 s of
imports). The word table (250,002 x 384) stays out of the graph as a NumPy file that is memory
mapped: only the rows of words actually seen are read, and loading the graph takes under a second
instead of parsing 470 MB. The folder is made from the sentence-transformers folder by torch (and
the `onnx` package) at set-up time; answering only reads it."""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Any

from index.model_prep import MARKER_NAME as MODEL_MARKER

# 2: attention, GELU and layer norms fused; 3: an int8 copy beside the float32 graph; 4: outlier
# channels in float32, tokens scaled one by one; 5: a second int8 copy with u8 weights, for AVX2 without VNNI
EXPORTER_VERSION = 5
MARKER_NAME = "onnx-export.json"
GRAPH = "layers.onnx"
# What answers and indexing run by default (`index.quantize`), by the weights' type this CPU's
# kernels take (`index.engines.int8_weights`): s8 with VNNI, u8 on plain AVX2.
INT8_GRAPHS = {"s8": "layers-int8.onnx", "u8": "layers-int8-u8.onnx"}
WORD_TABLE = "words.npy"


def onnx_folder(model_dir: Path) -> Path:
    return model_dir.with_name(f"{model_dir.name}-onnx")


def _fingerprint(model_dir: Path) -> dict[str, Any]:
    import onnxruntime

    from index.quantize import ALPHA, ATTENTION_ALPHA, OUTLIERS, PER_TOKEN, activations_digest

    marker = model_dir / MODEL_MARKER
    source = json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else {}
    return {
        "exporter_version": EXPORTER_VERSION,
        "model": source,
        "int8": {
            "alpha": ALPHA,
            "attention_alpha": ATTENTION_ALPHA,
            "outliers": OUTLIERS,
            "per_token": PER_TOKEN,
            "activations": activations_digest(),
            "onnxruntime": onnxruntime.__version__,  # its optimizer fuses and its quantizer writes the graphs
        },
    }


def is_ready(model_dir: Path) -> bool:
    """The export exists and was made from this model folder by this exporter."""
    try:
        marker = json.loads((onnx_folder(model_dir) / MARKER_NAME).read_text(encoding="utf-8"))
        return marker == _fingerprint(model_dir)
    except (OSError, ValueError):  # no export yet, or no activation measurements to key one by
        return False


def export(model_dir: Path) -> Path:
    """Export unless up to date; built in a temporary folder and renamed into place."""
    target = onnx_folder(model_dir)
    if is_ready(model_dir):
        return target
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        tmp.chmod(0o755)
        _write(model_dir, tmp)
        (tmp / MARKER_NAME).write_text(json.dumps(_fingerprint(model_dir), indent=2) + "\n", encoding="utf-8")
        if target.exists():
            stale = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
            target.rename(stale)
            shutil.rmtree(stale, ignore_errors=True)
        try:
            tmp.rename(target)
        except OSError:
            if not is_ready(model_dir):  # another process's export won the race only if it is complete
                raise
        return target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write(model_dir: Path, out: Path) -> None:
    import numpy as np

    from index.quantize import activations_file, quantize

    write_float32(model_dir, out)
    with np.load(activations_file()) as measured:
        activations = {name: measured[name] for name in measured.files}
    for weights, name in INT8_GRAPHS.items():  # both, whichever this CPU runs: the folder is the same on every machine
        quantize(out / GRAPH, out / name, activations, weights=weights)
        (out / name).chmod(0o644)


def write_float32(model_dir: Path, out: Path) -> None:
    """The word table and the fused float32 layers (what `bench/calibrate_int8.py` measures)."""
    import numpy as np
    import torch
    from transformers import AutoModel

    # Eager attention exports as the plain pattern ONNX Runtime's optimizer fuses into one Attention
    # operator; torch's fused attention would export as many small operators (1.6x slower on paragraphs).
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    table = model.get_input_embeddings().weight.detach().numpy().astype(np.float32)
    np.save(out / WORD_TABLE, table)
    (out / WORD_TABLE).chmod(0o644)

    class Layers(torch.nn.Module):
        """Everything after the word table: position and type embeddings, layer norm, the layers."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 1000, 2000, 2], [0, 3000, 2, 1]])
    mask = (ids != 1).long()
    with torch.inference_mode():
        example = model.get_input_embeddings()(ids)
    with warnings.catch_warnings():  # the exporter's notes on tracing, meant for model authors
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Layers(model),
            (example, mask),
            str(out / "traced.onnx"),
            input_names=["inputs_embeds", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("inputs_embeds", "attention_mask", "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )
    _fuse(out / "traced.onnx", out / GRAPH, model.config)
    (out / "traced.onnx").unlink()
    (out / GRAPH).chmod(0o644)


def _fuse(traced: Path, fused: Path, config) -> None:
    """BERT's attention, GELU and skip layer norms as ONNX Runtime's fused operators: a graph
    rewrite in Python, the same on any CPU (vectors equal the unfused graph's to 1e-6)."""
    from onnxruntime.transformers.optimizer import optimize_model

    model = optimize_model(
        str(traced), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size, opt_level=0
    )
    model.save_model_to_file(str(fused))
