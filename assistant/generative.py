"""Generative answers: retrieved paragraphs -> prompt (from assistant/prompts/) -> chat model -> statements
verified one by one as they stream in.

The chain is LangChain's LCEL (`prompt | model | parser`). A sentence is shown only once it is
complete and verified, so the reader sees the answer grow sentence by sentence and never a
statement the article does not support. A server that does not stream (it answers a streamed
request with one JSON body) is noticed and asked again without streaming."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files

from langchain_core.language_models import BaseLanguageModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from assistant.llm import is_in_process
from assistant.models import Citation, Message, Unsupported, Verdict
from assistant.verify import Statement, Verified, Verifier, statements
from index.article import Article
from index.text import detect_language

PROMPTS = files("assistant") / "prompts"  # package data: found in an installed wheel too
NOT_IN_ARTICLE = "NOT_IN_ARTICLE"
LANGUAGE_NAMES = {"uk": "Ukrainian", "ru": "Russian", "en": "English"}
MAX_SENTENCES = 5
HISTORY_TURNS = 6
_VERDICT = re.compile(r"VERDICT:\s*\**\s*(supported|contradicted|not_in_article)", re.I)
_EVIDENCE = re.compile(r"EVIDENCE:\s*(.*)", re.I)
_IN_PROCESS_LOCK = threading.Lock()


def prompt(task: str) -> ChatPromptTemplate:
    """assistant/prompts/TASK.system.txt and TASK.user.txt."""
    system = (PROMPTS / f"{task}.system.txt").read_text(encoding="utf-8")
    user = (PROMPTS / f"{task}.user.txt").read_text(encoding="utf-8")
    return ChatPromptTemplate.from_messages([("system", system), ("human", user)])


def answer_prompt() -> ChatPromptTemplate:
    return prompt("answer")


@dataclass
class Generation:
    """What the model's answer came to after verification."""

    kept: list[Verified] = field(default_factory=list)
    dropped: list[Unsupported] = field(default_factory=list)
    refused: bool = False
    failure: str = ""  # why the model's answer could not be used at all


@dataclass
class SectionSentence:
    """The model's one sentence about a part of the article, verified, or why there is none."""

    verified: Verified | None
    dropped: list[Unsupported] = field(default_factory=list)
    failure: str = ""


@dataclass
class ModelVerdict:
    """The model's verdict on a claim and the paragraphs it rests on, or why there is none."""

    verdict: Verdict | None
    cited: list[int] = field(default_factory=list)
    failure: str = ""


class GenerativeAnswerer:
    def __init__(self, model: BaseLanguageModel, verifier: Verifier) -> None:
        self.chain = answer_prompt() | model | StrOutputParser()
        self.summary_chain = prompt("summary") | model | StrOutputParser()
        self.check_chain = prompt("check") | model | StrOutputParser()
        self.verifier = verifier
        self.lock = _IN_PROCESS_LOCK if is_in_process(model) else None

    def inputs(self, article: Article, paragraphs: list[int], question: str, language: str, history: list[Message]) -> dict[str, str]:
        """The article and the conversation go in as data; the prompt says they are data."""
        shown = "\n\n".join(f"[¶{n}] {article.paragraph(n).text}" for n in sorted(paragraphs))
        turns = "\n".join(f"{m.role}: {m.content}" for m in history[-HISTORY_TURNS:]) or "(none)"
        return {
            "paragraphs": shown,
            "history": turns,
            "question": question,
            "answer_language": LANGUAGE_NAMES.get(language, "the language of the question"),
            "article_language": LANGUAGE_NAMES.get(article.meta.language, "its own language"),
            "max_sentences": str(MAX_SENTENCES),
        }

    def stream(self, inputs: dict[str, str], retrieved: set[int], language: str) -> Iterator[str | Generation]:
        """Verified sentences as they complete, then the `Generation`."""
        result = Generation()
        buffer = ""
        done = 0
        try:
            for chunk in self._chunks(inputs):
                buffer += chunk
                complete = statements(buffer)[:-1]  # the last one may still grow
                yield from self._verified(complete[done:], done, retrieved, language, result)
                done = max(done, len(complete))
                if result.failure:
                    yield result
                    return
        except Exception as exc:  # connection, timeout, HTTP error, malformed stream: reported, never raised
            complete = statements(buffer)[:-1] if buffer else []  # a cut-off last sentence is not an answer
            yield from self._verified(complete[done:], done, retrieved, language, result)
            if result.kept:
                result.dropped.append(Unsupported(text=buffer.strip()[-200:], reason="the model's answer was cut off here"))
            else:
                result.failure = result.failure or f"the language model failed ({exc.__class__.__name__}: {str(exc)[:200]})"
            yield result
            return
        if NOT_IN_ARTICLE in buffer and not statements(buffer.replace(NOT_IN_ARTICLE, "")):
            result.refused = True
        else:
            yield from self._verified(statements(buffer)[done:], done, retrieved, language, result)
            if not buffer.strip():
                result.failure = "the language model gave an empty answer"
        yield result

    def _verified(self, parts: list[Statement], start: int, retrieved: set[int], language: str, result: Generation) -> Iterator[str]:
        """Each statement checked in turn; stops at a failure (the answer is then not used)."""
        for n, statement in enumerate(parts, start):
            piece = self._take(statement, retrieved, language, result, first=n == 0)
            if result.failure:
                return
            if piece:
                yield piece

    def _take(self, statement: Statement, retrieved: set[int], language: str, result: Generation, first: bool) -> str:
        if NOT_IN_ARTICLE in statement.text:
            return ""
        if first:
            said = detect_language(statement.text)
            if said in LANGUAGE_NAMES and language in LANGUAGE_NAMES and said != language:
                result.failure = f"the language model answered in {LANGUAGE_NAMES[said]} instead of {LANGUAGE_NAMES[language]}"
                return ""
        outcome = self.verifier.verify(statement, retrieved)
        if isinstance(outcome, Unsupported):
            result.dropped.append(outcome)
            return ""
        result.kept.append(outcome)
        return (" " if len(result.kept) > 1 else "") + outcome.text

    def summarize(self, article: Article, paragraphs: list[int], language: str, simple: bool) -> SectionSentence:
        style = "Use short, simple words a 10-year-old knows." if simple else "Be precise and neutral."
        inputs = {
            "paragraphs": "\n\n".join(f"[¶{n}] {article.paragraph(n).text}" for n in paragraphs),
            "answer_language": LANGUAGE_NAMES.get(language, "the language of the request"),
            "style": style,
        }
        try:
            text = self._invoke(self.summary_chain, inputs)
        except Exception as exc:
            return SectionSentence(None, failure=f"failed ({exc.__class__.__name__})")
        dropped: list[Unsupported] = []
        for statement in statements(text):
            said = detect_language(statement.text)
            if said in LANGUAGE_NAMES and language in LANGUAGE_NAMES and said != language:
                dropped.append(
                    Unsupported(text=statement.text, paragraphs=statement.paragraphs, reason=f"written in {LANGUAGE_NAMES[said]}")
                )
                continue
            outcome = self.verifier.verify(statement, set(paragraphs))
            if isinstance(outcome, Verified):
                return SectionSentence(outcome, dropped)
            dropped.append(outcome)
        return SectionSentence(None, dropped, "no verifiable sentence" if text.strip() else "an empty answer")

    def verdict(self, claim: str, evidence: list[Citation]) -> ModelVerdict:
        sentences = "\n".join(f"[¶{c.paragraph}] {c.quote}" for c in evidence)
        try:
            text = self._invoke(self.check_chain, {"claim": claim, "sentences": sentences})
        except Exception as exc:
            return ModelVerdict(None, failure=f"failed ({exc.__class__.__name__})")
        found = _VERDICT.search(text)
        if not found:
            return ModelVerdict(None, failure="no verdict in its reply")
        evidence = _EVIDENCE.search(text)
        cited = [int(n) for n in re.findall(r"\d+", evidence.group(1))] if evidence else []
        return ModelVerdict(found.group(1).lower(), cited)

    def _invoke(self, chain, inputs: dict[str, str]) -> str:
        if self.lock is None:
            return chain.invoke(inputs)
        with self.lock:
            return chain.invoke(inputs)

    def _chunks(self, inputs: dict[str, str]) -> Iterator[str]:
        if self.lock is None:
            yield from self._model_chunks(inputs)
            return
        with self.lock:
            yield from self._model_chunks(inputs)

    def _model_chunks(self, inputs: dict[str, str]) -> Iterator[str]:
        """Streamed text; when a server sends nothing streamed (or breaks before the first token),
        the same request once more without streaming."""
        got = False
        try:
            for chunk in self.chain.stream(inputs):
                if chunk:
                    got = True
                    yield chunk
        except Exception:
            if got:
                raise
        if not got:
            text = self.chain.invoke(inputs)
            if text:
                yield text
