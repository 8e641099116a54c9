"""Every setting of Article chat, read in one place from `ARTICLE_CHAT_*` environment variables.

CLI options override these per call; nothing else reads the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Offline by default: a hub lookup that cannot succeed retries for ~70 s before failing.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's queue re-summarises its last 10,000 events with pandas after every event unless told
# otherwise: 4 ms per answer after 500 answers, more the longer the server runs.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "500")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


# The answerers behind ARTICLE_CHAT_BACKEND: quotes only, or a language model (assistant/llm.py).
Backend = Literal["extractive", "openai", "ollama", "llamacpp"]
BACKENDS: tuple[Backend, ...] = get_args(Backend)


def _default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "article-chat"


class Settings(BaseSettings):
    """Defaults give a working offline app on a laptop; each field is `ARTICLE_CHAT_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="ARTICLE_CHAT_", extra="ignore")

    cache_dir: Path = Field(default_factory=_default_cache_dir)
    store_dir: Path | None = None
    embedding_model: str = "default"
    article: str = "default"
    backend: str = "extractive"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0
    llm_max_tokens: int | None = Field(default=None, ge=1)  # longest reply in tokens; None: 400 in process, the server's own limit
    llm_threads: int | None = None  # llama.cpp threads for the in-process model; None: one per core
    chroma_host: str | None = None
    chroma_port: int = 8000
    top_k: int = 10
    torch_threads: int = 1
    index_threads: int | None = None  # cores used while indexing; None: all of them
    engine: Literal["onnx", "onnx-float32", "torch"] = "onnx"  # what runs the default embedding model (any other runs in torch)
    query_cache: int = 2048
    refuse_threshold: float | None = None
    refuse_threshold_cross: float | None = None
    answerer: Literal["similarity", "learned"] = "similarity"
    learned_floor: float = 0.1
    max_question_chars: int = 4000
    max_article_bytes: int = 20_000_000
    mode: str = "answer"
    json_output: bool = Field(default=False, validation_alias=AliasChoices("ARTICLE_CHAT_JSON", "json_output"))
    history: Path | None = None
    batch: Path | None = None
    host: str = "127.0.0.1"
    port: int = 7860
    concurrency: int = 32
    mcp: bool = False

    @property
    def resolved_store_dir(self) -> Path:
        return self.store_dir or self.cache_dir / "store"

    @property
    def models_dir(self) -> Path:
        return self.cache_dir / "models"
