"""The page's two public endpoints, `/ask` and `/paragraphs` (also its MCP tools): plain data, no page.

Their docstrings are the endpoints' descriptions in the API page and the MCP tool list. The same two
answer over plain JSON too (`web.rest`), outside Gradio's app."""

from __future__ import annotations

import gradio as gr

from assistant.models import MODES, QuestionError
from assistant.pool import AssistantPool
from assistant.service import Assistant
from index.article import ArticleError
from index.library import DEFAULT_ID


class Api:
    """The same answers as the CLI over HTTP; errors become `gr.Error`, which clients receive as text."""

    def __init__(self, pool: AssistantPool, default_id: str) -> None:
        self.pool, self.default_id = pool, default_id

    def answer(self, question: str, history: list[dict] | None = None, mode: str = "answer", article: str = DEFAULT_ID) -> dict:
        """`ask` without Gradio: raises `QuestionError` or `ArticleError` for a bad request."""
        if mode not in MODES:
            raise QuestionError(f"Unknown mode '{mode}'; use one of: {', '.join(MODES)}.")
        return self._assistant(article).ask(question, history or [], mode).model_dump()

    def article(self, article: str = DEFAULT_ID) -> dict:
        """`paragraphs` without Gradio: raises `ArticleError` for an unknown article."""
        return self._assistant(article).article.model_dump(exclude={"path"})

    def _assistant(self, article: str) -> Assistant:
        return self.pool.get(self.default_id if article == DEFAULT_ID else article)

    def ask(self, question: str, history: list[dict] | None = None, mode: str = "answer", article: str = DEFAULT_ID) -> dict:
        """Answer a question about the article, citing its paragraphs.

        Args:
            question: the question (Ukrainian, Russian or English), a summary request, or claims to check.
            history: earlier turns as [{"role": "user"|"assistant", "content": "..."}].
            mode: "answer", "summary" or "check".
            article: "default" or the id of an article indexed on this server.
        """
        try:
            return self.answer(question, history, mode, article)
        except (QuestionError, ArticleError) as exc:
            raise gr.Error(str(exc)) from exc

    def paragraphs(self, article: str = DEFAULT_ID) -> dict:
        """The article's numbered paragraphs, as citations number them.

        Args:
            article: "default" or the id of an article indexed on this server.
        """
        try:
            return self.article(article)
        except ArticleError as exc:
            raise gr.Error(str(exc)) from exc
