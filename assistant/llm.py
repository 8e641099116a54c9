"""Language models behind one setting: any OpenAI-compatible endpoint, Ollama, or a GGUF file
run in-process by llama.cpp (through cyllama, an optional extra).

Clients are LangChain chat models, created only when a backend other than `extractive` is chosen;
nothing here runs, or reaches the network, for the offline default."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from settings import BACKENDS, Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseLanguageModel

GGUF_CONTEXT = 4096
GGUF_MAX_TOKENS = 400  # answers are at most 5 sentences; summaries and verdicts one


class LLMUnavailable(RuntimeError):
    """The configured model cannot be used; the message says why and what to set."""


def make_chat_model(settings: Settings) -> BaseLanguageModel | None:
    backend = settings.backend
    if backend == "extractive":
        return None
    if backend not in BACKENDS:
        raise LLMUnavailable(f"Unknown backend '{backend}'; use one of: {', '.join(BACKENDS)}.")
    if not settings.llm_model:
        raise LLMUnavailable(f"The {backend} backend needs a model name: --llm-model NAME (ARTICLE_CHAT_LLM_MODEL).")
    if backend == "llamacpp":
        threads = settings.llm_threads or len(os.sched_getaffinity(0))
        return _gguf(Path(settings.llm_model).expanduser(), threads, settings.llm_max_tokens or GGUF_MAX_TOKENS)
    if backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # local servers take any key
            temperature=0,
            timeout=settings.llm_timeout,
            max_tokens=settings.llm_max_tokens,
            max_retries=0,  # a failing model falls back to quotes at once; retrying only delays that
        )
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=settings.llm_model,
        base_url=settings.llm_base_url or "http://127.0.0.1:11434",
        temperature=0,
        num_predict=settings.llm_max_tokens,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def _gguf(path: Path, threads: int, max_tokens: int) -> BaseLanguageModel:
    """A local GGUF file, run in this process: no server, no network."""
    try:
        from cyllama.integrations.langchain import CyllamaLLM
    except ImportError as exc:
        raise LLMUnavailable("The llamacpp backend runs GGUF files with cyllama: pip install -e '.[llamacpp]'.") from exc
    if not path.is_file():
        raise LLMUnavailable(f"No GGUF file at {path}: give its path with --llm-model.")
    threaded = _with_threads(CyllamaLLM)
    return threaded(model_path=str(path), temperature=0.0, max_tokens=max_tokens, n_ctx=GGUF_CONTEXT, n_threads=threads)


@functools.cache
def _with_threads(base: type) -> type:
    """llama.cpp starts 4 threads whatever the machine, and cyllama has no setting for it. Its
    threads wait by spinning: on 2 idle cores 100 tokens from Gemma-3-270M took 22 s with 4 threads,
    11 s with 2, 17 s with 1; with the other core busy, 2 spin against the load
    (`ARTICLE_CHAT_LLM_THREADS=1`). The model still loads on first use, as cyllama's does."""

    class ThreadedCyllamaLLM(base):
        n_threads: int

        @property
        def generator(self):
            if self._generator is None:
                core = super().generator
                make_context = core._ensure_context

                def with_threads(prompt_length, config):
                    context = make_context(prompt_length, config)
                    context.set_n_threads(self.n_threads, self.n_threads)
                    return context

                core._ensure_context = with_threads
            return super().generator

    return ThreadedCyllamaLLM


def is_in_process(model: BaseLanguageModel) -> bool:
    """One llama.cpp context serves one request at a time."""
    return any(cls.__name__ == "CyllamaLLM" for cls in type(model).__mro__)


def model_label(settings: Settings) -> str:
    """What the page and the JSON call the answerer: `extractive`, or `backend:model`."""
    if settings.backend == "extractive":
        return "extractive"
    name = Path(settings.llm_model or "").name if settings.backend == "llamacpp" else settings.llm_model
    return f"{settings.backend}:{name}"
