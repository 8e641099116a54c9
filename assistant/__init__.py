"""Answering: `Assistant` dispatches to one class per mode (`assistant.modes`); retrieval, quote
choice, summaries, claim checks, the model chain and its verification, the pool, the CLI."""

from assistant.service import Assistant

__all__ = ["Assistant"]
