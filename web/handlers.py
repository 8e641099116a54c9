"""What each event on the page does, as updates keyed by the component they change.

A handler gets the visitor's values as arguments and returns (or yields) `{component: value}`.
Gradio leaves every output missing from the dict as it was, so no update depends on the order of
an outputs list; the lists here only say which components an event may change."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.blocks import Block

from assistant.models import AnswerResult, QuestionError
from assistant.pool import AssistantPool
from index.article import Article, ArticleError, slug
from settings import Settings
from web import render
from web.layout import Page, answerer_text, chat_examples, header_text, mode_choices, source_note
from web.state import Session, Source, default_source, history, new_turn
from web.strings import pick_language, t

log = logging.getLogger(__name__)
Updates = dict[Block, Any]


def chat_messages(turns: list[dict], language: str) -> list[dict[str, str]]:
    """The conversation as the chat shows it, escaped; rebuilt whole so a new language relabels old turns."""
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


def pasted_name(text: str) -> str:
    """A file name from the pasted text's first line, so its id and title say what it is."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return f"{slug(' '.join(first.split()[:12]))[:40] or 'pasted'}.txt"


def _write(text: str, suffix: str, prefix: str) -> str:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=suffix, prefix=prefix, delete=False) as f:
        f.write(text)
    return f.name


def _export(article: Article, turns: list[dict], language: str) -> str | None:
    if not turns:
        return None
    return _write(render.transcript_markdown(article, turns, language), ".md", f"chat-{article.id}-")


class Handlers:
    """The page's event handlers for one app; per-visitor values arrive as inputs, never kept here."""

    def __init__(self, settings: Settings, pool: AssistantPool, page: Page, session: Session, default_id: str) -> None:
        self.settings, self.pool, self.page, self.session, self.default_id = settings, pool, page, session, default_id
        # What each kind of event may change: the outputs Gradio is given. Handlers key their updates by
        # component, so the order here is only the order Gradio lists them in.
        claims = [page.claims_group, page.claims_table, page.claims_csv, page.claims_md]
        self.answer_outputs = [page.chatbot, session.turns, page.question, page.download, *claims]
        self.chat_cleared_outputs = [session.turns, page.download, *claims]
        self.clear_outputs = [page.chatbot, *self.chat_cleared_outputs]
        self.article_outputs = [session.article_id, page.article_panel, page.heading, page.chatbot, session.turns, page.download]
        self.article_outputs += [page.own_status, page.claims_group, page.page_title, session.source, page.upload]
        self.relabel_outputs = [page.header, page.answerer, page.language, page.mode, page.chatbot, page.question, page.send, page.clear]
        self.relabel_outputs += [page.download, page.heading, page.own, page.upload, page.pasted, page.use, page.back, page.claims_table]
        self.relabel_outputs += [page.claims_csv, page.claims_md, page.page_title, page.own_status]

    def respond(self, question: str, mode: str, turns: list[dict], article_id: str, language: str) -> Iterator[Updates]:
        """Stream the answer into the chat; the finished turn also refreshes the downloads and the claims."""
        turns = list(turns or [])
        if not (question or "").strip():
            gr.Warning(t(language, "empty"))
            yield {self.session.turns: turns, self.page.question: question}
            return
        turn = new_turn(question, mode)
        earlier = history(turns)
        turns.append(turn)
        yield self._chat(turns, language)
        article = None
        try:
            assistant = self.pool.get(article_id)
            article = assistant.article
            for item in assistant.stream(question, earlier, mode):
                if isinstance(item, AnswerResult):
                    turn["result"] = item.model_dump()
                else:
                    turn["partial"] += item
                    yield self._chat(turns, language)
        except (QuestionError, ArticleError) as exc:
            turn["error"] = str(exc)
        except Exception:
            log.exception("answering %r failed", question[:200])
            turn["error"] = t(language, "failed")
        turn.pop("partial", None)
        done = self._chat(turns, language)
        if article:
            done[self.page.download] = _export(article, turns, language)
        yield {**done, **self._claims(turns, language)}

    def pick_example(self, event: gr.SelectData, article_id: str, language: str) -> Updates:
        """An example button fills the question and its mode; `respond` runs next."""
        examples = render.example_questions(self.pool.get(article_id).article, language)
        index = event.index if isinstance(event.index, int) else 0
        text, mode = examples[index] if 0 <= index < len(examples) else (event.value["text"], "answer")
        return {self.page.question: text, self.page.mode: mode}

    def clear(self) -> Updates:
        """The clear button empties the chat itself as well."""
        return {self.page.chatbot: [], **self.chat_cleared()}

    def chat_cleared(self) -> Updates:
        """No turns, so nothing to download and no claims to show."""
        return {self.session.turns: [], self.page.download: None, **self._no_claims()}

    def nothing_to_download(self, turns: list[dict], language: str) -> None:
        """An empty chat's download button would do nothing silently: say why."""
        if not turns:
            gr.Info(t(language, "nothing_to_download"))

    def use_file(self, upload: str | None, language: str, progress=gr.Progress()) -> Iterator[Updates]:
        """Choosing a file is enough: it is indexed at once."""
        if upload:
            path = Path(upload)
            yield from self._index(path.read_bytes(), path.name, "file", language, progress)

    def use_pasted(self, pasted: str, language: str, progress=gr.Progress()) -> Iterator[Updates]:
        """The pasted text becomes an article named after its first line."""
        yield from self._index((pasted or "").encode("utf-8"), pasted_name(pasted or ""), "paste", language, progress)

    def back_to_default(self, language: str) -> Updates:
        """Back to the article the server started with; an attached file would only mislead."""
        return {**self._switch(self.pool.get(self.default_id).article, language, default_source()), self.page.upload: None}

    @staticmethod
    def paste_next(language: str, text: str) -> str:
        """Typing or pasting replaces any old message: the reader is told the button is next."""
        return t(language, "paste_next") if (text or "").strip() else gr.skip()

    @staticmethod
    def mode_placeholder(language: str, mode: str) -> dict[str, Any]:
        """The question box's hint says what to type in the chosen mode."""
        return gr.update(placeholder=t(language, f"ph_{mode}"))

    def relabel(self, language: str, article_id: str, turns: list[dict], mode: str, source: Source) -> Updates:
        """Every label and text in the new language; the conversation is kept and shown again in it."""
        page, turns = self.page, turns or []
        article = self.pool.get(article_id).article
        return {
            page.header: header_text(language),
            page.answerer: answerer_text(self.settings, language),
            page.language: gr.update(label=t(language, "interface")),
            page.mode: gr.update(label=t(language, "mode"), choices=mode_choices(language), value=mode),
            page.chatbot: gr.update(
                label=t(language, "chat"),
                placeholder=t(language, "chat_empty"),
                value=chat_messages(turns, language),
                examples=chat_examples(article, language),
            ),
            page.question: gr.update(label=t(language, "question"), placeholder=t(language, f"ph_{mode}")),
            page.send: gr.update(value=t(language, "send")),
            page.clear: gr.update(value=t(language, "clear")),
            page.download: gr.update(label=t(language, "download"), value=_export(article, turns, language) if turns else None),
            page.heading: render.article_heading(article, language),
            page.own: gr.update(label=t(language, "own")),
            page.upload: gr.update(label=t(language, "upload")),
            page.pasted: gr.update(label=t(language, "paste")),
            page.use: gr.update(value=t(language, "use")),
            page.back: gr.update(value=t(language, "back")),
            page.claims_table: render.claims_html(turns, language) if render.claim_rows(turns, language) else "",
            page.claims_csv: gr.update(label=t(language, "claims_csv")),
            page.claims_md: gr.update(label=t(language, "claims_md")),
            page.page_title: render.page_title(article, language),
            page.own_status: source_note(article, language, source),
        }

    @staticmethod
    def on_load(browser_languages: str, request: gr.Request) -> str:
        """The interface language: `?lang=` first, then the browser's languages."""
        return pick_language(request.query_params.get("lang") or browser_languages)

    def _chat(self, turns: list[dict], language: str) -> Updates:
        return {self.page.chatbot: chat_messages(turns, language), self.session.turns: turns, self.page.question: ""}

    def _claims(self, turns: list[dict], language: str) -> Updates:
        """The claims table and its two downloads; hidden until a claim has been checked."""
        page = self.page
        rows = render.claim_rows(turns, language)
        if not rows:
            return self._no_claims()
        return {
            page.claims_group: gr.update(visible=True),
            page.claims_table: render.claims_html(turns, language),
            page.claims_csv: _write(render.claims_csv(rows), ".csv", "claims-"),
            page.claims_md: _write(render.claims_markdown(rows), ".md", "claims-"),
        }

    def _no_claims(self) -> Updates:
        page = self.page
        return {page.claims_group: gr.update(visible=False), page.claims_table: "", page.claims_csv: None, page.claims_md: None}

    def _index(self, data: bytes, name: str, kind: str, language: str, progress: gr.Progress) -> Iterator[Updates]:
        """Index what the reader gave last; the status says at once what is happening, then what is in use."""
        status = self.page.own_status
        yield {status: f"{t(language, 'indexing')}: {render.escape_markdown(name)}…"}
        try:
            if not data.strip():
                raise ArticleError(t(language, "nothing_given") if kind == "paste" else f"'{name}' is empty.")
            assistant = self.pool.add_upload(data, name, lambda f, d: progress(f, desc=f"{t(language, 'indexing')}: {d}"))
        except ArticleError as exc:
            gr.Warning(f"{t(language, 'article_error')}: {exc}")
            yield {status: f"**{t(language, 'article_error')}** ({render.escape_markdown(name)}): {render.escape_markdown(str(exc))}"}
            return
        switched = self._switch(assistant.article, language, {"kind": kind, "name": name})
        if kind == "paste":  # a pasted text replaces an attached file: a file still shown there would only mislead
            switched[self.page.upload] = None
        yield switched

    def _switch(self, article: Article, language: str, source: Source) -> Updates:
        """A new article starts a new conversation: citations in the old one point elsewhere."""
        page, session = self.page, self.session
        return {
            session.article_id: article.id,
            page.article_panel: render.article_html(article),
            page.heading: render.article_heading(article, language),
            page.chatbot: gr.update(value=[], examples=chat_examples(article, language)),
            session.turns: [],
            page.download: None,
            page.own_status: source_note(article, language, source),
            page.claims_group: gr.update(visible=False),
            page.page_title: render.page_title(article, language),
            session.source: source,
        }
