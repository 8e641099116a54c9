"""The exported layers with int8 weights, smoothed first so that int8 keeps the vectors' meaning.

A question's forward pass in float32 reads all 84 MB of the layers' weights; with int8 weights
and ONNX Runtime's integer kernels it takes about a third of the time, and indexing about half,
on a CPU with VNNI; on plain AVX2 (u8 weights, see `quantize`) about three quarters, and indexing
about the same time as float32.
Plain int8 lost too much in a first try (XQuAD en->ru recall@1 0.817 -> 0.804): a few input
channels of some layers carry activations 40 times larger than the rest, and one scale per tensor
then rounds the others away. Smoothing (Xiao et al., SmoothQuant, 2023) divides each input channel
by a factor and multiplies the matching weight row by it, which leaves the float32 product
unchanged and moves the range into the weights, where every output channel has its own scale.
Smoothing alone still left the vectors 6.4e-4 (1 - cosine) from float32's. Two more rewrites of
every MatMul cut that to 2.0e-4, for about 0.6 ms more per question: its four loudest channels
computed apart in float32, and each token scaled to its own range (the feed-forward outputs, whose
inputs peak in a few channels and a few tokens, held most of what was left).

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

# How much of the range moves into the weights, for MatMuls (whose largest channels leave int8 too)
# and for the fused Attentions (which keep all theirs): of 0.5-0.8 and 0.8-0.9, these kept the
# vectors closest to float32 on Romanian questions and Vietnamese paragraphs (docs/benchmarks.md).
ALPHA = 0.6
ATTENTION_ALPHA = 0.8
OUTLIERS = 4  # channels per MatMul computed in float32 beside the int8 product; 4, 8 and 16 measured
PER_TOKEN = True  # each token of a MatMul's input scaled to its own range
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


def _insert(model: onnx.ModelProto, node: onnx.NodeProto, before: list, after: list) -> None:
    """Put new nodes around `node`, keeping the graph's topological order."""
    position = list(model.graph.node).index(node)
    for j, new in enumerate(after):
        model.graph.node.insert(position + 1 + j, new)
    for j, new in enumerate(before):
        model.graph.node.insert(position + j, new)


def smooth(
    model: onnx.ModelProto,
    activations: dict[str, np.ndarray],
    alpha: float = ALPHA,
    attention_alpha: float = ATTENTION_ALPHA,
    outliers: int = OUTLIERS,
    per_token: bool = PER_TOKEN,
) -> onnx.ModelProto:
    """Divide each constant-weight product's input channels by s = peak^alpha / weight_peak^(1-alpha)
    and multiply the weight rows by s: the same float32 outputs, ranges int8 can hold.

    Two more rewrites of each MatMul (not of the fused Attentions, whose products feed a softmax),
    each leaving the float32 output unchanged:
    - its `outliers` channels with the largest peaks leave the int8 product (smoothing factor 0,
      weight rows 0 there); a float32 product of just those channels (`Outliers_k`, which
      `quantize` leaves in float32) is added to its output;
    - with `per_token`, each token's row is divided by its own largest value before the product and
      the product's row multiplied back, so that ONNX Runtime's one scale per run fits every token,
      not only the few whose activations are far larger than the others'."""
    from onnx import numpy_helper
    from onnx.helper import make_node

    weights = {w.name: w for w in model.graph.initializer}
    nodes = _smoothable(model)
    missing = [n.name for n in nodes if n.name not in activations]
    if missing:
        raise ValueError(f"no activation measurements for {len(missing)} nodes (first: {missing[0]}): run bench/calibrate_int8.py")

    def constant(value: np.ndarray, name: str) -> str:
        model.graph.initializer.append(numpy_helper.from_array(value, name))
        return name

    for k, node in enumerate(nodes):
        split = node.op_type == "MatMul"
        a = alpha if split else attention_alpha
        weight = numpy_helper.to_array(weights[node.input[1]])
        peak = activations[node.name]
        factor = np.maximum(peak, 1e-5) ** a / np.maximum(np.abs(weight).max(axis=1), 1e-5) ** (1 - a)
        inverse = (1.0 / factor).astype(np.float32)
        smoothed_weight = (weight * factor[:, None]).astype(np.float32)
        source, product = node.input[0], node.output[0]
        before = [make_node("Mul", [source, f"smoothing_{k}"], [f"smoothed_{k}"], name=f"Smoothing_{k}")]
        after = []
        node.input[0] = f"smoothed_{k}"
        int8_output = product  # what the int8 product, un-scaled, finally writes
        if split and outliers > 0:
            keep = np.sort(np.argsort(-peak, kind="stable")[:outliers]).astype(np.int64)
            inverse[keep] = 0.0
            smoothed_weight[keep] = 0.0
            channels = constant(keep, f"outlier_channels_{k}")
            rows = constant(weight[keep].astype(np.float32), f"outlier_weight_{k}")
            int8_output = f"int8_part_{k}"
            after += [
                make_node("Gather", [source, channels], [f"outlier_input_{k}"], axis=-1, name=f"OutlierGather_{k}"),
                make_node("MatMul", [f"outlier_input_{k}", rows], [f"outlier_part_{k}"], name=f"Outliers_{k}"),
                make_node("Add", [int8_output, f"outlier_part_{k}"], [product], name=f"OutlierAdd_{k}"),
            ]
        node.output[0] = int8_output
        if split and per_token:
            eps = constant(np.array(1e-6, np.float32), f"row_floor_{k}")
            before += [
                make_node("Abs", [f"smoothed_{k}"], [f"row_abs_{k}"], name=f"RowAbs_{k}"),
                # axes as an attribute: opset 17, as `onnx_export` writes the graph
                make_node("ReduceMax", [f"row_abs_{k}"], [f"row_peak_{k}"], axes=[-1], keepdims=1, name=f"RowPeak_{k}"),
                make_node("Max", [f"row_peak_{k}", eps], [f"row_scale_{k}"], name=f"RowFloor_{k}"),
                make_node("Div", [f"smoothed_{k}", f"row_scale_{k}"], [f"rows_scaled_{k}"], name=f"RowScale_{k}"),
            ]
            node.input[0], node.output[0] = f"rows_scaled_{k}", f"rows_product_{k}"
            # un-scaled first: the outlier Add, if any, reads its output
            after.insert(0, make_node("Mul", [f"rows_product_{k}", f"row_scale_{k}"], [int8_output], name=f"RowUnscale_{k}"))
        constant(inverse, f"smoothing_{k}")
        weights[node.input[1]].CopyFrom(numpy_helper.from_array(smoothed_weight, node.input[1]))
        _insert(model, node, before, after)
    return model


def quantize(graph: Path, out: Path, activations: dict[str, np.ndarray], weights: str = "s8", **options) -> None:
    """The smoothed graph with 8-bit weights (one scale per output channel) and u8 activations
    computed per run by ONNX Runtime, but for the float32 `Outliers_k` products; `options` go to
    `smooth`.

    `weights` "s8" (signed, symmetric) is what VNNI's u8 x s8 instruction takes. On plain AVX2 ONNX
    Runtime sums u8 x s8 products in pairs into 16 bits, which saturate: the vectors drifted 5.1e-4
    from float32's there, against 1.8e-4 with "u8" weights (asymmetric), whose kernel widens both
    sides to 16 bits first, for about 10% more time (docs/benchmarks.md, fifteenth session)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    smoothed_graph = out.with_name(out.stem + "-smoothed.onnx")
    smoothed_model = smooth(onnx.load(str(graph)), activations, **options)
    onnx.save(smoothed_model, str(smoothed_graph))
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # the quantizer's advice to preprocess, meant for image models
    try:
        quantize_dynamic(
            str(smoothed_graph),
            str(out),
            per_channel=True,
            weight_type={"s8": QuantType.QInt8, "u8": QuantType.QUInt8}[weights],
            op_types_to_quantize=["MatMul", "Attention"],
            nodes_to_exclude=[n.name for n in smoothed_model.graph.node if n.name.startswith("Outliers_")],
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # the fused operators' outputs carry no type
        )
    finally:
        logging.disable(previous)
        smoothed_graph.unlink(missing_ok=True)
