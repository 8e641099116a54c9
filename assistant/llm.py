"""Chat models behind one setting: any OpenAI-compatible endpoint, or Ollama.

Clients are LangChain chat models, created only when a backend other than `extractive` is chosen;
nothing here runs, or reaches the network, for the offline default."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from settings import Settings

BACKENDS = ("extractive", "openai", "ollama")


class LLMUnavailable(RuntimeError):
    """The configured model cannot be used; the message says why and what to set."""


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    backend = settings.backend
    if backend == "extractive":
        return None
    if backend not in BACKENDS:
        raise LLMUnavailable(f"Unknown backend '{backend}'; use one of: {', '.join(BACKENDS)}.")
    if not settings.llm_model:
        raise LLMUnavailable(f"The {backend} backend needs a model name: --llm-model NAME (ARTICLE_CHAT_LLM_MODEL).")
    if backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # local servers take any key
            temperature=0,
            timeout=settings.llm_timeout,
            max_retries=0,  # a failing model falls back to quotes at once; retrying only delays that
        )
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=settings.llm_model,
        base_url=settings.llm_base_url or "http://127.0.0.1:11434",
        temperature=0,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def model_label(settings: Settings) -> str:
    """What the page and the JSON call the answerer: `extractive`, or `backend:model`."""
    return "extractive" if settings.backend == "extractive" else f"{settings.backend}:{settings.llm_model}"
