"""The answer chain: follow-up resolution, retrieval, answering, citation checks, the CLI."""

from assistant.service import Assistant

__all__ = ["Assistant"]
