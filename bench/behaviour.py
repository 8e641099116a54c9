"""Every answer the assistant gives to a fixed battery, as JSON lines, so two commits can be compared.

A refactor that should change nothing is checked by running this before and after and diffing the
files: answers, citations, verdicts, reasons and error messages, everything but timings. The battery:
the development questions, the hand-written news questions and claims over `../shared`, summaries in
three languages, several claims at once, bad input, and the same through a scripted chat model
(a fake, so the model paths run offline and the same way each time).

Run: .venv/bin/python bench/behaviour.py OUT.jsonl  (then: diff BEFORE.jsonl AFTER.jsonl)"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SUMMARIES = [
    "Summarise the article",
    "Перекажи статтю в 3 пунктах",
    "Кратко перескажи статью одним абзацем",
    "Explain it simply for a 10-year-old",
    "Give me 7 key points",
]
BAD = ["", "   ", "x" * 5000, "\u202e\u200b"]
_PARAGRAPH = re.compile(r"\[¶(\d+)\] ([^\n]+)")


class ScriptedModel(BaseChatModel):
    """Answers from what it is shown: the first sentence of the first paragraph with its number,
    then a made-up sentence that verification must drop; for a claim, "supported" by the first
    sentence it was given. A fake, for this comparison only."""

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        prompt = str(messages[-1].content)
        found = _PARAGRAPH.search(prompt)
        if found is None:
            text = "I cannot tell."
        elif "<claim>" in prompt:
            text = f"VERDICT: supported\nEVIDENCE: ¶{found.group(1)}"
        else:
            first = re.split(r"(?<=[.!?])\s", found.group(2))[0]
            text = f"{first} [¶{found.group(1)}] The moon is made of green cheese [¶{found.group(1)}]."
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def battery() -> dict[str, list[tuple[str, str, list]]]:
    """Article reference -> (mode, text, history) to ask of it."""
    out: dict[str, list[tuple[str, str, list]]] = {}
    dev = SHARED / "article" / "dev_questions.jsonl"
    default = out.setdefault("default", [])
    if dev.exists():
        for q in _lines(dev):
            turns = q.get("turns") or [q["q"]]
            history = [{"role": r, "content": c} for t in turns[:-1] for r, c in (("user", t), ("assistant", "-"))]
            default.append(("answer", turns[-1], history))
    claims = _lines(ROOT / "bench" / "data" / "claims.jsonl") + _lines(ROOT / "bench" / "data" / "claims_heldout.jsonl")
    default += [("check", c["claim"], []) for c in claims]
    default.append(("check", "\n".join(c["claim"] for c in claims[:4]), []))
    for q in _lines(ROOT / "bench" / "data" / "news_questions.jsonl"):
        out.setdefault(str(SHARED / "news-uk" / q["article"]), []).append(("answer", q["question"], q.get("history") or []))
    for c in _lines(ROOT / "bench" / "data" / "claims_news_uk.jsonl"):
        out.setdefault(str(SHARED / "news-uk" / c["article"]), []).append(("check", c["claim"], []))
    for asks in out.values():
        asks += [("summary", s, []) for s in SUMMARIES]
        asks += [("answer", "Коли опубліковано статтю?", []), ("answer", "Who wrote it and where was it published?", [])]
    default += [(mode, b, []) for b in BAD for mode in ("answer", "check")] + [("poem", "Who?", [])]
    return out


def _record(assistant, mode: str, text: str, history: list) -> dict:
    try:
        result = assistant.ask(text, history=history, mode=mode).model_dump(exclude={"timings_ms"})
    except ValueError as exc:  # QuestionError and the errors a bad mode raises
        return {"mode": mode, "question": text[:80], "error": f"{exc.__class__.__name__}: {exc}"}
    return {"mode": mode, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--model-questions", type=int, default=12, help="questions per mode asked again through the scripted model")
    args = parser.parse_args()
    from assistant.pool import AssistantPool
    from settings import Settings

    store = Path(tempfile.mkdtemp(prefix="behaviour-"))
    pool = AssistantPool(Settings(store_dir=store))
    scripted = AssistantPool(Settings(store_dir=store, backend="openai", llm_model="scripted"))
    scripted.model = ScriptedModel()
    with args.out.open("w", encoding="utf-8") as out:
        for ref, asks in battery().items():
            if ref != "default" and not Path(ref).exists():
                continue
            assistant = pool.get(ref)
            name = assistant.article.id
            for mode, text, history in asks:
                out.write(json.dumps({"article": name, **_record(assistant, mode, text, history)}, ensure_ascii=False) + "\n")
            if ref == "default":
                model_assistant = scripted.add(assistant.article)
                for mode in ("answer", "summary", "check"):
                    for _, text, history in [a for a in asks if a[0] == mode][: args.model_questions]:
                        row = {"article": name, "via": "scripted model", **_record(model_assistant, mode, text, history)}
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {sum(1 for _ in args.out.open())} answers to {args.out}")


if __name__ == "__main__":
    main()
