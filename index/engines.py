"""What runs the embedding model: ONNX Runtime for the prepared default model, torch for any other.

Both give, for texts with their e5 prompt, the normalised mean-pooled sentence vectors and the
token vectors with their character offsets (for word vectors). The caller (`Embedder`) holds the
model lock around every call: neither the tokenizer settings nor the sessions are shared unguarded."""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from index.onnx_export import GRAPH, INT8_GRAPHS, MARKER_NAME, WORD_TABLE

Int8Weights = Literal["s8", "u8"]


class Engine(Protocol):
    dim: int
    prompts: dict[str, str]
    vectors_id: str  # "" for the model's own float32 vectors; else what makes this engine's differ (keys the index)

    def lengths(self, texts: list[str], prompt: str) -> list[int]: ...

    def embed(self, texts: list[str], prompt: str, threads: int) -> np.ndarray: ...

    def tokens(self, texts: list[str], prompt: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Float32 token vectors (texts x tokens x dim), the mask of real tokens, character offsets into prompt + text."""
        ...


def int8_weights(flags: str | None = None) -> Int8Weights | None:
    """The int8 graph this CPU runs (its `/proc/cpuinfo` flags unless given), by the weights its
    kernels take, or None for float32. With VNNI (AVX-512 VNNI or AVX-VNNI): s8 weights, one
    instruction per product. On plain AVX2, u8 x s8 products saturate (ONNX Runtime's
    documentation; measured: 3 of 162 news answers lost), and the u8-weight graph drifts less than
    VNNI's. Other CPUs (no AVX2, ARM) were never measured."""
    if flags is None:
        try:
            flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    if re.search(r"\b(avx512_vnni|avx_vnni)\b", flags):
        return "s8"
    return "u8" if re.search(r"\bavx2\b", flags) else None


def mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the real tokens' vectors, normalised: what the model's Pooling and Normalize modules do."""
    weights = mask.astype(np.float32)[:, :, None]
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


class OnnxEngine:
    """The exported layers in ONNX Runtime, the word table memory mapped, the tokenizer from its file.
    One session per graph and thread count: ONNX Runtime fixes a session's threads when it is made.

    The int8 graph (`int8`: its weights' type) scales each run's activations by that run's largest value, so a
    text in a batch would get a vector that depends on its neighbours and their padding. It runs
    every text alone instead, on `threads` workers at once (one core each): the same vector for
    a text wherever it is embedded, and no padding to compute."""

    def __init__(self, model_dir: Path, export_dir: Path, int8: Int8Weights | None = "s8") -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._ort = onnxruntime
        self.quantized = int8 is not None
        self._graph = str(export_dir / (INT8_GRAPHS[int8] if int8 else GRAPH))
        self._float_graph = str(export_dir / GRAPH)
        self._table = np.load(export_dir / WORD_TABLE, mmap_mode="r")
        self._sessions: dict[tuple[int, str], object] = {}
        self._pools: dict[int, ThreadPoolExecutor] = {}
        self.dim = int(self._table.shape[1])
        marker = (export_dir / MARKER_NAME).read_bytes()
        self.vectors_id = f"onnx-int8-{int8}-{hashlib.sha256(marker).hexdigest()[:12]}" if int8 else ""
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.max_length = int(config.get("max_seq_length") or 512)
        st_config = model_dir / "config_sentence_transformers.json"
        prompts = json.loads(st_config.read_text(encoding="utf-8")).get("prompts") if st_config.exists() else None
        self.prompts = dict(prompts or {})
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_length)
        pad = self._tokenizer.token_to_id("<pad>")
        self._tokenizer.enable_padding(pad_id=1 if pad is None else pad, pad_token="<pad>")
        self._session(1)  # made now, not on the first question; the float32 one for word vectors (claim
        # checks, the learned answerer) on first use: about 90 MB that plain answers never need

    def _session(self, threads: int, graph: str | None = None):
        graph = graph or self._graph
        session = self._sessions.get((threads, graph))
        if session is None:
            options = self._ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            session = self._sessions[(threads, graph)] = self._ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        return session

    def _encode(self, texts: list[str], prompt: str):
        return self._tokenizer.encode_batch([prompt + t for t in texts])

    def lengths(self, texts: list[str], prompt: str) -> list[int]:
        return [sum(e.attention_mask) for e in self._encode(texts, prompt)]

    def _feed(self, ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        """The graph's inputs for token ids (texts x tokens) and their mask."""
        return {"inputs_embeds": np.ascontiguousarray(self._table[ids], dtype=np.float32), "attention_mask": mask}

    def _hidden(self, encodings, threads: int, exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        if not self.quantized or exact:
            return self._session(threads, self._float_graph).run(None, self._feed(ids, mask))[0], mask
        real = mask.sum(axis=1)
        session = self._session(1)

        def alone(i: int) -> np.ndarray:
            n = int(real[i])
            return session.run(None, self._feed(ids[i : i + 1, :n], mask[i : i + 1, :n]))[0][0]

        if threads > 1 and len(ids) > 1:
            rows = list(self._pool(threads).map(alone, range(len(ids))))
        else:
            rows = [alone(i) for i in range(len(ids))]
        hidden = np.zeros((len(ids), ids.shape[1], self.dim), dtype=np.float32)
        for i, row in enumerate(rows):
            hidden[i, : len(row)] = row
        return hidden, mask

    def _pool(self, threads: int) -> ThreadPoolExecutor:
        """Workers for texts run side by side; ONNX Runtime runs a one-thread session on the caller's thread."""
        pool = self._pools.get(threads)
        if pool is None:
            pool = self._pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="onnx-text")
        return pool

    def embed(self, texts: list[str], prompt: str, threads: int = 1) -> np.ndarray:
        return mean_pooled(*self._hidden(self._encode(texts, prompt), threads))

    def tokens(self, texts: list[str], prompt: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Always from the float32 graph: claim checks compare word vectors one by one against
        thresholds fitted on float32 ("five" / "три" at 0.77), where int8's small drift flips
        verdicts; a sentence's embedding averages that drift away."""
        encodings = self._encode(texts, prompt)
        hidden, mask = self._hidden(encodings, 1, exact=True)
        offsets = np.array([e.offsets for e in encodings], dtype=np.int64).reshape(len(encodings), -1, 2)
        return hidden, mask, offsets


class TorchEngine:
    """A sentence-transformers model in torch: any model a path or hub name gives."""

    def __init__(self, name_or_path: str, threads: int = 1) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        self._threads = threads
        torch.set_num_threads(threads)
        self.model = SentenceTransformer(name_or_path, device="cpu", local_files_only=Path(name_or_path).expanduser().exists())
        self.model.eval()  # once: embed does not switch modes per call
        prompts = dict(getattr(self.model, "prompts", {}) or {})
        if "query" not in prompts and "e5" in name_or_path.lower():
            prompts = {"query": "query: ", "passage": "passage: "}
        self.prompts = prompts
        self.dim = int(self.model.get_embedding_dimension())
        self.vectors_id = ""
        self.max_length = int(getattr(self.model, "max_seq_length", 512) or 512)

    def lengths(self, texts: list[str], prompt: str) -> list[int]:
        encoded = self.model.tokenizer([prompt + t for t in texts], truncation=True, max_length=self.max_length)
        return [len(ids) for ids in encoded["input_ids"]]

    def embed(self, texts: list[str], prompt: str, threads: int = 1) -> np.ndarray:
        """The model's own preprocessing and modules (transformer, mean pooling, normalisation),
        without `encode()`'s per-call search of 200 parameters for a device and switch to eval mode."""
        torch = self._torch
        torch.set_num_threads(threads)
        try:
            with torch.inference_mode():
                features = self.model.preprocess(texts, prompt=prompt)
                vectors = self.model(features)["sentence_embedding"][:, : self.dim]  # a model's truncate_dim, if set
                return torch.nn.functional.normalize(vectors.float(), p=2, dim=1).numpy()
        finally:
            torch.set_num_threads(self._threads)

    def tokens(self, texts: list[str], prompt: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        torch = self._torch
        enc = self.model.tokenizer(
            [prompt + t for t in texts],
            return_offsets_mapping=True,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        offsets = enc.pop("offset_mapping").numpy()
        with torch.inference_mode():
            inputs = {k: v for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
            hidden = self.model[0].auto_model(**inputs).last_hidden_state.float().numpy()
        return hidden, enc["attention_mask"].numpy(), offsets
