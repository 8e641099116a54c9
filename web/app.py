"""The Gradio page and its API: chat beside the numbered article.

Answers come from `assistant` (the same entry point as the CLI); this module only lays out the page,
keeps each visitor's conversation in their session state and renders results through `web.render`."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.llm import model_label
from assistant.models import AnswerResult, QuestionError
from assistant.pool import AssistantPool
from index.article import Article, ArticleError
from index.library import DEFAULT_ID
from settings import Settings
from web import render
from web.strings import EXAMPLES, LANGUAGES, pick_language, t

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MODES = ("answer", "summary", "check")
SHOWN_CLAIM_COLUMNS = 4  # claim, verdict, paragraph, evidence; the downloads have every column
BROWSER_LANGUAGES_JS = "(current) => (navigator.languages || [navigator.language]).join(',')"


def _history(turns: list[dict]) -> list[dict[str, str]]:
    """What the assistant sees of earlier turns: questions and the answers actually given."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        result = turn.get("result")
        if result is None:
            continue
        messages += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": result["answer"]}]
    return messages


def chat_messages(turns: list[dict], language: str) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for turn in turns:
        mode = turn.get("mode", "answer")
        label = f"*{render.escape_markdown(t(language, 'mode_' + mode))}:* " if mode != "answer" else ""
        messages.append({"role": "user", "content": label + render.escape_markdown(turn["question"])})
        if turn.get("result") is not None:
            content = render.result_markdown(AnswerResult.model_validate(turn["result"]), language)
        elif turn.get("error"):
            content = f"**{render.escape_markdown(t(language, 'error'))}:** {render.escape_markdown(turn['error'])}"
        else:
            content = render.escape_markdown(turn.get("partial", "")) or "…"
        messages.append({"role": "assistant", "content": content})
    return messages


def answerer_text(settings: Settings, language: str) -> str:
    who = t(language, "extractive") if settings.backend == "extractive" else f"{model_label(settings)} ({t(language, 'verified')})"
    return f"**{t(language, 'answerer')}:** {render.escape_markdown(who)}"


def claims_outputs(turns: list[dict], language: str) -> tuple:
    """The claims table and its two downloads; hidden until a claim has been checked."""
    rows = render.claim_rows(turns, language)
    if not rows:
        return gr.update(visible=False), [], None, None
    return (
        gr.update(visible=True),
        [row[:SHOWN_CLAIM_COLUMNS] for row in rows],
        _write(render.claims_csv(rows), ".csv", "claims-"),
        _write(render.claims_markdown(rows), ".md", "claims-"),
    )


def _write(text: str, suffix: str, prefix: str) -> str:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=suffix, prefix=prefix, delete=False) as f:
        f.write(text)
    return f.name


def _nothing() -> tuple:
    return [], None, gr.update(visible=False), [], None, None


def _example_text(event: gr.SelectData) -> str:
    return event.value["text"]


def _export(article: Article, turns: list[dict], language: str) -> str | None:
    if not turns:
        return None
    return _write(render.transcript_markdown(article, turns, language), ".md", f"chat-{article.id}-")


def build(settings: Settings | None = None, pool: AssistantPool | None = None) -> gr.Blocks:
    settings = settings or Settings()
    pool = pool or AssistantPool(settings)
    default = pool.get(settings.article)
    default_id = default.article.id
    lang0 = "en"

    def respond(question: str, mode: str, turns: list[dict], article_id: str, language: str) -> Iterator[tuple]:
        turns = list(turns or [])
        if not (question or "").strip():
            gr.Warning(t(language, "empty"))
            yield gr.skip(), turns, question, *[gr.skip()] * 5
            return
        turn: dict[str, Any] = {"question": question, "mode": mode, "partial": "", "result": None, "error": None}
        history = _history(turns)
        turns.append(turn)
        yield chat_messages(turns, language), turns, "", *[gr.skip()] * 5
        article = None
        try:
            assistant = pool.get(article_id)
            article = assistant.article
            for item in assistant.stream(question, history, mode):
                if isinstance(item, AnswerResult):
                    turn["result"] = item.model_dump()
                else:
                    turn["partial"] += item
                    yield chat_messages(turns, language), turns, "", *[gr.skip()] * 5
        except (QuestionError, ArticleError) as exc:
            turn["error"] = str(exc)
        except Exception:
            log.exception("answering %r failed", question[:200])
            turn["error"] = t(language, "failed")
        turn.pop("partial", None)
        transcript = _export(article, turns, language) if article else gr.skip()
        yield chat_messages(turns, language), turns, "", transcript, *claims_outputs(turns, language)

    def use_article(upload: str | None, pasted: str, language: str, progress=gr.Progress()) -> tuple:
        try:
            if upload:
                path = Path(upload)
                data, name = path.read_bytes(), path.name
            elif (pasted or "").strip():
                data, name = pasted.encode("utf-8"), "pasted.txt"
            else:
                raise ArticleError(t(language, "nothing_given"))
            assistant = pool.add_upload(data, name, lambda f, d: progress(f, desc=f"{t(language, 'indexing')}: {d}"))
        except ArticleError as exc:
            gr.Warning(str(exc))
            return (*[gr.skip()] * 6, f"**{render.escape_markdown(t(language, 'error'))}:** {render.escape_markdown(str(exc))}", gr.skip())
        return _switch(assistant.article, language, f"{t(language, 'now_using')} {render.article_heading(assistant.article, language)}")

    def back_to_default(language: str) -> tuple:
        return _switch(pool.get(default_id).article, language, "")

    def _switch(article: Article, language: str, note: str) -> tuple:
        """A new article starts a new conversation: citations in the old one point elsewhere."""
        return (
            article.id,
            render.article_html(article),
            render.article_heading(article, language),
            [],
            [],
            None,
            note,
            gr.update(visible=False),
        )

    def relabel(language: str, article_id: str, turns: list[dict], mode: str) -> tuple:
        article = pool.get(article_id).article
        modes = [(t(language, f"mode_{m}"), m) for m in MODES]
        return (
            f"## {t(language, 'title')}\n{t(language, 'tagline')}",
            answerer_text(settings, language),
            gr.update(label=t(language, "interface")),
            gr.update(label=t(language, "mode"), choices=modes, value=mode),
            gr.update(label=t(language, "chat"), placeholder=t(language, "chat_empty"), value=chat_messages(turns or [], language)),
            gr.update(label=t(language, "question"), placeholder=t(language, f"ph_{mode}")),
            gr.update(value=t(language, "send")),
            gr.update(value=t(language, "clear")),
            gr.update(label=t(language, "download")),
            render.article_heading(article, language),
            gr.update(label=t(language, "own")),
            gr.update(label=t(language, "upload")),
            gr.update(label=t(language, "paste")),
            gr.update(value=t(language, "use")),
            gr.update(value=t(language, "back")),
            gr.update(label=t(language, "claims_table"), value=[r[:SHOWN_CLAIM_COLUMNS] for r in render.claim_rows(turns or [], language)]),
            gr.update(label=t(language, "claims_csv")),
            gr.update(label=t(language, "claims_md")),
        )

    def on_load(browser_languages: str, request: gr.Request) -> str:
        return pick_language(request.query_params.get("lang") or browser_languages)

    def ask(question: str, history: list[dict] | None = None, mode: str = "answer", article: str = DEFAULT_ID) -> dict:
        """Answer a question about the article, citing its paragraphs.

        Args:
            question: the question (Ukrainian, Russian or English), a summary request, or claims to check.
            history: earlier turns as [{"role": "user"|"assistant", "content": "..."}].
            mode: "answer", "summary" or "check".
            article: "default" or the id of an article indexed on this server.
        """
        try:
            if mode not in MODES:
                raise QuestionError(f"Unknown mode '{mode}'; use one of: {', '.join(MODES)}.")
            assistant = pool.get(default_id if article == DEFAULT_ID else article)
            return assistant.ask(question, history or [], mode).model_dump()
        except (QuestionError, ArticleError) as exc:
            raise gr.Error(str(exc)) from exc

    def paragraphs(article: str = DEFAULT_ID) -> dict:
        """The article's numbered paragraphs, as citations number them.

        Args:
            article: "default" or the id of an article indexed on this server.
        """
        try:
            return pool.get(default_id if article == DEFAULT_ID else article).article.model_dump(exclude={"path"})
        except ArticleError as exc:
            raise gr.Error(str(exc)) from exc

    with gr.Blocks(title="Article chat", fill_width=True) as demo:
        article_id = gr.State(default_id)
        turns = gr.State([])
        with gr.Row(equal_height=False, elem_id="top"):
            with gr.Column(scale=4, min_width=300):
                header = gr.Markdown(f"## {t(lang0, 'title')}\n{t(lang0, 'tagline')}", elem_id="header")
                answerer = gr.Markdown(answerer_text(settings, lang0), elem_id="answerer")
            with gr.Column(scale=1, min_width=180):
                language = gr.Dropdown(
                    [(name, code) for code, name in LANGUAGES.items()], value=lang0, label=t(lang0, "interface"), elem_id="ui-language"
                )
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=320):
                mode = gr.Radio([(t(lang0, f"mode_{m}"), m) for m in MODES], value="answer", label=t(lang0, "mode"), elem_id="mode")
                chatbot = gr.Chatbot(
                    label=t(lang0, "chat"),
                    elem_id="chat",
                    height=520,
                    placeholder=t(lang0, "chat_empty"),
                    examples=[{"text": q} for q in EXAMPLES],
                    latex_delimiters=[],
                    sanitize_html=True,
                    allow_tags=False,
                    buttons=["copy", "copy_all"],
                    feedback_options=None,
                )
                question = gr.Textbox(
                    label=t(lang0, "question"),
                    placeholder=t(lang0, "ph_answer"),
                    lines=1,
                    max_lines=8,
                    elem_id="question",
                    max_length=settings.max_question_chars * 2,
                )
                with gr.Row():
                    send = gr.Button(t(lang0, "send"), variant="primary", elem_id="send", min_width=100)
                    clear = gr.Button(t(lang0, "clear"), elem_id="clear", min_width=100)
                    download = gr.DownloadButton(t(lang0, "download"), value=None, elem_id="download", min_width=100)
                with gr.Group(visible=False, elem_id="claims") as claims_group:
                    claims_table = gr.Dataframe(
                        headers=list(render.CLAIM_COLUMNS[:SHOWN_CLAIM_COLUMNS]),
                        datatype="str",
                        interactive=False,
                        wrap=True,
                        label=t(lang0, "claims_table"),
                        elem_id="claims-table",
                    )
                    with gr.Row():
                        claims_csv = gr.DownloadButton(t(lang0, "claims_csv"), value=None, elem_id="claims-csv", size="sm")
                        claims_md = gr.DownloadButton(t(lang0, "claims_md"), value=None, elem_id="claims-md", size="sm")
            with gr.Column(scale=4, min_width=320):
                heading = gr.Markdown(render.article_heading(default.article, lang0), elem_id="article-heading")
                article_panel = gr.HTML(render.article_html(default.article), elem_id="article-panel")
                with gr.Accordion(t(lang0, "own"), open=False, elem_id="own-article") as own:
                    upload = gr.File(
                        label=t(lang0, "upload"), file_types=[".txt", ".md", ".html", ".htm"], type="filepath", elem_id="upload"
                    )
                    pasted = gr.Textbox(label=t(lang0, "paste"), lines=5, max_lines=12, elem_id="paste")
                    with gr.Row():
                        use = gr.Button(t(lang0, "use"), variant="primary", elem_id="use-article")
                        back = gr.Button(t(lang0, "back"), elem_id="default-article")
                    own_status = gr.Markdown("", elem_id="own-status")

        private = {"api_visibility": "private"}
        ask_inputs = [question, mode, turns, article_id, language]
        ask_outputs = [chatbot, turns, question, download, claims_group, claims_table, claims_csv, claims_md]
        question.submit(respond, ask_inputs, ask_outputs, show_progress="hidden", **private)
        send.click(respond, ask_inputs, ask_outputs, show_progress="hidden", **private)
        chatbot.example_select(_example_text, None, question, **private).then(
            respond, ask_inputs, ask_outputs, show_progress="hidden", **private
        )
        cleared = [turns, download, claims_group, claims_table, claims_csv, claims_md]
        clear.click(lambda: ([], *_nothing()), None, [chatbot, *cleared], **private)
        chatbot.clear(_nothing, None, cleared, **private)
        switch_outputs = [article_id, article_panel, heading, chatbot, turns, download, own_status, claims_group]
        use.click(use_article, [upload, pasted, language], switch_outputs, **private)
        back.click(back_to_default, [language], switch_outputs, **private)
        mode.change(lambda lang, m: gr.update(placeholder=t(lang, f"ph_{m}")), [language, mode], question, **private)
        labelled = [header, answerer, language, mode, chatbot, question, send, clear, download, heading, own, upload, pasted, use, back]
        labelled += [claims_table, claims_csv, claims_md]
        language.change(relabel, [language, article_id, turns, mode], labelled, **private)
        browser_languages = gr.Textbox(visible=False)
        demo.load(on_load, [browser_languages], [language], js=BROWSER_LANGUAGES_JS, **private)
        gr.api(ask, api_name="ask")
        gr.api(paragraphs, api_name="paragraphs")
    demo.queue(default_concurrency_limit=settings.concurrency)
    return demo


def launch_options(settings: Settings) -> dict[str, Any]:
    """Theme, style and script: all served by this process, nothing from outside."""
    script = (STATIC / "page.js").read_text(encoding="utf-8")
    return {
        "theme": gr.themes.Default(
            font=["system-ui", "Segoe UI", "Roboto", "DejaVu Sans", "sans-serif"], font_mono=["DejaVu Sans Mono", "monospace"]
        ),
        "css": (STATIC / "page.css").read_text(encoding="utf-8"),
        "head": f"<script>{script}</script>",
        "mcp_server": settings.mcp,
        "show_error": True,
        # Each answer in progress holds a worker thread; keep some for page loads and uploads.
        "max_threads": max(40, settings.concurrency + 8),
    }


def main(settings: Settings | None = None) -> None:
    settings = settings or Settings()
    demo = build(settings)
    demo.launch(server_name=settings.host, server_port=settings.port, **launch_options(settings))
