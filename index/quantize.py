"""The exported layers with int8 weights, smoothed first so that int8 keeps the vectors' meaning.

A question's forward pass in float32 reads all 84 MB of the layers' weights; with int8 weights
and ONNX Runtime's integer kernels it takes about a third of the time, and indexing about half.
Plain int8 lost too much in a first try (XQuAD en->ru recall@1 0.817 -> 0.804): a few input
channels of some layers carry activations 40 times larger than the rest, and one scale per tensor
then rounds the others away. Smoothing (Xiao et al., SmoothQuant, 2023) divides each input channel
by a factor and multiplies the matching weight row by it, which leaves the float32 product
unchanged and moves the range into the weights, where every output channel has its own scale.

The factors need each channel's largest activation, measured once on text and kept in
`index/data/int8_activations.npz` (`bench/calibrate_int8.py` makes it from XQuAD questions and
paragraphs in German, Spanish, Greek and Turkish: languages no benchmark here scores). Export reads
that file only, so every machine builds the same graph."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnx

ALPHA = 0.8  # how much of the range moves into the weights; 0.5-0.95 measured, 0.8 kept the vectors closest
ACTIVATIONS = "int8_activations.npz"


def activations_file() -> Path:
    """Package data, so an installed wheel exports the same graph as a checkout."""
    return Path(str(resources.files("index") / "data" / ACTIVATIONS))


def activations_digest() -> str:
    """Keys the export: new measurements make a new graph, and so new vectors and a new index."""
    return hashlib.sha256(activations_file().read_bytes()).hexdigest()[:16]


def _smoothable(model: onnx.ModelProto) -> list[onnx.NodeProto]:
    """Every matrix product with a constant weight: the layers' MatMuls and fused Attentions."""
    weights = {w.name for w in model.graph.initializer}
    return [n for n in model.graph.node if n.op_type in ("MatMul", "Attention") and len(n.input) > 1 and n.input[1] in weights]


def calibrate(graph: Path, batches: Iterable[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Each smoothable node's largest absolute input per channel over these inputs (one text each)."""
    import onnx
    import onnxruntime

    model = onnx.load(str(graph))
    nodes = _smoothable(model)
    names = list(dict.fromkeys(n.input[0] for n in nodes))
    for name in names:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    peaks: dict[str, np.ndarray] = {}
    for feed in batches:
        for name, value in zip(names, session.run(names, feed), strict=True):
            peak = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
            peaks[name] = np.maximum(peaks[name], peak) if name in peaks else peak
    return {n.name: peaks[n.input[0]].astype(np.float32) for n in nodes}


def smooth(model: onnx.ModelProto, activations: dict[str, np.ndarray], alpha: float = ALPHA) -> onnx.ModelProto:
    """Divide each constant-weight product's input channels by s = peak^alpha / weight_peak^(1-alpha)
    and multiply the weight rows by s: the same float32 outputs, ranges int8 can hold."""
    import onnx
    from onnx import numpy_helper

    weights = {w.name: w for w in model.graph.initializer}
    nodes = _smoothable(model)
    missing = [n.name for n in nodes if n.name not in activations]
    if missing:
        raise ValueError(f"no activation measurements for {len(missing)} nodes (first: {missing[0]}): run bench/calibrate_int8.py")
    for k, node in enumerate(nodes):
        weight = numpy_helper.to_array(weights[node.input[1]])
        factor = np.maximum(activations[node.name], 1e-5) ** alpha / np.maximum(np.abs(weight).max(axis=1), 1e-5) ** (1 - alpha)
        factor = factor.astype(np.float32)
        weights[node.input[1]].CopyFrom(numpy_helper.from_array(weight * factor[:, None], node.input[1]))
        inverse, smoothed = f"smoothing_{k}", f"smoothed_input_{k}"
        model.graph.initializer.append(numpy_helper.from_array((1.0 / factor).astype(np.float32), inverse))
        position = list(model.graph.node).index(node)
        model.graph.node.insert(position, onnx.helper.make_node("Mul", [node.input[0], inverse], [smoothed], name=f"Smoothing_{k}"))
        node.input[0] = smoothed
    return model


def quantize(graph: Path, out: Path, activations: dict[str, np.ndarray], alpha: float = ALPHA) -> None:
    """The smoothed graph with int8 weights (one scale per output channel) and int8 activations
    computed per run by ONNX Runtime."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    smoothed_graph = out.with_name(out.stem + "-smoothed.onnx")
    onnx.save(smooth(onnx.load(str(graph)), activations, alpha), str(smoothed_graph))
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # the quantizer's advice to preprocess, meant for image models
    try:
        quantize_dynamic(
            str(smoothed_graph),
            str(out),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # the fused operators' outputs carry no type
        )
    finally:
        logging.disable(previous)
        smoothed_graph.unlink(missing_ok=True)
