"""The page's components and their arrangement: chat on the left, the numbered article on the right.

Only what is on the page and where; `web.handlers` says what each event changes. The texts that are
shown at first and rewritten later (on a new language or article) are built by the functions here,
so both say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.llm import model_label
from assistant.models import MODES
from index.article import Article
from index.readers import ARTICLE_SUFFIXES
from settings import Settings
from web import render
from web.state import Source, default_source
from web.strings import LANGUAGES, t


def header_text(language: str) -> str:
    """The page's name and how to use it."""
    return f"# {t(language, 'title')}\n{t(language, 'tagline')}"


def answerer_text(settings: Settings, language: str) -> str:
    """Who answers: readers should know whether a language model is involved."""
    who = t(language, "extractive") if settings.backend == "extractive" else f"{model_label(settings)} ({t(language, 'verified')})"
    return f"**{t(language, 'answerer')}:** {render.escape_markdown(who)}"


def mode_choices(language: str) -> list[tuple[str, str]]:
    """The modes as (label, value): the label follows the language, the value never changes."""
    return [(t(language, f"mode_{m}"), m) for m in MODES]


def chat_examples(article: Article, language: str) -> list[dict[str, str]]:
    """The empty chat's example buttons, built from the article in use (see render.example_questions)."""
    return [{"text": text} for text, _ in render.example_questions(article, language)]


def source_note(article: Article, language: str, source: Source) -> str:
    """The status line under the article: which article answers come from, and where it came from."""
    title = f"**{render.escape_markdown(render.display_title(article))}**"
    if source["kind"] == "default":
        return f"{t(language, 'now_using')} {t(language, 'from_default')}: {title}"
    name = render.escape_markdown(source["name"])
    where = f"{t(language, 'from_file')} {name}" if source["kind"] == "file" else t(language, "from_paste")
    return f"{t(language, 'now_using')} {title} ({where})"


@dataclass(frozen=True)
class Page:
    """Every component an event reads or changes, by name: handlers key their updates by these."""

    header: gr.Markdown
    answerer: gr.Markdown
    language: gr.Dropdown
    mode: gr.Radio
    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    clear: gr.Button
    download: gr.DownloadButton
    claims_group: gr.Group
    claims_table: gr.HTML
    claims_csv: gr.DownloadButton
    claims_md: gr.DownloadButton
    heading: gr.Markdown
    article_panel: gr.HTML
    own: gr.Accordion
    upload: gr.File
    pasted: gr.Textbox
    use: gr.Button
    back: gr.Button
    own_status: gr.Markdown
    page_title: gr.Textbox  # hidden: the tab title, which the page's script sets
    browser_languages: gr.Textbox  # hidden: filled in the browser on load, to pick the interface language


def lay_out(settings: Settings, article: Article, language: str) -> Page:
    """Called inside `gr.Blocks`; the columns stack on a phone, the chat first."""
    top = _top(settings, language)
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            chat = _chat(settings, article, language)
        with gr.Column(scale=4, min_width=320):
            side = _article(article, language)
    page_title = gr.Textbox(render.page_title(article, language), visible=False)
    return Page(**top, **chat, **side, page_title=page_title, browser_languages=gr.Textbox(visible=False))


def _top(settings: Settings, language: str) -> dict[str, Any]:
    with gr.Row(equal_height=False, elem_id="top"):
        with gr.Column(scale=4, min_width=200):
            header = gr.Markdown(header_text(language), elem_id="header")
            answerer = gr.Markdown(answerer_text(settings, language), elem_id="answerer")
        with gr.Column(scale=1, min_width=150):
            chooser = gr.Dropdown(
                [(name, code) for code, name in LANGUAGES.items()], value=language, label=t(language, "interface"), elem_id="ui-language"
            )
    return {"header": header, "answerer": answerer, "language": chooser}


def _chat(settings: Settings, article: Article, language: str) -> dict[str, Any]:
    mode = gr.Radio(mode_choices(language), value="answer", label=t(language, "mode"), elem_id="mode")
    chatbot = gr.Chatbot(
        label=t(language, "chat"),
        elem_id="chat",
        height=430,
        placeholder=t(language, "chat_empty"),
        examples=chat_examples(article, language),
        latex_delimiters=[],
        sanitize_html=True,
        allow_tags=False,
        buttons=["copy", "copy_all"],
        feedback_options=None,
    )
    question = gr.Textbox(
        label=t(language, "question"),
        placeholder=t(language, "ph_answer"),
        lines=1,
        max_lines=8,
        elem_id="question",
        max_length=settings.max_question_chars * 2,
    )
    with gr.Row():
        send = gr.Button(t(language, "send"), variant="primary", elem_id="send", min_width=100)
        clear = gr.Button(t(language, "clear"), elem_id="clear", min_width=100)
        download = gr.DownloadButton(t(language, "download"), value=None, elem_id="download", min_width=100)
    with gr.Group(visible=False, elem_id="claims") as claims_group:
        claims_table = gr.HTML("", elem_id="claims-table")
        with gr.Row():
            claims_csv = gr.DownloadButton(t(language, "claims_csv"), value=None, elem_id="claims-csv", size="sm")
            claims_md = gr.DownloadButton(t(language, "claims_md"), value=None, elem_id="claims-md", size="sm")
    return {
        "mode": mode,
        "chatbot": chatbot,
        "question": question,
        "send": send,
        "clear": clear,
        "download": download,
        "claims_group": claims_group,
        "claims_table": claims_table,
        "claims_csv": claims_csv,
        "claims_md": claims_md,
    }


def _article(article: Article, language: str) -> dict[str, Any]:
    heading = gr.Markdown(render.article_heading(article, language), elem_id="article-heading")
    article_panel = gr.HTML(render.article_html(article), elem_id="article-panel")
    with gr.Accordion(t(language, "own"), open=False, elem_id="own-article") as own:
        upload = gr.File(label=t(language, "upload"), file_types=list(ARTICLE_SUFFIXES), type="filepath", elem_id="upload")
        pasted = gr.Textbox(label=t(language, "paste"), lines=5, max_lines=12, elem_id="paste")
        with gr.Row():
            use = gr.Button(t(language, "use"), variant="primary", elem_id="use-article")
            back = gr.Button(t(language, "back"), elem_id="default-article")
        own_status = gr.Markdown(source_note(article, language, default_source()), elem_id="own-status", container=True)
    return {
        "heading": heading,
        "article_panel": article_panel,
        "own": own,
        "upload": upload,
        "pasted": pasted,
        "use": use,
        "back": back,
        "own_status": own_status,
    }
