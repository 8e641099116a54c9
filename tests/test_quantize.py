"""The int8 export's two steps on a small hand-made graph (no model): measuring each product's
input range, and smoothing then quantizing, which must keep the graph's outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from index.engines import int8_weights
from index.quantize import OUTLIERS, activations_digest, activations_file, calibrate, quantize, smooth


def _graph(path: Path, rng: np.random.Generator) -> None:
    """x (n x 16) -> MatMul -> Relu -> MatMul -> y (n x 8); x's channel 3 runs 50 times larger."""
    first = numpy_helper.from_array(rng.normal(size=(16, 32)).astype(np.float32), "w1")
    second = numpy_helper.from_array(rng.normal(size=(32, 8)).astype(np.float32), "w2")
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h"], name="first"),
        helper.make_node("Relu", ["h"], ["r"], name="relu"),
        helper.make_node("MatMul", ["r", "w2"], ["y"], name="second"),
    ]
    graph = helper.make_graph(
        nodes,
        "small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 8])],
        [first, second],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def _inputs(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.normal(size=(n, 16)).astype(np.float32)
    x[:, 3] *= 50
    return x


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]


def test_calibration_records_each_products_largest_input_per_channel(tmp_path):
    rng = np.random.default_rng(0)
    _graph(tmp_path / "g.onnx", rng)
    batches = [_inputs(rng, 5) for _ in range(3)]
    peaks = calibrate(tmp_path / "g.onnx", ({"x": b} for b in batches))
    assert sorted(peaks) == ["first", "second"]
    everything = np.concatenate(batches)
    assert np.allclose(peaks["first"], np.abs(everything).max(axis=0))
    hidden = np.maximum(everything @ numpy_helper.to_array(onnx.load(str(tmp_path / "g.onnx")).graph.initializer[0]), 0)
    assert np.allclose(peaks["second"], hidden.max(axis=0), rtol=1e-5)


def test_the_rewrites_alone_keep_the_float32_outputs(tmp_path):
    """Channels divided and weight rows multiplied by the same factors, the loudest channels in a
    product of their own, each token divided by its peak and multiplied back: the same outputs."""
    rng = np.random.default_rng(3)
    _graph(tmp_path / "g.onnx", rng)
    peaks = calibrate(tmp_path / "g.onnx", ({"x": _inputs(rng, 8)} for _ in range(4)))
    onnx.save(smooth(onnx.load(str(tmp_path / "g.onnx")), peaks), str(tmp_path / "smoothed.onnx"))
    x = _inputs(rng, 20)
    exact, smoothed = _run(tmp_path / "g.onnx", x), _run(tmp_path / "smoothed.onnx", x)
    assert np.allclose(smoothed, exact, rtol=1e-5, atol=1e-4 * np.abs(exact).max())
    weights = {w.name: numpy_helper.to_array(w) for w in onnx.load(str(tmp_path / "smoothed.onnx")).graph.initializer}
    assert not np.allclose(weights["w1"], numpy_helper.to_array(onnx.load(str(tmp_path / "g.onnx")).graph.initializer[0]))


@pytest.mark.parametrize("kind", ["s8", "u8"])
def test_smoothed_int8_graph_keeps_the_outputs(tmp_path, kind):
    """Either weight type (s8 for VNNI, u8 for plain AVX2), run on whatever this CPU is."""
    rng = np.random.default_rng(1)
    _graph(tmp_path / "g.onnx", rng)
    peaks = calibrate(tmp_path / "g.onnx", ({"x": _inputs(rng, 8)} for _ in range(4)))
    quantize(tmp_path / "g.onnx", tmp_path / "int8.onnx", peaks, weights=kind)
    model = onnx.load(str(tmp_path / "int8.onnx"))
    nodes = model.graph.node
    assert sum(n.name.startswith("Smoothing_") for n in nodes) == 2  # both products smoothed
    integer = [n for n in nodes if n.op_type == "MatMulInteger"]
    assert len(integer) == 2  # and integer
    weights = {w.name: numpy_helper.to_array(w) for w in model.graph.initializer}
    assert {weights[n.input[1]].dtype for n in integer} == {np.dtype(np.int8 if kind == "s8" else np.uint8)}
    # what stays float32: only each product's few outlier channels
    floats = [n for n in nodes if n.op_type == "MatMul"]
    assert [n.name for n in floats] == ["Outliers_0", "Outliers_1"]
    assert all(weights[n.input[1]].shape[0] == OUTLIERS for n in floats)
    x = _inputs(rng, 20)
    x[5] = 0.0  # a row of zeros keeps its scale's floor: no division by zero
    exact, ours = _run(tmp_path / "g.onnx", x), _run(tmp_path / "int8.onnx", x)
    assert np.isfinite(ours).all()
    rows = np.linalg.norm(exact, axis=1) > 0
    cos = (exact * ours).sum(axis=1)[rows] / np.linalg.norm(exact, axis=1)[rows] / np.linalg.norm(ours, axis=1)[rows]
    assert cos.min() > 0.999
    assert np.allclose(ours[~rows], 0.0, atol=1e-6)
    assert not (tmp_path / "int8-smoothed.onnx").exists()


@pytest.mark.skipif(int8_weights() is None, reason="neither AVX2 nor VNNI: the default engine runs float32 here")
def test_outlier_channels_and_token_scales_each_bring_int8_closer(tmp_path):
    """Channel 3 runs 50 times larger and a few tokens 20 times: either rewrite alone beats plain
    smoothing, and both together beat either, with the weights this CPU's engine runs."""
    rng = np.random.default_rng(4)
    _graph(tmp_path / "g.onnx", rng)

    def loud(n: int) -> np.ndarray:
        x = _inputs(rng, n)
        x[:: max(1, n // 3)] *= 20
        return x

    peaks = calibrate(tmp_path / "g.onnx", ({"x": loud(12)} for _ in range(4)))
    x = loud(60)
    exact = _run(tmp_path / "g.onnx", x)
    error = {}
    for outliers, per_token in ((0, False), (1, False), (0, True), (1, True)):
        out = tmp_path / f"int8-{outliers}-{per_token}.onnx"
        quantize(tmp_path / "g.onnx", out, peaks, weights=int8_weights(), outliers=outliers, per_token=per_token)
        error[outliers, per_token] = float(np.linalg.norm(_run(out, x) - exact) / np.linalg.norm(exact))
    plain = error[0, False]
    assert error[1, False] < plain and error[0, True] < plain
    assert error[1, True] < min(error[1, False], error[0, True])


@pytest.mark.parametrize(
    ("flags", "weights"),
    [
        ("fpu sse2 avx avx2 fma avx512f avx512bw avx512_vnni", "s8"),  # AVX-512 VNNI (Xeon, EPYC Zen 4)
        ("fpu sse2 avx avx2 fma avx_vnni", "s8"),  # AVX-VNNI (Alder Lake and later)
        ("fpu sse2 avx avx2 fma avx512f avx512bw", "u8"),  # AVX-512 without VNNI: the same pair sums as AVX2
        ("fpu sse2 avx avx2 fma", "u8"),  # plain AVX2 (EPYC Zen 2/3)
        ("fpu sse2 avx", None),  # never measured: float32
        ("Features: fp asimd asimddp", None),  # ARM
        ("", None),
    ],
)
def test_each_cpu_gets_the_int8_graph_its_kernels_suit(flags, weights):
    assert int8_weights(flags) == weights


def test_a_product_without_measurements_is_refused(tmp_path):
    _graph(tmp_path / "g.onnx", np.random.default_rng(2))
    with pytest.raises(ValueError, match="calibrate_int8"):
        quantize(tmp_path / "g.onnx", tmp_path / "int8.onnx", {"first": np.ones(16, np.float32)})
    assert not (tmp_path / "int8.onnx").exists()


def test_the_shipped_measurements_cover_the_default_models_products():
    """48 products: each layer's fused attention, its output, and the two feed-forward ones."""
    with np.load(activations_file()) as measured:
        names = measured.files
        assert len(names) == 48
        assert sum(n.startswith("Attention_") for n in names) == 12
        assert all(measured[n].ndim == 1 and (measured[n] > 0).all() for n in names)
    assert len(activations_digest()) == 16


def test_new_measurements_make_a_new_export(settings, monkeypatch):
    """The measurements' digest keys the export: changed, the prepared folder is no longer ready."""
    from index.embeddings import resolve_model
    from index.onnx_export import export, is_ready

    name, _ = resolve_model(settings.embedding_model, settings.models_dir)
    export(Path(name))
    assert is_ready(Path(name))
    monkeypatch.setattr("index.quantize.activations_digest", lambda: "0" * 16)
    assert not is_ready(Path(name))
