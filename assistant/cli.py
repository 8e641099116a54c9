"""`article-chat`: ask, index, chat and serve from the command line.

Errors are one line on stderr with a non-zero exit; a batch never stops on a bad line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

from assistant.models import MODES
from settings import BACKENDS, Settings

EXIT_USAGE = 2


class CliError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="article-chat", description="Cited answers about a news article, offline.")
    sub = p.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question (or a batch) about the article")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--json", action="store_true", default=None, help="print one JSON object [ARTICLE_CHAT_JSON]")
    ask.add_argument("--batch", type=Path, help="JSON Lines of requests, '-' for stdin [ARTICLE_CHAT_BATCH]")
    ask.add_argument("--history", type=Path, help="JSON list of role/content messages [ARTICLE_CHAT_HISTORY]")
    ask.add_argument("--mode", choices=MODES, help="[ARTICLE_CHAT_MODE]")
    ask.add_argument("--article", help="'default', a file path or an indexed article id [ARTICLE_CHAT_ARTICLE]")
    idx = sub.add_parser("index", help="index an article file (.txt, .md, .html) and print its id")
    idx.add_argument("path", type=Path)
    chat = sub.add_parser("chat", help="interactive chat in the terminal")
    chat.add_argument("--article", help="[ARTICLE_CHAT_ARTICLE]")
    serve = sub.add_parser("serve", help="start the web page")
    serve.add_argument("--host", help="[ARTICLE_CHAT_HOST]")
    serve.add_argument("--port", type=int, help="[ARTICLE_CHAT_PORT]")
    serve.add_argument("--article", help="[ARTICLE_CHAT_ARTICLE]")
    for command in (ask, chat, serve):
        _llm_options(command)
    return p


def _llm_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("answerer (default: offline quotes)")
    group.add_argument("--backend", choices=BACKENDS, help="[ARTICLE_CHAT_BACKEND]")
    group.add_argument("--llm-base-url", help="OpenAI-compatible or Ollama URL [ARTICLE_CHAT_LLM_BASE_URL]")
    group.add_argument("--llm-model", help="model name; for llamacpp the path of a .gguf file [ARTICLE_CHAT_LLM_MODEL]")
    group.add_argument("--llm-api-key", help="API key, if the endpoint needs one [ARTICLE_CHAT_LLM_API_KEY]")


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        k: v
        for k, v in {
            "article": getattr(args, "article", None),
            "mode": getattr(args, "mode", None),
            "json_output": getattr(args, "json", None),
            "history": getattr(args, "history", None),
            "batch": getattr(args, "batch", None),
            "host": getattr(args, "host", None),
            "port": getattr(args, "port", None),
            "backend": getattr(args, "backend", None),
            "llm_base_url": getattr(args, "llm_base_url", None),
            "llm_model": getattr(args, "llm_model", None),
            "llm_api_key": getattr(args, "llm_api_key", None),
        }.items()
        if v is not None
    }
    return Settings(**overrides)


def _read_history(path: Path | None) -> list[dict[str, Any]]:
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CliError(f"History file not found: {path}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(f"History file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(m, dict) and "role" in m and "content" in m for m in data):
        raise CliError(f"History file {path} must be a JSON list of {{'role', 'content'}} messages.")
    return data


def _print_human(result, out=sys.stdout, streamed: bool = False) -> None:
    width = min(100, max(40, os.get_terminal_size().columns if out.isatty() else 100))
    out.write("\n" if streamed else result.answer + "\n")  # streamed text is already on screen
    if result.note:
        out.write(f"\nnote: {result.note}\n")
    for u in result.unsupported:
        out.write(f"removed: {u.text} ({u.reason})\n")
    if result.citations:
        out.write("\n")
    for c in result.citations:
        body = c.text.replace(c.quote, f"\x1b[1m{c.quote}\x1b[0m") if out.isatty() else c.text
        out.write(textwrap.fill(f"[¶{c.paragraph}] {body}", width=width, subsequent_indent="      ") + "\n\n")


def _batch(assistant, path: Path, mode: str) -> int:
    from assistant.models import QuestionError

    stream = sys.stdin if str(path) == "-" else None
    try:
        lines = (stream or path.open(encoding="utf-8")).read().splitlines()
    except FileNotFoundError as exc:
        raise CliError(f"Batch file not found: {path}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record: dict[str, Any] = {"line": n}
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise QuestionError("each line must be a JSON object with a 'question'")
            question = req.get("question", req.get("claim", ""))  # a claims file may say "claim"
            record["question"] = question
            result = assistant.ask(question, history=req.get("history") or [], mode=req.get("mode", mode))
            record = result.model_dump()
        except Exception as exc:  # one bad line must not stop the batch
            record["error"] = _message(exc)
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _message(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "invalid request: " + "; ".join(e["msg"] for e in exc.errors())
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg}"
    return str(exc) or exc.__class__.__name__


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.pool import open_assistant
    from assistant.service import clean_question

    if settings.batch is None and args.question is None:
        raise CliError("Give a question, or --batch FILE.")
    if settings.batch is None:
        clean_question(args.question, settings.max_question_chars)  # fail fast, before loading models
    assistant = open_assistant(settings, _article(settings, settings.article))
    if settings.batch is not None:
        return _batch(assistant, settings.batch, settings.mode)
    history = _read_history(settings.history)
    if settings.json_output:
        sys.stdout.write(assistant.ask(args.question, history=history, mode=settings.mode).model_dump_json() + "\n")
        return 0
    _print_human(_streamed(assistant, args.question, history, settings.mode), streamed=assistant.generator is not None)
    return 0


def _streamed(assistant, question: str, history: list, mode: str):
    """With a language model, verified sentences are printed as they arrive."""
    from assistant.models import AnswerResult

    result = None
    for item in assistant.stream(question, history, mode):
        if isinstance(item, AnswerResult):
            result = item
        elif assistant.generator is not None:
            sys.stdout.write(item)
            sys.stdout.flush()
    return result


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.pool import open_assistant

    assistant = open_assistant(settings, _article(settings, str(args.path)))
    a = assistant.article
    print(f"Indexed '{a.id}': {len(a.paragraphs)} paragraphs. Use it with --article {a.id}")
    return 0


def _chat(settings: Settings) -> int:
    from assistant.models import QuestionError
    from assistant.pool import open_assistant

    assistant = open_assistant(settings, _article(settings, settings.article))
    a = assistant.article
    print(f"Article: {a.meta.title or a.id} ({len(a.paragraphs)} paragraphs). Ask a question; an empty line or Ctrl-D quits.")
    history: list[dict[str, str]] = []
    while True:
        try:
            question = input("\n> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question.strip():
            return 0
        try:
            result = assistant.ask(question, history=history)
        except QuestionError as exc:
            print(f"error: {exc}")
            continue
        _print_human(result)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": result.answer}]


def _article(settings: Settings, ref: str):
    """The article read (and a missing or broken file reported) in a second, before the model's ~10 s load."""
    from index.library import ArticleLibrary

    return ArticleLibrary(settings.resolved_store_dir, settings.max_article_bytes).resolve(ref)


def _port_free(host: str, port: int) -> None:
    """A taken port is reported before the model loads; the server's own bind still decides."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            probe.bind((host, port))
    except OSError as exc:
        raise CliError(f"Cannot serve on {host}:{port}: {exc}") from exc


def _serve(settings: Settings) -> int:
    _port_free(settings.host, settings.port)
    try:
        import ui
    except ImportError as exc:
        raise CliError(f"The web page is not available ({exc}); use 'article-chat chat'.") from exc
    try:
        ui.main(settings)
    except OSError as exc:  # the port is taken, or the host is not this machine's
        raise CliError(f"Cannot serve on {settings.host}:{settings.port}: {exc}") from exc
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = _parser().parse_args(argv)
    from assistant.llm import LLMUnavailable
    from assistant.models import QuestionError
    from index.readers import ArticleError
    from index.store import StoreError

    try:
        settings = _settings(args)
        if args.command == "ask":
            return _ask(args, settings)
        if args.command == "index":
            return _index(args, settings)
        if args.command == "chat":
            return _chat(settings)
        return _serve(settings)
    except (CliError, QuestionError, ArticleError, StoreError, LLMUnavailable) as exc:
        print(f"article-chat: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("ARTICLE_CHAT_DEBUG"):
            raise
        print(f"article-chat: internal error: {exc.__class__.__name__}: {exc} (set ARTICLE_CHAT_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
