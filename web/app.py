"""The Gradio page and its API: chat beside the numbered article.

Answers come from `assistant` (the same entry point as the CLI). This module builds the page from its
parts and ties each event to its handler: `web.layout` (the components), `web.state` (each visitor's
session), `web.handlers` (what events change), `web.api` (the public endpoints, also as plain JSON
by `web.rest`); results are rendered by `web.render`."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.pool import AssistantPool
from settings import Settings
from web import render
from web.api import Api
from web.handlers import Handlers
from web.layout import Page, lay_out
from web.rest import add_routes
from web.state import Session
from web.strings import STRINGS

STATIC = Path(__file__).parent / "static"
FIRST_LANGUAGE = "en"  # what the server renders; the page relabels itself on load (?lang=, then the browser's)
BROWSER_LANGUAGES_JS = "(current) => (navigator.languages || [navigator.language]).join(',')"
# After the interface language or the article changes: <html lang>, the tab title and ?lang= follow.
PAGE_JS = "(language, title) => { window.articleChatPage && window.articleChatPage(language, title); }"
# The page's script needs a few of the interface's words (link names, the way back to the answer).
SCRIPT_WORDS = ("para_label", "back_to_answer", "examples")
QUEUE_STATUS_SECONDS = 1.0


def build(settings: Settings | None = None, pool: AssistantPool | None = None) -> gr.Blocks:
    """One page for every visitor; each visitor's conversation and article live in their own session."""
    settings = settings or Settings()
    pool = pool or AssistantPool(settings)
    default = pool.get(settings.article).article
    with gr.Blocks(title=render.page_title(default, FIRST_LANGUAGE), fill_width=True) as demo:
        session = Session.create(default.id)
        page = lay_out(settings, default, FIRST_LANGUAGE)
        _wire(demo, page, session, Handlers(settings, pool, page, session, default.id))
        api = Api(pool, default.id)
        gr.api(api.ask, api_name="ask")
        gr.api(api.paragraphs, api_name="paragraphs")
    # Queue positions go out once a second, not to every waiting visitor each time an answer starts
    # ("auto"): under load that was about 13 messages per answer for the server to send and clients to read.
    demo.queue(default_concurrency_limit=settings.concurrency, status_update_rate=QUEUE_STATUS_SECONDS)
    return demo


def _wire(demo: gr.Blocks, page: Page, session: Session, on: Handlers) -> None:
    """Every event of the page; all private, so the only public endpoints are the two of `web.api`."""
    private = {"api_visibility": "private"}
    answer = {
        "inputs": [page.question, page.mode, session.turns, session.article_id, page.language],
        "outputs": on.answer_outputs,
        "show_progress": "hidden",
        **private,
    }
    page.question.submit(on.respond, **answer)
    page.send.click(on.respond, **answer)
    page.chatbot.example_select(on.pick_example, [session.article_id, page.language], [page.question, page.mode], **private).then(
        on.respond, **answer
    )
    page.clear.click(on.clear, None, on.clear_outputs, **private)
    page.chatbot.clear(on.chat_cleared, None, on.chat_cleared_outputs, **private)
    page.download.click(on.nothing_to_download, [session.turns, page.language], None, **private)
    page_js = {"fn": None, "inputs": [page.language, page.page_title], "outputs": None, "js": PAGE_JS, **private}
    page.upload.upload(on.use_file, [page.upload, page.language], on.article_outputs, **private).then(**page_js)
    page.use.click(on.use_pasted, [page.pasted, page.language], on.article_outputs, **private).then(**page_js)
    page.back.click(on.back_to_default, [page.language], on.article_outputs, **private).then(**page_js)
    page.pasted.change(on.paste_next, [page.language, page.pasted], page.own_status, show_progress="hidden", **private)
    page.mode.change(on.mode_placeholder, [page.language, page.mode], page.question, **private)
    relabel_inputs = [page.language, session.article_id, session.turns, page.mode, session.source]
    page.language.change(on.relabel, relabel_inputs, on.relabel_outputs, **private).then(**page_js)
    demo.load(on.on_load, [page.browser_languages], [page.language], js=BROWSER_LANGUAGES_JS, **private).then(**page_js)


def launch_options(settings: Settings) -> dict[str, Any]:
    """Theme, style and script: all served by this process, nothing from outside."""
    script = (STATIC / "page.js").read_text(encoding="utf-8")
    words = {lang: {k: table[k] for k in SCRIPT_WORDS} for lang, table in STRINGS.items()}
    return {
        # Primary buttons a shade darker than Gradio's orange: white on it reads at 5.2:1 (WCAG AA).
        "theme": gr.themes.Default(
            font=["system-ui", "Segoe UI", "Roboto", "DejaVu Sans", "sans-serif"], font_mono=["DejaVu Sans Mono", "monospace"]
        ).set(
            button_primary_background_fill="#c2410c",
            button_primary_background_fill_dark="#c2410c",
            button_primary_background_fill_hover="#9a3412",
            button_primary_background_fill_hover_dark="#9a3412",
            button_primary_text_color="#ffffff",
            button_primary_text_color_dark="#ffffff",
        ),
        "css": (STATIC / "page.css").read_text(encoding="utf-8"),
        "head": f"<script>window.articleChatWords = {json.dumps(words, ensure_ascii=False)};\n{script}</script>",
        "mcp_server": settings.mcp,
        "show_error": True,
        # Each answer in progress holds a worker thread; keep some for page loads and uploads.
        "max_threads": max(40, settings.concurrency + 8),
    }


def serve_app(settings: Settings | None = None, pool: AssistantPool | None = None) -> FastAPI:
    """The JSON routes (`web.rest`) with the page mounted at "/": what `article-chat serve` runs."""
    settings = settings or Settings()
    pool = pool or AssistantPool(settings)
    demo = build(settings, pool)
    options = launch_options(settings)
    demo.max_threads = options.pop("max_threads")  # `launch` takes it; the mounted page reads it from here
    app = FastAPI(title="Article chat", docs_url=None, redoc_url=None, openapi_url=None)
    add_routes(app, Api(pool, pool.get(settings.article).article.id))
    return gr.mount_gradio_app(app, demo, path="/", server_name=settings.host, server_port=settings.port, **options)


def main(settings: Settings | None = None) -> None:
    """`article-chat serve` and `python ui.py`: build the page and serve it until stopped."""
    from web.server import AppServer

    settings = settings or Settings()
    server = AppServer(serve_app(settings), settings.host, settings.port)
    print(f"* Running on http://{settings.host}:{settings.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises Ctrl-C again once it has stopped: a normal end
        server.run()
