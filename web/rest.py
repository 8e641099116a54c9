"""`POST /api/ask` and `GET /api/paragraphs`: the page's two endpoints as plain JSON, for programs.

Outside Gradio's app, so a request skips its middleware, its queue and its event stream: about
10 ms of server CPU per request through Gradio's routes on a 2-core EPYC, under 1 ms here
(docs/benchmarks.md). Same answers, same messages: a bad request is a 400 with {"error": message}."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from assistant.models import Message, QuestionError
from index.article import ArticleError
from index.library import DEFAULT_ID
from web.api import Api

PREFIX = "/api"
MAX_BODY = 2_000_000  # bytes: a question at its length limit with a long history fits many times over
DRAIN = 64_000_000  # bytes of an oversized body read and dropped before answering 413; past it, the connection closes


class AskRequest(BaseModel):
    question: str = Field(description="the question (Ukrainian, Russian or English), a summary request, or claims to check")
    history: list[Message] = Field(default_factory=list, description="earlier turns, oldest first")
    mode: str = Field("answer", description='"answer", "summary" or "check"')
    article: str = Field(DEFAULT_ID, description='"default" or the id of an article indexed on this server')


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> bytes | None:
    """The request's body, or None past MAX_BODY. The rest of an oversized body is read and dropped
    (up to DRAIN), so that the client, still sending, gets the 413 rather than a broken pipe."""
    if int(request.headers.get("content-length") or 0) > DRAIN:
        return None
    body, seen = bytearray(), 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > DRAIN:
            return None
        if seen <= MAX_BODY:
            body += chunk
    return bytes(body) if seen <= MAX_BODY else None


def _invalid(exc: ValidationError) -> str:
    """One line that names the first bad field."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    return f"Bad request: {where}: {first.get('msg', 'invalid')}."


def add_routes(app: FastAPI, api: Api) -> None:
    """The routes on `app`, before the page is mounted at "/" (which would take every path)."""
    router = APIRouter(prefix=PREFIX)

    @router.post("/ask")
    async def ask(request: Request) -> JSONResponse:
        """Answer a question about the article, citing its paragraphs (the CLI's JSON)."""
        body = await _body(request)
        if body is None:
            return _error(f"The request is larger than {MAX_BODY // 1_000_000} MB.", 413)
        try:
            asked = AskRequest.model_validate_json(body)
        except ValidationError as exc:
            return _error(_invalid(exc))
        history = [m.model_dump() for m in asked.history]
        try:
            return JSONResponse(await run_in_threadpool(api.answer, asked.question, history, asked.mode, asked.article))
        except (QuestionError, ArticleError) as exc:
            return _error(str(exc))

    @router.get("/paragraphs")
    def paragraphs(article: str = DEFAULT_ID) -> JSONResponse:
        """The article's numbered paragraphs, as citations number them."""
        try:
            return JSONResponse(api.article(article))
        except ArticleError as exc:
            return _error(str(exc))

    app.include_router(router)
