"""The Gradio page and its API: chat beside the numbered article.

Answers come from `assistant` (the same entry point as the CLI); this module only lays out the page,
keeps each visitor's conversation in their session state and renders results through `web.render`."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.llm import model_label
from assistant.models import MODES, AnswerResult, QuestionError
from assistant.pool import AssistantPool
from index.article import Article, ArticleError, slug
from index.readers import ARTICLE_SUFFIXES
from settings import Settings
from web import render
from web.api import Api
from web.strings import LANGUAGES, STRINGS, pick_language, t

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
BROWSER_LANGUAGES_JS = "(current) => (navigator.languages || [navigator.language]).join(',')"
# After the interface language or the article changes: <html lang>, the tab title and ?lang= follow.
PAGE_JS = "(language, title) => { window.articleChatPage && window.articleChatPage(language, title); }"
# The page's script needs a few of the interface's words (link names, the way back to the answer).
SCRIPT_WORDS = ("para_label", "back_to_answer", "examples")


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
        return gr.update(visible=False), "", None, None
    return (
        gr.update(visible=True),
        render.claims_html(turns, language),
        _write(render.claims_csv(rows), ".csv", "claims-"),
        _write(render.claims_markdown(rows), ".md", "claims-"),
    )


def _write(text: str, suffix: str, prefix: str) -> str:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=suffix, prefix=prefix, delete=False) as f:
        f.write(text)
    return f.name


def _nothing() -> tuple:
    return [], None, gr.update(visible=False), "", None, None


def chat_examples(article: Article, language: str) -> list[dict[str, str]]:
    """The empty chat's example buttons, built from the article in use (see render.example_questions)."""
    return [{"text": text} for text, _ in render.example_questions(article, language)]


def pasted_name(text: str) -> str:
    """A file name from the pasted text's first line, so its id and title say what it is."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return f"{slug(' '.join(first.split()[:12]))[:40] or 'pasted'}.txt"


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

    def _index(data: bytes, name: str, kind: str, language: str, progress: gr.Progress) -> Iterator[tuple]:
        """Index what the reader gave last; the status says at once what is happening, then what is in use."""
        status_only = [gr.skip()] * len(own_outputs)
        at = own_outputs.index(own_status)
        yield *status_only[:at], f"{t(language, 'indexing')}: {render.escape_markdown(name)}…", *status_only[at + 1 :]
        try:
            if not data.strip():
                raise ArticleError(t(language, "nothing_given") if kind == "paste" else f"'{name}' is empty.")
            assistant = pool.add_upload(data, name, lambda f, d: progress(f, desc=f"{t(language, 'indexing')}: {d}"))
        except ArticleError as exc:
            gr.Warning(f"{t(language, 'article_error')}: {exc}")
            failed = f"**{t(language, 'article_error')}** ({render.escape_markdown(name)}): {render.escape_markdown(str(exc))}"
            yield *status_only[:at], failed, *status_only[at + 1 :]
            return
        # A pasted text replaces an attached file: a file still shown there would only mislead.
        yield *_switch(assistant.article, language, {"kind": kind, "name": name}), None if kind == "paste" else gr.skip()

    def use_file(upload: str | None, language: str, progress=gr.Progress()) -> Iterator[tuple]:
        if upload:
            path = Path(upload)
            yield from _index(path.read_bytes(), path.name, "file", language, progress)

    def use_pasted(pasted: str, language: str, progress=gr.Progress()) -> Iterator[tuple]:
        yield from _index((pasted or "").encode("utf-8"), pasted_name(pasted or ""), "paste", language, progress)

    def back_to_default(language: str) -> tuple:
        return (*_switch(pool.get(default_id).article, language, {"kind": "default", "name": ""}), None)

    def source_note(article: Article, language: str, source: dict[str, str]) -> str:
        title = f"**{render.escape_markdown(render.display_title(article))}**"
        if source["kind"] == "default":
            return f"{t(language, 'now_using')} {t(language, 'from_default')}: {title}"
        name = render.escape_markdown(source["name"])
        where = f"{t(language, 'from_file')} {name}" if source["kind"] == "file" else t(language, "from_paste")
        return f"{t(language, 'now_using')} {title} ({where})"

    def _switch(article: Article, language: str, source: dict[str, str]) -> tuple:
        """A new article starts a new conversation: citations in the old one point elsewhere."""
        return (
            article.id,
            render.article_html(article),
            render.article_heading(article, language),
            gr.update(value=[], examples=chat_examples(article, language)),
            [],
            None,
            source_note(article, language, source),
            gr.update(visible=False),
            render.page_title(article, language),
            source,
        )

    def relabel(language: str, article_id: str, turns: list[dict], mode: str, source: dict[str, str]) -> tuple:
        article = pool.get(article_id).article
        modes = [(t(language, f"mode_{m}"), m) for m in MODES]
        return (
            f"# {t(language, 'title')}\n{t(language, 'tagline')}",
            answerer_text(settings, language),
            gr.update(label=t(language, "interface")),
            gr.update(label=t(language, "mode"), choices=modes, value=mode),
            gr.update(
                label=t(language, "chat"),
                placeholder=t(language, "chat_empty"),
                value=chat_messages(turns or [], language),
                examples=chat_examples(article, language),
            ),
            gr.update(label=t(language, "question"), placeholder=t(language, f"ph_{mode}")),
            gr.update(value=t(language, "send")),
            gr.update(value=t(language, "clear")),
            gr.update(label=t(language, "download"), value=_export(article, turns, language) if turns else None),
            render.article_heading(article, language),
            gr.update(label=t(language, "own")),
            gr.update(label=t(language, "upload")),
            gr.update(label=t(language, "paste")),
            gr.update(value=t(language, "use")),
            gr.update(value=t(language, "back")),
            render.claims_html(turns or [], language) if render.claim_rows(turns or [], language) else "",
            gr.update(label=t(language, "claims_csv")),
            gr.update(label=t(language, "claims_md")),
            render.page_title(article, language),
            source_note(article, language, source),
        )

    def pick_example(event: gr.SelectData, article_id: str, language: str) -> tuple[str, str]:
        examples = render.example_questions(pool.get(article_id).article, language)
        index = event.index if isinstance(event.index, int) else 0
        text, mode = examples[index] if 0 <= index < len(examples) else (event.value["text"], "answer")
        return text, mode

    def on_load(browser_languages: str, request: gr.Request) -> str:
        return pick_language(request.query_params.get("lang") or browser_languages)

    def paste_next(language: str, text: str) -> str:
        """Typing or pasting replaces any old message: the reader is told the button is next."""
        return t(language, "paste_next") if (text or "").strip() else gr.skip()

    def nothing_to_download(turns: list[dict], language: str) -> None:
        if not turns:
            gr.Info(t(language, "nothing_to_download"))

    with gr.Blocks(title=render.page_title(default.article, lang0), fill_width=True) as demo:
        article_id = gr.State(default_id)
        turns = gr.State([])
        source = gr.State({"kind": "default", "name": ""})
        with gr.Row(equal_height=False, elem_id="top"):
            with gr.Column(scale=4, min_width=200):
                header = gr.Markdown(f"# {t(lang0, 'title')}\n{t(lang0, 'tagline')}", elem_id="header")
                answerer = gr.Markdown(answerer_text(settings, lang0), elem_id="answerer")
            with gr.Column(scale=1, min_width=150):
                language = gr.Dropdown(
                    [(name, code) for code, name in LANGUAGES.items()], value=lang0, label=t(lang0, "interface"), elem_id="ui-language"
                )
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=320):
                mode = gr.Radio([(t(lang0, f"mode_{m}"), m) for m in MODES], value="answer", label=t(lang0, "mode"), elem_id="mode")
                chatbot = gr.Chatbot(
                    label=t(lang0, "chat"),
                    elem_id="chat",
                    height=430,
                    placeholder=t(lang0, "chat_empty"),
                    examples=chat_examples(default.article, lang0),
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
                    claims_table = gr.HTML("", elem_id="claims-table")
                    with gr.Row():
                        claims_csv = gr.DownloadButton(t(lang0, "claims_csv"), value=None, elem_id="claims-csv", size="sm")
                        claims_md = gr.DownloadButton(t(lang0, "claims_md"), value=None, elem_id="claims-md", size="sm")
            with gr.Column(scale=4, min_width=320):
                heading = gr.Markdown(render.article_heading(default.article, lang0), elem_id="article-heading")
                article_panel = gr.HTML(render.article_html(default.article), elem_id="article-panel")
                with gr.Accordion(t(lang0, "own"), open=False, elem_id="own-article") as own:
                    upload = gr.File(label=t(lang0, "upload"), file_types=list(ARTICLE_SUFFIXES), type="filepath", elem_id="upload")
                    pasted = gr.Textbox(label=t(lang0, "paste"), lines=5, max_lines=12, elem_id="paste")
                    with gr.Row():
                        use = gr.Button(t(lang0, "use"), variant="primary", elem_id="use-article")
                        back = gr.Button(t(lang0, "back"), elem_id="default-article")
                    own_status = gr.Markdown(
                        source_note(default.article, lang0, {"kind": "default", "name": ""}), elem_id="own-status", container=True
                    )
        page_title = gr.Textbox(render.page_title(default.article, lang0), visible=False)

        private = {"api_visibility": "private"}
        ask_inputs = [question, mode, turns, article_id, language]
        ask_outputs = [chatbot, turns, question, download, claims_group, claims_table, claims_csv, claims_md]
        question.submit(respond, ask_inputs, ask_outputs, show_progress="hidden", **private)
        send.click(respond, ask_inputs, ask_outputs, show_progress="hidden", **private)
        chatbot.example_select(pick_example, [article_id, language], [question, mode], **private).then(
            respond, ask_inputs, ask_outputs, show_progress="hidden", **private
        )
        cleared = [turns, download, claims_group, claims_table, claims_csv, claims_md]
        clear.click(lambda: ([], *_nothing()), None, [chatbot, *cleared], **private)
        chatbot.clear(_nothing, None, cleared, **private)
        download.click(nothing_to_download, [turns, language], None, **private)
        switch_outputs = [article_id, article_panel, heading, chatbot, turns, download, own_status, claims_group, page_title, source]
        own_outputs = [*switch_outputs, upload]
        page_js = {"fn": None, "inputs": [language, page_title], "outputs": None, "js": PAGE_JS, **private}
        upload.upload(use_file, [upload, language], own_outputs, **private).then(**page_js)
        use.click(use_pasted, [pasted, language], own_outputs, **private).then(**page_js)
        back.click(back_to_default, [language], own_outputs, **private).then(**page_js)
        pasted.change(paste_next, [language, pasted], own_status, show_progress="hidden", **private)
        mode.change(lambda lang, m: gr.update(placeholder=t(lang, f"ph_{m}")), [language, mode], question, **private)
        labelled = [header, answerer, language, mode, chatbot, question, send, clear, download, heading, own, upload, pasted, use, back]
        labelled += [claims_table, claims_csv, claims_md, page_title, own_status]
        language.change(relabel, [language, article_id, turns, mode, source], labelled, **private).then(**page_js)
        browser_languages = gr.Textbox(visible=False)
        demo.load(on_load, [browser_languages], [language], js=BROWSER_LANGUAGES_JS, **private).then(**page_js)
        api = Api(pool, default_id)
        gr.api(api.ask, api_name="ask")
        gr.api(api.paragraphs, api_name="paragraphs")
    demo.queue(default_concurrency_limit=settings.concurrency)
    return demo


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


def main(settings: Settings | None = None) -> None:
    settings = settings or Settings()
    demo = build(settings)
    demo.launch(server_name=settings.host, server_port=settings.port, **launch_options(settings))
